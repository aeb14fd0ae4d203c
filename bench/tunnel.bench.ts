// npm run bench:tunnel [-- --quick]
//
// Issue 6's tunnel figures, each against a baseline measured in the same run:
//   - a GET through the tunnel: p50 ≤ 1.5× a direct GET to the member;
//   - a 1 MB LIST through the tunnel: ≥ 70% of direct throughput;
//   - 100 concurrent watches through one tunnel session: every event delivered (latency
//     reported against 100 direct watches);
//   - 100 agents redial within 10 s of the hub's agent port restarting (info for the later
//     "100 registered sims reconnect" figure, which adds the cluster controller).
// Three processes, as deployed: the member (a sim), its agent (TunnelClient + forwarder), and
// this one playing the hub (TunnelListener, TunnelRegistry, HttpClient over registry agents).
// "Direct" is this process → the sim over HTTPS with a keep-alive agent; "tunnel" is this
// process → HTTP/2 CONNECT stream → agent → HTTPS keep-alive → sim; "pipe" (context) is this
// process → a raw TLS byte pipe in a fourth process → sim, the floor of any extra hop.

import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { resources } from '../src/client/client.ts'
import { HttpClient } from '../src/client/http-client.ts'
import { authHeadersFor, httpsAgentFor } from '../src/client/rest-config.ts'
import type { KubeObject } from '../src/machinery/object.ts'
import { defaultSANs, ensureServingCertificate } from '../src/security/pki.ts'
import { TunnelAuthError, TunnelListener, type TunnelListenerOptions } from '../src/tunnel/hub-listener.ts'
import { TunnelRegistry } from '../src/tunnel/registry.ts'
import { tunnelServerURL } from '../src/tunnel/tunnel-agent.ts'
import { fmtMs, type Summary, summarize, table } from './stats.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const quick = process.argv.includes('--quick')
const GETS = quick ? 600 : 3000
const LISTS = quick ? 10 : 40
const WATCHERS = 100
const WATCH_EVENTS = quick ? 50 : 200
const WATCH_RATE = 50
const RECONNECT_AGENTS = 100

interface Member {
  url: string
  token: string
  ca: string
}

function tmp(name: string): string {
  return mkdtempSync(join(tmpdir(), `flotilla-bench-${name}-`))
}

function forkChild(args: string[], env: Record<string, string> = {}): ChildProcess {
  return fork(join(HERE, 'tunnel-children.ts'), args, {
    execArgv: ['--disable-warning=ExperimentalWarning'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

function nextMessage<T>(child: ChildProcess, pred: (m: T) => boolean, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('child did not answer in time')), timeoutMs)
    const on = (m: T) => {
      if (!pred(m)) return
      clearTimeout(t)
      child.off('message', on)
      resolve(m)
    }
    child.on('message', on)
  })
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.send({ type: 'shutdown' })
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(t)
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

function configMap(ns: string, name: string, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data } as KubeObject
}

type Named = readonly [name: string, client: HttpClient]

/** Each client in turn, in reverse order every other round, so drift hits all alike. */
function inTurn(clients: readonly Named[], round: number): readonly Named[] {
  return round % 2 ? [...clients].reverse() : clients
}

/** Sequential GETs in blocks of 50 per client. */
async function getLatency(clients: readonly Named[]): Promise<Record<string, Summary>> {
  const path = '/api/v1/namespaces/default'
  const samples = new Map<string, number[]>(clients.map(([name]) => [name, []]))
  for (let i = 0; i < 200; i++) for (const [, client] of clients) await client.raw('GET', path)
  for (let block = 0; block < GETS / 50; block++) {
    for (const [name, client] of inTurn(clients, block)) {
      for (let i = 0; i < 50; i++) {
        const t0 = performance.now()
        const res = await client.raw('GET', path)
        samples.get(name)!.push(performance.now() - t0)
        if (res.status !== 200) throw new Error(`GET (${name}) answered ${res.status}`)
      }
    }
  }
  return Object.fromEntries([...samples].map(([name, d]) => [name, summarize(d)]))
}

