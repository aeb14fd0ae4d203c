// npm run bench:hub-proxy [-- --quick] [-- --profile DIR]
//
// The hub's proxy to members (issue 5, "Performance"), measured against its own baseline in the
// same run:
//   - a GET proxied through the hub: p50 latency <= 1.3x a direct GET to the member;
//   - a 10,000-object LIST through the proxy: >= 80% of the direct LIST's throughput.
// Five processes: a simulated member, the hub (member imported by its cluster controller, audit
// log on as `flotilla server` runs it), a bare Node HTTPS relay to the member (context: the cost
// of any Node proxy hop, the floor for the hub's), a raw TLS byte pipe to the member (context:
// what a hop costs below HTTP), and this one, the client. Direct and proxied requests
// alternate in rounds so drift on a shared machine hits both alike. Both paths use HTTPS with
// keep-alive connections; the client reads every body to the end without parsing it.

import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Agent, request } from 'undici'
import { restConfigFromKubeconfig } from '../src/client/rest-config.ts'
import { ADMIN_USER } from '../src/hub/start.ts'
import { fmtMs, type Summary, summarize, table } from './stats.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const profileDir = argv.includes('--profile') ? argv[argv.indexOf('--profile') + 1] : undefined
const OBJECTS = 10_000
const GET_ROUNDS = quick ? 4 : 10
const GETS_PER_ROUND = quick ? 100 : 200
const LIST_ROUNDS = quick ? 3 : 21

interface Child {
  proc: ChildProcess
  ready: Record<string, string>
}