async function listThroughput(creator: HttpClient, clients: readonly Named[]) {
  await creator.create(resources.namespaces, '', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'big' },
  } as KubeObject)
  const blob = 'x'.repeat(19_000)
  await Promise.all(
    Array.from({ length: 55 }, (_, i) =>
      creator.create(resources.configmaps, 'big', configMap('big', `big-${i}`, { blob })),
    ),
  )
  const path = '/api/v1/namespaces/big/configmaps'
  const samples = new Map<string, number[]>(clients.map(([name]) => [name, []]))
  let bytes = 0
  for (let i = 0; i < 3; i++) for (const [, client] of clients) await client.raw('GET', path)
  for (let i = 0; i < LISTS; i++) {
    for (const [name, client] of inTurn(clients, i)) {
      const t0 = performance.now()
      const res = await client.raw('GET', path)
      samples.get(name)!.push(performance.now() - t0)
      bytes = res.body.length
    }
  }
  return { bytes, ...Object.fromEntries([...samples].map(([name, d]) => [name, summarize(d)])) } as {
    bytes: number
  } & Record<string, Summary>
}

/** WATCHERS watches through `client`; an open-loop writer creates WATCH_EVENTS ConfigMaps. */
async function watchDelivery(client: HttpClient, writer: HttpClient, ns: string) {
  await writer.create(resources.namespaces, '', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns },
  } as KubeObject)
  const acked = new Map<string, number>()
  const arrivals: { name: string; at: number }[] = []
  const list = await client.list(resources.configmaps, ns)
  const handles = await Promise.all(
    Array.from({ length: WATCHERS }, () =>
      client.watch(resources.configmaps, ns, { resourceVersion: list.resourceVersion }, (ev) => {
        if (ev.type === 'ADDED')
          arrivals.push({ name: (ev.object as KubeObject).metadata.name ?? '', at: performance.now() })
      }),
    ),
  )
  const writes: Promise<void>[] = []
  const t0 = performance.now()
  for (let i = 0; i < WATCH_EVENTS; i++) {
    const due = t0 + (i * 1000) / WATCH_RATE
    const wait = due - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const name = `ev-${i}`
    writes.push(
      writer.create(resources.configmaps, ns, configMap(ns, name)).then(() => void acked.set(name, performance.now())),
    )
  }
  await Promise.all(writes)
  const expected = WATCHERS * WATCH_EVENTS
  const deadline = Date.now() + 20_000
  while (arrivals.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  for (const h of handles) h.stop()
  await Promise.all(handles.map((h) => h.done))
  const lat = arrivals.map((a) => a.at - (acked.get(a.name) ?? Number.NaN)).filter(Number.isFinite)
  return { delivered: arrivals.length, expected, latency: summarize(lat) }
}

async function main(): Promise<void> {
  const simDir = tmp('tunnel-sim')
  const hubDir = tmp('tunnel-hub')
  const children: ChildProcess[] = []
  const cleanups: (() => Promise<void> | void)[] = []
  try {
    console.log(`tunnel benchmark${quick ? ' (quick)' : ''}: starting the member`)
    const sim = forkChild(['sim', simDir])
    children.push(sim)
    const member = await nextMessage<Member & { type: string }>(sim, (m) => m.type === 'ready')

    const pki = ensureServingCertificate(hubDir, defaultSANs('127.0.0.1'))
    const registry = new TunnelRegistry()
    const credentials = new Map([
      ['cred-bench', 'bench'],
      ['cred-fleet', 'fleet'],
      ['cred-echo', 'echo'],
    ])
    const listenerOpts = (port: number): TunnelListenerOptions => ({
      host: '127.0.0.1',
      port,
      tls: { cert: pki.cert, key: pki.key },
      registry,
      authenticate: async ({ credential }) => {
        const c = credentials.get(credential)
        if (!c) throw new TunnelAuthError(401, 'unknown credential')
        return c
      },
    })
    let listener = await TunnelListener.start(listenerOpts(0))
    cleanups.push(() => listener.close())
    const agentsEnv = (cluster: string, count: number, answer = false) => ({
      FLOTILLA_BENCH_AGENTS: JSON.stringify({
        hubURL: listener.url,
        ca: pki.caCert,
        cluster,
        credential: `cred-${cluster}`,
        member: { server: member.url, ca: member.ca, token: member.token },
        count,
        answer,
      }),
    })

    const agentStart = performance.now()
    const agent = forkChild(['agents'], agentsEnv('bench', 1))
    children.push(agent)
    await waitFor(() => registry.connected('bench'), 30_000, 'the agent tunnel')
    const agentUpMs = performance.now() - agentStart

    // Room for 100 watches plus requests (HttpClient.fromConfig's agent stops at 64 sockets).
    const memberConfig = { server: member.url, ca: member.ca, token: member.token }
    const direct = new HttpClient(
      {
        server: member.url,
        agent: httpsAgentFor(memberConfig, { maxSockets: 256 }),
        authHeaders: authHeadersFor(memberConfig),
      },
      {},
      true,
    )
    const tunnelAgent = registry.createAgent('bench')
    const tunnel = new HttpClient({ server: tunnelServerURL('bench'), agent: tunnelAgent })
    cleanups.push(() => {
      direct.close()
      tunnelAgent.destroy()
    })
    // Context: the member's own requests through a raw TLS byte pipe, the floor of any extra hop.
    const caFile = join(hubDir, 'member-ca.crt')
    writeFileSync(caFile, member.ca)
    const pipeChild = forkChild(['pipe', tmp('tunnel-pipe'), member.url, caFile])
    children.push(pipeChild)
    const pipeReady = await nextMessage<{ type: string; url: string; ca: string }>(pipeChild, (m) => m.type === 'ready')
    const pipeConfig = { server: pipeReady.url, ca: pipeReady.ca, token: member.token }
    const piped = new HttpClient(
      { server: pipeReady.url, agent: httpsAgentFor(pipeConfig), authHeaders: authHeadersFor(pipeConfig) },
      {},
      true,
    )
    cleanups.push(() => piped.close())
    const clients: Named[] = [
      ['direct', direct],
      ['tunnel', tunnel],
      ['pipe', piped],
    ]

    console.log('GET latency…')
    const get = await getLatency(clients)
    // The tunnel's own round trip: an agent that answers by itself (no member behind it).
    const echoAgent = forkChild(['agents'], agentsEnv('echo', 1, true))
    children.push(echoAgent)
    await waitFor(() => registry.connected('echo'), 30_000, 'the echo tunnel')
    const echoHttpAgent = registry.createAgent('echo')
    const echo = new HttpClient({ server: tunnelServerURL('echo'), agent: echoHttpAgent })
    const echoLat: number[] = []
    for (let i = 0; i < GETS + 200; i++) {
      const t0 = performance.now()
      await echo.raw('GET', '/api/v1/namespaces/default')
      if (i >= 200) echoLat.push(performance.now() - t0)
    }
    const echoGet = summarize(echoLat)
    echoHttpAgent.destroy()
    await stopChild(echoAgent)
    console.log('1 MB LIST throughput…')
    const list = await listThroughput(direct, clients)
    console.log(`${WATCHERS} watches…`)
    const watchDirect = await watchDelivery(direct, direct, 'watch-direct')
    const sessions = registry.sessions('bench')
    const watchTunnel = await watchDelivery(tunnel, direct, 'watch-tunnel')

    console.log(`${RECONNECT_AGENTS} agents redialling after a restart of the agent port…`)
    const fleet = forkChild(['agents'], agentsEnv('fleet', RECONNECT_AGENTS))
    children.push(fleet)
    const live = () => registry.sessions('fleet').filter((s) => s.alive).length
    await waitFor(() => live() === RECONNECT_AGENTS, 60_000, `${RECONNECT_AGENTS} tunnels`)
    const port = listener.port
    const r0 = performance.now()
    await listener.close()
    listener = await TunnelListener.start(listenerOpts(port))
    await waitFor(() => live() === RECONNECT_AGENTS, 60_000, `${RECONNECT_AGENTS} tunnels again`)
    const reconnectMs = performance.now() - r0

    const getRatio = get.tunnel.p50 / get.direct.p50
    const mb = list.bytes / 1024 / 1024
    const thrDirect = mb / (list.direct.p50 / 1000)
    const thrTunnel = mb / (list.tunnel.p50 / 1000)
    const thrPipe = mb / (list.pipe.p50 / 1000)
    const listRatio = thrTunnel / thrDirect
    const watchOk = watchTunnel.delivered === watchTunnel.expected && sessions.length === 1
    const rows = [
      [
        'GET p50 through the tunnel (vs direct)',
        fmtMs(get.tunnel.p50),
        '≤ 1.5× direct',
        `${fmtMs(get.direct.p50)} (direct)`,
        `${getRatio.toFixed(2)}×`,
        getRatio <= 1.5 ? 'PASS' : 'FAIL',
      ],
      [
        `LIST of ${mb.toFixed(2)} MB, throughput (median)`,
        `${thrTunnel.toFixed(0)} MB/s`,
        '≥ 70% of direct',
        `${thrDirect.toFixed(0)} MB/s (direct)`,
        `${(listRatio * 100).toFixed(0)}%`,
        listRatio >= 0.7 ? 'PASS' : 'FAIL',
      ],
      [
        'GET p50 through a raw TLS byte pipe (info: the floor of a hop)',
        fmtMs(get.pipe.p50),
        '—',
        `${fmtMs(get.direct.p50)} (direct)`,
        `${(get.pipe.p50 / get.direct.p50).toFixed(2)}×`,
        'info',
      ],
      [
        'LIST through the raw TLS byte pipe (info)',
        `${thrPipe.toFixed(0)} MB/s`,
        '—',
        `${thrDirect.toFixed(0)} MB/s (direct)`,
        `${((thrPipe / thrDirect) * 100).toFixed(0)}%`,
        'info',
      ],
      [
        `${WATCHERS} watches on one tunnel session, delivery p99`,
        fmtMs(watchTunnel.latency.p99),
        `all ${watchTunnel.expected} events`,
        `${fmtMs(watchDirect.latency.p99)} (${WATCHERS} direct watches)`,
        `${watchTunnel.delivered}/${watchTunnel.expected}`,
        watchOk ? 'PASS' : 'FAIL',
      ],
      [
        `${RECONNECT_AGENTS} agents back after an agent-port restart`,
        fmtMs(reconnectMs),
        '≤ 10 s',
        '—',
        '—',
        reconnectMs <= 10_000 ? 'PASS' : 'FAIL',
      ],
      [
        'tunnel round trip alone: the agent answers itself (info)',
        fmtMs(echoGet.p50),
        '—',
        `${fmtMs(get.direct.p50)} (direct GET)`,
        `${(echoGet.p50 / get.direct.p50).toFixed(2)}×`,
        'info',
      ],
      ['agent process start → tunnel registered (info)', fmtMs(agentUpMs), '—', '—', '—', 'info'],
    ]
    console.log()
    console.log(table(['figure', 'measured', 'target', 'baseline', 'ratio', 'result'], rows))
    console.log()
    const detail = (name: string, s: Summary) =>
      `${name}: p50 ${fmtMs(s.p50)}, p90 ${fmtMs(s.p90)}, p99 ${fmtMs(s.p99)}, max ${fmtMs(s.max)} (n=${s.n})`
    console.log(detail('GET direct', get.direct))
    console.log(detail('GET tunnel', get.tunnel))
    console.log(detail('GET raw TLS byte pipe', get.pipe))
    console.log(detail('GET answered by the agent itself', echoGet))
    console.log(detail(`LIST ${list.bytes} B direct`, list.direct))
    console.log(detail(`LIST ${list.bytes} B tunnel`, list.tunnel))
    console.log(detail(`LIST ${list.bytes} B raw TLS byte pipe`, list.pipe))
    console.log(
      detail(
        `watch delivery (ack→event) direct, ${watchDirect.delivered}/${watchDirect.expected}`,
        watchDirect.latency,
      ),
    )
    console.log(
      detail(
        `watch delivery (ack→event) tunnel, ${watchTunnel.delivered}/${watchTunnel.expected}`,
        watchTunnel.latency,
      ),
    )
  } finally {
    for (const c of cleanups.reverse()) await c()
    await Promise.all(children.reverse().map(stopChild))
    rmSync(simDir, { recursive: true, force: true })
    rmSync(hubDir, { recursive: true, force: true })
  }
}

await main()