async function startChild(args: string[]): Promise<Child> {
  const proc = fork(join(HERE, 'hub-proxy-child.ts'), args, {
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = await new Promise<Record<string, string>>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${args[0]} child exited with ${code} before it was ready`)))
    proc.on('message', (m: Record<string, string>) => {
      if (m?.type === 'ready') resolve(m)
    })
  })
  return { proc, ready }
}

function call(child: Child, msg: Record<string, string>, answer: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (m: { type?: string }) => {
      if (m?.type !== answer) return
      child.proc.off('message', on)
      resolve()
    }
    child.proc.on('message', on)
    child.proc.send(msg)
  })
}

async function stop(child: Child): Promise<void> {
  const exited = new Promise((r) => child.proc.once('exit', r))
  child.proc.send({ type: 'shutdown' })
  await exited
}

interface Target {
  name: string
  base: string
  dispatcher: Agent
  headers: Record<string, string | string[]>
}

/** One request, body read to the end; returns [milliseconds, bytes]. */
async function timed(t: Target, path: string): Promise<[number, number]> {
  const t0 = performance.now()
  const res = await request(t.base + path, { dispatcher: t.dispatcher, headers: t.headers })
  let bytes = 0
  for await (const chunk of res.body) bytes += (chunk as Buffer).length
  const ms = performance.now() - t0
  if (res.statusCode !== 200) throw new Error(`${t.name} ${path}: HTTP ${res.statusCode}`)
  return [ms, bytes]
}

async function main(): Promise<void> {
  const simDir = mkdtempSync(join(tmpdir(), 'flotilla-bench-member-'))
  const hubDir = mkdtempSync(join(tmpdir(), 'flotilla-bench-hub-'))
  const relayDir = mkdtempSync(join(tmpdir(), 'flotilla-bench-relay-'))
  process.stdout.write(`starting a member with ${OBJECTS.toLocaleString('en-US')} ConfigMaps and a hub…\n`)
  const sim = await startChild(['sim', simDir, String(OBJECTS)])
  const hub = await startChild(['hub', hubDir, sim.ready.kubeconfig])
  const relay = await startChild(['relay', relayDir, sim.ready.kubeconfig])
  const pipe = await startChild(['pipe', relayDir, sim.ready.kubeconfig])
  const admin = restConfigFromKubeconfig(readFileSync(hub.ready.kubeconfig, 'utf8'))
  const direct: Target = {
    name: 'direct',
    base: sim.ready.url,
    dispatcher: new Agent({ connect: { ca: sim.ready.ca }, connections: 4 }),
    headers: { authorization: `Bearer ${sim.ready.token}`, accept: 'application/json' },
  }
  const proxied: Target = {
    name: 'proxied',
    base: `${hub.ready.url}/apis/platform.flotilla.dev/v1alpha1/clusters/bench/proxy`,
    dispatcher: new Agent({ connect: { ca: hub.ready.ca, cert: admin.cert, key: admin.key }, connections: 4 }),
    headers: {
      accept: 'application/json',
      ...(admin.token ? { authorization: `Bearer ${admin.token}` } : {}),
    },
  }
  // Same headers as the member gets from the hub, so the member does the same work.
  const relayed: Target = {
    name: 'relay',
    base: relay.ready.url,
    dispatcher: new Agent({ connect: { ca: relay.ready.ca }, connections: 4 }),
    headers: {
      accept: 'application/json',
      'impersonate-user': `flotilla:hub:${ADMIN_USER}`,
      // One header line per group, as the hub sends them (a line is one group, commas and all).
      'impersonate-group': ['flotilla:hub:system:masters', 'flotilla:hub:system:authenticated', 'system:authenticated'],
      'impersonate-extra-platform.flotilla.dev%2fhub-user': ADMIN_USER,
    },
  }
  // Context: the member's own requests through a byte pipe (the member does the direct GET's work).
  const piped: Target = {
    ...direct,
    name: 'pipe',
    base: pipe.ready.url,
    dispatcher: new Agent({ connect: { ca: pipe.ready.ca }, connections: 4 }),
  }
  try {
    const getPath = '/api/v1/namespaces/bench/configmaps/cm-4242'
    const listPath = '/api/v1/namespaces/bench/configmaps'
    // Warm-up: connections, JIT, the proxy's one-time admin binding check.
    for (let i = 0; i < 300; i++) {
      await timed(direct, getPath)
      await timed(proxied, getPath)
      await timed(relayed, getPath)
      await timed(piped, getPath)
    }
    await timed(direct, listPath)
    await timed(proxied, listPath)
    await timed(relayed, listPath)
    await timed(piped, listPath)

    if (profileDir) await call(hub, { type: 'profile-start' }, 'profiling')
    // Context, not a target: a GET the hub answers itself (a ConfigMap of the same size) is the
    // cost of the extra hop alone — TLS, authentication, authorization, audit, routing.
    const hubSelf: Target = { ...proxied, name: 'hub', base: hub.ready.url }
    const hubPath = '/api/v1/namespaces/flotilla-system/configmaps/bench-sample'
    // Also context: the direct GET as the identity the proxy impersonates (the member then runs
    // impersonation checks and RBAC for it instead of its system:masters shortcut).
    const directAs: Target = {
      ...direct,
      name: 'directAs',
      headers: {
        ...direct.headers,
        'impersonate-user': `flotilla:hub:${ADMIN_USER}`,
        // One header line per group, as the hub sends them (a line is one group, commas and all).
        'impersonate-group': [
          'flotilla:hub:system:masters',
          'flotilla:hub:system:authenticated',
          'system:authenticated',
        ],
        'impersonate-extra-platform.flotilla.dev%2fhub-user': ADMIN_USER,
      },
    }
    const gets = {
      direct: [] as number[],
      proxied: [] as number[],
      hub: [] as number[],
      directAs: [] as number[],
      relay: [] as number[],
      pipe: [] as number[],
    }
    for (let round = 0; round < GET_ROUNDS; round++) {
      const order =
        round % 2 === 0
          ? [direct, proxied, hubSelf, directAs, relayed, piped]
          : [piped, relayed, directAs, hubSelf, proxied, direct]
      for (const t of order) {
        const path = t === hubSelf ? hubPath : getPath
        for (let i = 0; i < GETS_PER_ROUND; i++) gets[t.name as 'direct'].push((await timed(t, path))[0])
      }
    }
    const lists = { direct: [] as number[], proxied: [] as number[], relay: [] as number[], pipe: [] as number[] }
    let listBytes = 0
    for (let round = 0; round < LIST_ROUNDS; round++) {
      for (const t of round % 2 === 0 ? [direct, proxied, relayed, piped] : [piped, relayed, proxied, direct]) {
        const [ms, bytes] = await timed(t, listPath)
        lists[t.name as 'direct'].push(ms)
        listBytes = bytes
      }
    }
    if (profileDir) {
      await call(hub, { type: 'profile-stop', path: join(profileDir, 'hub-proxy.cpuprofile') }, 'profiled')
      process.stdout.write(`hub CPU profile: ${join(profileDir, 'hub-proxy.cpuprofile')}\n`)
    }

    const gd = summarize(gets.direct)
    const gp = summarize(gets.proxied)
    const ld = summarize(lists.direct)
    const lp = summarize(lists.proxied)
    const gr = summarize(gets.relay)
    const lr = summarize(lists.relay)
    const lpipe = summarize(lists.pipe)
    const rate = (ms: number) => OBJECTS / (ms / 1000)
    const getRatio = gp.p50 / gd.p50
    // Context rows: a path other than the hub's, against the direct one.
    const getInfo = (label: string, s: Summary) => [
      label,
      '-',
      fmtMs(s.p50),
      `${(s.p50 / gd.p50).toFixed(2)}x`,
      '-',
      'info',
    ]
    const listInfo = (label: string, s: Summary) => [
      label,
      '-',
      `${fmtMs(s.p50)} (${Math.round(rate(s.p50)).toLocaleString('en-US')} objects/s)`,
      `${((rate(s.p50) / rate(ld.p50)) * 100).toFixed(0)}%`,
      '-',
      'info',
    ]
    const listRatio = rate(lp.p50) / rate(ld.p50)
    process.stdout.write(
      `\n${table(
        ['figure', 'direct', 'through the hub', 'ratio', 'target', 'result'],
        [
          [
            'GET one ConfigMap, p50',
            fmtMs(gd.p50),
            fmtMs(gp.p50),
            `${getRatio.toFixed(2)}x`,
            '<= 1.3x',
            getRatio <= 1.3 ? 'PASS' : 'FAIL',
          ],
          ['GET one ConfigMap, p99', fmtMs(gd.p99), fmtMs(gp.p99), `${(gp.p99 / gd.p99).toFixed(2)}x`, '-', 'info'],
          [
            'GET one ConfigMap as the impersonated identity, p50',
            fmtMs(summarize(gets.directAs).p50),
            '-',
            `${(summarize(gets.directAs).p50 / gd.p50).toFixed(2)}x`,
            '-',
            'info',
          ],
          getInfo("GET answered by the hub itself, p50 (one hop's cost)", summarize(gets.hub)),
          getInfo('GET through a bare Node HTTPS relay, p50 (the floor for any Node proxy)', gr),
          getInfo(
            'GET through a raw TLS byte pipe, p50 (a hop with no HTTP: TLS and the kernel)',
            summarize(gets.pipe),
          ),
          [
            `LIST ${OBJECTS.toLocaleString('en-US')} (${(listBytes / 1024 / 1024).toFixed(1)} MB), p50`,
            `${fmtMs(ld.p50)} (${Math.round(rate(ld.p50)).toLocaleString('en-US')} objects/s)`,
            `${fmtMs(lp.p50)} (${Math.round(rate(lp.p50)).toLocaleString('en-US')} objects/s)`,
            `${(listRatio * 100).toFixed(0)}%`,
            '>= 80%',
            listRatio >= 0.8 ? 'PASS' : 'FAIL',
          ],
          listInfo('LIST through the bare Node HTTPS relay, p50', lr),
          listInfo('LIST through the raw TLS byte pipe, p50', lpipe),
        ],
      )}\n(GET n=${gd.n} each; LIST n=${ld.n} each)\n`,
    )
  } finally {
    await direct.dispatcher.close()
    await proxied.dispatcher.close()
    await relayed.dispatcher.close()
    await piped.dispatcher.close()
    await stop(pipe)
    await stop(relay)
    await stop(hub)
    await stop(sim)
    rmSync(simDir, { recursive: true, force: true })
    rmSync(hubDir, { recursive: true, force: true })
    rmSync(relayDir, { recursive: true, force: true })
  }
}

await main()
