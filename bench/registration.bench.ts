// npm run bench:registration [-- --quick] [-- --members N] [-- --reps N] [-- --restarts N]
//
// Issue 6's end-to-end registration figures, with the real hub (`flotilla server`, its own
// process, default settings: 10 s health interval, 40 s grace period, storage sync full, audit
// log on) and real agents:
//
// 1. agent start → Running ≤ 2 s. A `flotilla sim` process is the member; for each repetition a
//    fresh Register-mode Cluster and bootstrap token (clusters/NAME/registration), then
//    `flotilla agent --kubeconfig SIM_KUBECONFIG` spawned with the FLOTILLA_* environment: the
//    time from the spawn to the Cluster's status.phase Running (polled every 20 ms). Each
//    repetition uses a fresh credential namespace in the member, so each is a first
//    registration. Reported with the part spent starting the agent process (spawn → its first
//    output line: Node and the agent's module loading). Baselines in the same run: `node -e`
//    alone, the `flotilla sim` process from spawn to listening, and importing the same member
//    (Import mode, kubeconfig Secret) from the Cluster's creation to Running.
// 2. 100 registered sims reconnect within 10 s of a hub restart. 100 sims (1 node, sync normal)
//    and their agents (src/agent's startAgent, one per sim) in two child processes
//    (bench/registration-children.ts); once all are Running the hub is killed (SIGKILL, and
//    separately SIGTERM) and started again on the same data directory and ports. Measured from
//    the signal until every member answers GET /api/v1/nodes through the hub proxy, and until
//    every Cluster's status shows Running with an agent connected after the restart. Baseline
//    in the same run: the same processes' bare TunnelClients redialling a TunnelListener in this
//    process after it restarts (bench:tunnel's "agent-port restart", nothing else).
//
// BENCH_TRACE=1 prints each agent's connected/disconnected/retry events and the hub's kill and
// ready times (epoch ms) on stderr, to see where a reconnection's time goes.

import { type ChildProcess, fork, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { clusterResource } from '../src/apis/platform/cluster.ts'
import { resources } from '../src/client/client.ts'
import { HttpClient } from '../src/client/http-client.ts'
import { restConfigFromKubeconfig } from '../src/client/rest-config.ts'
import type { KubeObject } from '../src/machinery/object.ts'
import { defaultSANs, ensureServingCertificate } from '../src/security/pki.ts'
import { TunnelAuthError, TunnelListener } from '../src/tunnel/hub-listener.ts'
import { TunnelRegistry } from '../src/tunnel/registry.ts'
import { fmtMs, summarize, table } from './stats.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..')
const NODE = process.execPath
const FLOTILLA = join(ROOT, 'bin/flotilla.ts')
const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const flag = (name: string, dflt: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt)
const REPS = flag('--reps', quick ? 3 : 7)
const MEMBERS = flag('--members', quick ? 20 : 100)
const RESTARTS = flag('--restarts', quick ? 1 : 3)
const TARGET_RUNNING_MS = 2_000
const TARGET_RECONNECT_MS = 10_000
/** The agents' backoff resets after a tunnel lasted 10 s: restarts are spaced further apart. */
const STABLE_MS = 11_000
const CLUSTERS = '/apis/platform.flotilla.dev/v1alpha1/clusters'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const fmtS = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a')
const med = (xs: number[]) => summarize(xs).p50
const max = (xs: number[]) => summarize(xs).max
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** The environment of a spawned `flotilla` process: ours without FLOTILLA_* and KUBERNETES_*. */
function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('FLOTILLA_') && !k.startsWith('KUBERNETES_')) env[k] = v
  }
  return { ...env, ...extra }
}

interface Proc {
  child: ChildProcess
  spawnedAt: number
  /** When the first output (stdout or stderr) arrived. */
  firstOutput: Promise<number>
  /** Resolves with the time `pattern` first appeared in the output. */
  when(pattern: RegExp, timeoutMs?: number): Promise<number>
  exited: Promise<number>
  output(): string
}

function spawnFlotilla(args: string[], env: Record<string, string> = {}): Proc {
  const spawnedAt = performance.now()
  const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', FLOTILLA, ...args], {
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  // When each chunk arrived, so a pattern matched late is still timed at its arrival.
  const chunks: { at: number; end: number }[] = []
  const waiters: { pattern: RegExp; resolve: (t: number) => void }[] = []
  let first: (t: number) => void = () => {}
  const firstOutput = new Promise<number>((r) => {
    first = r
  })
  const onData = (d: Buffer) => {
    const t = performance.now()
    first(t)
    // The patterns waited for come early; a long-running hub's log is not kept whole.
    if (out.length < 2_000_000) out += d.toString('utf8')
    if (chunks.length < 1000) chunks.push({ at: t, end: out.length })
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(out)) w.resolve(t)
      else waiters.push(w)
    }
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const exited = new Promise<number>((r) => child.once('exit', () => r(performance.now())))
  return {
    child,
    spawnedAt,
    firstOutput,
    exited,
    output: () => out,
    when(pattern, timeoutMs = 60_000) {
      if (pattern.test(out)) {
        const c = chunks.find((c) => pattern.test(out.slice(0, c.end)))
        return Promise.resolve(c?.at ?? performance.now())
      }
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern} from flotilla ${args[0]}:\n${out.slice(-3000)}`)),
          timeoutMs,
        )
        waiters.push({
          pattern,
          resolve: (at) => {
            clearTimeout(t)
            resolve(at)
          },
        })
      })
    },
  }
}

async function stopProc(p: Proc | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return
  p.child.kill(signal)
  const t = setTimeout(() => p.child.kill('SIGKILL'), 10_000)
  await p.exited
  clearTimeout(t)
}

interface HubProc extends Proc {
  ready: Promise<number>
}

/** `flotilla server` with its defaults, on fixed ports so a restart keeps the agents' URL. */
function startHub(dataDir: string, apiPort: number, agentPort: number): HubProc {
  const p = spawnFlotilla([
    'server',
    '--data-dir',
    dataDir,
    '--listen',
    `127.0.0.1:${apiPort}`,
    '--agent-listen',
    `127.0.0.1:${agentPort}`,
  ])
  return { ...p, ready: p.when(/Agents of registered clusters dial/) }
}

function hubClient(dataDir: string): HttpClient {
  return HttpClient.fromConfig(restConfigFromKubeconfig(readFileSync(join(dataDir, 'admin.kubeconfig'), 'utf8')), {
    userAgent: 'bench-registration',
  })
}

interface ClusterStatus {
  phase?: string
  agents?: { id: string; connectedAt: string }[]
}
const statusOf = (c: KubeObject) => (c.status ?? {}) as ClusterStatus

async function registerCluster(hub: HttpClient, name: string): Promise<Record<string, string>> {
  await hub.create(clusterResource, '', {
    apiVersion: 'platform.flotilla.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name },
    spec: { connection: { mode: 'Register' }, provider: 'sim' },
  } as KubeObject)
  const res = await hub.raw('POST', `${CLUSTERS}/${name}/registration`, {
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      apiVersion: 'platform.flotilla.dev/v1alpha1',
      kind: 'ClusterRegistrationRequest',
      spec: {},
    }),
  })
  if (res.status !== 201) throw new Error(`registration of ${name}: HTTP ${res.status} ${res.body}`)
  return (JSON.parse(res.body.toString('utf8')) as { status: { env: Record<string, string> } }).status.env
}

async function phaseOf(hub: HttpClient, name: string): Promise<string | undefined> {
  try {
    return statusOf(await hub.get(clusterResource, '', name)).phase
  } catch {
    return undefined
  }
}

/** Polls one Cluster every 20 ms until its phase is `phase`; returns when it was seen. */
async function pollPhase(hub: HttpClient, name: string, phase: string, timeoutMs = 60_000): Promise<number> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    if ((await phaseOf(hub, name)) === phase) return performance.now()
    if (performance.now() > deadline) throw new Error(`${name} not ${phase} within ${timeoutMs} ms`)
    await sleep(20)
  }
}

// ---------------------------------------------------------------------------------------------
// 1. agent start → Running

interface StartFigures {
  nodeMs: number[]
  simSpawnMs: number[]
  importMs: number[]
  agentRunningMs: number[]
  agentNodeStartMs: number[]
  agentConnectedMs: number[]
  hubStartMs: number
}

async function agentStartToRunning(root: string): Promise<StartFigures> {
  // Node alone: spawn → first output of a one-line script (what no Flotilla change can save).
  const nodeMs: number[] = []
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now()
    const child = spawn(NODE, ['-e', 'process.stdout.write("x")'], { stdio: ['ignore', 'pipe', 'ignore'] })
    await new Promise<void>((r) => child.stdout.once('data', () => r()))
    nodeMs.push(performance.now() - t0)
    await new Promise((r) => child.once('exit', r))
  }
  const simSpawnMs: number[] = []
  let sim: Proc | undefined
  let simKubeconfig = ''
  // Baseline: `flotilla sim` from spawn to listening (the last one stays up as the member).
  for (let i = 0; i < REPS; i++) {
    await stopProc(sim)
    const dir = join(root, `member-${i}`)
    sim = spawnFlotilla(['sim', '--name', 'member', '--nodes', '2', '--data-dir', dir])
    simSpawnMs.push((await sim.when(/listening on/)) - sim.spawnedAt)
    simKubeconfig = join(dir, 'kubeconfig')
  }
  const hubDir = join(root, 'hub-start')
  const hubProc = startHub(hubDir, await freePort(), await freePort())
  const hubStartMs = (await hubProc.ready) - hubProc.spawnedAt
  const hub = hubClient(hubDir)
  const importMs: number[] = []
  const agentRunningMs: number[] = []
  const agentNodeStartMs: number[] = []
  const agentConnectedMs: number[] = []
  try {
    // Baseline: the import path to Running for the same member.
    const kubeconfigB64 = Buffer.from(readFileSync(simKubeconfig, 'utf8')).toString('base64')
    for (let i = 0; i < REPS; i++) {
      const name = `import-${i}`
      await hub.create(resources.secrets, 'flotilla-system', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `cluster-${name}-kubeconfig`, namespace: 'flotilla-system' },
        data: { kubeconfig: kubeconfigB64 },
      } as KubeObject)
      const t0 = performance.now()
      await hub.create(clusterResource, '', {
        apiVersion: 'platform.flotilla.dev/v1alpha1',
        kind: 'Cluster',
        metadata: { name },
        spec: { connection: { mode: 'Import', kubeconfigSecretRef: { name: `cluster-${name}-kubeconfig` } } },
      } as KubeObject)
      importMs.push((await pollPhase(hub, name, 'Running')) - t0)
      await hub.delete(clusterResource, '', name)
      await sleep(300)
    }
    for (let i = 0; i < REPS; i++) {
      const name = `reg-${i}`
      const env = await registerCluster(hub, name)
      await pollPhase(hub, name, 'Pending')
      const agent = spawnFlotilla(['agent', '--kubeconfig', simKubeconfig], {
        ...env,
        // A namespace of its own per repetition: each agent starts with no stored credential.
        FLOTILLA_AGENT_NAMESPACE: `flotilla-bench-${i}`,
        FLOTILLA_AGENT_ID: `bench-agent-${i}`,
      })
      try {
        const running = await pollPhase(hub, name, 'Running', 30_000)
        agentRunningMs.push(running - agent.spawnedAt)
        agentNodeStartMs.push((await agent.firstOutput) - agent.spawnedAt)
        agentConnectedMs.push((await agent.when(/connected to/)) - agent.spawnedAt)
        process.stdout.write(
          `  ${name}: spawn → first line ${fmtMs(agentNodeStartMs.at(-1)!)}, → connected ${fmtMs(agentConnectedMs.at(-1)!)}, → Running ${fmtMs(agentRunningMs.at(-1)!)}\n`,
        )
      } finally {
        await stopProc(agent)
      }
      await hub.delete(clusterResource, '', name)
      await sleep(300)
    }
  } finally {
    hub.close()
    await stopProc(hubProc)
    await stopProc(sim)
  }
  return { nodeMs, simSpawnMs, importMs, agentRunningMs, agentNodeStartMs, agentConnectedMs, hubStartMs }
}

// ---------------------------------------------------------------------------------------------
// 2. 100 registered sims reconnect after a hub restart

interface SimInfo {
  name: string
  kubeconfig: string
  url: string
  token: string
  ca: string
}

interface Fleet {
  proc: ChildProcess
  sims: SimInfo[]
  connected: number
}

async function startFleet(root: string, first: number, count: number): Promise<Fleet> {
  const proc = fork(join(HERE, 'registration-children.ts'), ['fleet', root, String(first), String(count)], {
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const fleet: Fleet = { proc, sims: [], connected: 0 }
  await new Promise<void>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`fleet child exited with ${code}`)))
    proc.on('message', (m: { type?: string; sims?: SimInfo[]; connected?: number }) => {
      if (m.type === 'sims' && m.sims) {
        fleet.sims = m.sims
        resolve()
      } else if (m.type === 'agents') fleet.connected = m.connected ?? 0
    })
  })
  return fleet
}

async function stopFleet(f: Fleet): Promise<void> {
  if (f.proc.exitCode !== null) return
  const exited = new Promise((r) => f.proc.once('exit', r))
  f.proc.send({ type: 'shutdown' })
  const t = setTimeout(() => f.proc.kill('SIGKILL'), 20_000)
  await exited
  clearTimeout(t)
}

async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 20) {
  const deadline = performance.now() + timeoutMs
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(everyMs)
  }
  return performance.now()
}

/** The baseline: bare tunnels redialling a TunnelListener (this process) after it restarts. */
async function agentPortRestart(root: string, fleets: Fleet[]): Promise<number[]> {
  const pki = ensureServingCertificate(join(root, 'listener'), defaultSANs('127.0.0.1'))
  const registry = new TunnelRegistry()
  const opts = (port: number) => ({
    host: '127.0.0.1',
    port,
    tls: { cert: pki.cert, key: pki.key },
    registry,
    authenticate: async ({ credential, cluster }: { credential: string; cluster: string }) => {
      if (credential !== `cred-${cluster}`) throw new TunnelAuthError(401, 'unknown credential')
      return cluster
    },
  })
  let listener = await TunnelListener.start(opts(0))
  const names = fleets.flatMap((f) => f.sims.map((s) => s.name))
  const live = () => names.filter((n) => registry.connected(n)).length
  const times: number[] = []
  try {
    for (const f of fleets) f.proc.send({ type: 'tunnels', hubURL: listener.url, ca: pki.caCert })
    await waitUntil(() => live() === names.length, 60_000, 'baseline tunnels', 5)
    for (let r = 0; r < RESTARTS; r++) {
      await sleep(STABLE_MS)
      const port = listener.port
      const t0 = performance.now()
      await listener.close()
      listener = await TunnelListener.start(opts(port))
      await waitUntil(() => live() === names.length, 60_000, 'baseline tunnels after the restart', 5)
      times.push(performance.now() - t0)
      process.stdout.write(`  agent-port restart ${r + 1}: ${names.length} tunnels back in ${fmtMs(times.at(-1)!)}\n`)
    }
  } finally {
    await Promise.all(
      fleets.map((f) => {
        const stopped = new Promise<void>((resolve) => {
          const on = (m: { type?: string }) => {
            if (m.type !== 'tunnels-stopped') return
            f.proc.off('message', on)
            resolve()
          }
          f.proc.on('message', on)
        })
        f.proc.send({ type: 'tunnels-stop' })
        return stopped
      }),
    )
    await listener.close()
  }
  return times
}

interface RestartFigures {
  signal: string
  hubDownMs: number
  hubReadyMs: number
  tunnelsMs: number
  reachableMs: number
  reachableP50Ms: number
  statusMs: number
  notRunningSeen: number
}

async function fleetReconnect(root: string) {
  const fleets: Fleet[] = []
  let hubProc: HubProc | undefined
  const hubDir = join(root, 'hub-fleet')
  let hub: HttpClient | undefined
  try {
    process.stdout.write(`Starting ${MEMBERS} simulated members in two processes...\n`)
    const t0 = performance.now()
    const half = Math.ceil(MEMBERS / 2)
    fleets.push(
      ...(await Promise.all([
        startFleet(join(root, 'fleet-a'), 0, half),
        startFleet(join(root, 'fleet-b'), half, MEMBERS - half),
      ])),
    )
    const names = fleets.flatMap((f) => f.sims.map((s) => s.name))
    process.stdout.write(`  ${names.length} members up in ${fmtS(performance.now() - t0)}\n`)

    process.stdout.write(`Baseline: ${names.length} bare tunnels, restarts of the agent port alone...\n`)
    const baseline = await agentPortRestart(root, fleets)

    const apiPort = await freePort()
    const agentPort = await freePort()
    hubProc = startHub(hubDir, apiPort, agentPort)
    await hubProc.ready
    hub = hubClient(hubDir)
    const client = hub
    process.stdout.write(`Registering ${names.length} clusters and starting their agents...\n`)
    const envs: Record<string, Record<string, string>> = {}
    for (let i = 0; i < names.length; i += 10) {
      await Promise.all(
        names.slice(i, i + 10).map(async (n) => {
          envs[n] = await registerCluster(client, n)
        }),
      )
    }
    const a0 = performance.now()
    for (const f of fleets) f.proc.send({ type: 'agents', envs })
    const listRunning = async () =>
      (await client.list(clusterResource, '')).items.filter((c) => statusOf(c).phase === 'Running').length
    await waitUntil(async () => (await listRunning()) === names.length, 120_000, 'every cluster Running', 100)
    const fleetRunningMs = performance.now() - a0
    process.stdout.write(`  ${names.length} agents started → all Running in ${fmtS(fleetRunningMs)}\n`)

    const restarts: RestartFigures[] = []
    const signals: NodeJS.Signals[] = []
    for (let r = 0; r < RESTARTS; r++) signals.push('SIGKILL', 'SIGTERM')
    for (const signal of signals) {
      await sleep(STABLE_MS)
      const tunnels = () => fleets.reduce((n, f) => n + f.connected, 0)
      if (tunnels() !== names.length) throw new Error(`only ${tunnels()} agents connected before the restart`)
      const killedWall = Date.now()
      if (process.env.BENCH_TRACE) process.stderr.write(`TRACE ${killedWall} KILL ${signal}\n`)
      const k0 = performance.now()
      hubProc.child.kill(signal)
      const downAt = await hubProc.exited
      // Tunnels back: the agents' own view, counted from their connect events.
      let tunnelsAt = Number.NaN
      const sawDown = waitUntil(() => tunnels() < names.length, 10_000, 'agents noticing', 5).catch(() => 0)
      hubProc = startHub(hubDir, apiPort, agentPort)
      const readyAt = await hubProc.ready
      if (process.env.BENCH_TRACE) process.stderr.write(`TRACE ${Date.now()} HUB-READY\n`)
      void sawDown.then(() =>
        waitUntil(() => tunnels() === names.length, 60_000, 'agents reconnected', 5).then((t) => {
          tunnelsAt = t
        }),
      )
      // Every member reachable through the hub proxy: sweeps over those not yet answering.
      const reachable = new Map<string, number>()
      let notRunningSeen = 0
      const pending = new Set(names)
      const deadline = performance.now() + 60_000
      while (pending.size && performance.now() < deadline) {
        const batch = [...pending]
        for (let i = 0; i < batch.length; i += 25) {
          await Promise.all(
            batch.slice(i, i + 25).map(async (n) => {
              try {
                const res = await client.raw('GET', `${CLUSTERS}/${n}/proxy/api/v1/nodes`)
                if (res.status === 200) {
                  reachable.set(n, performance.now() - k0)
                  pending.delete(n)
                }
              } catch {
                // The hub is still starting.
              }
            }),
          )
        }
        if (pending.size) await sleep(20)
      }
      const statusAt = await waitUntil(
        async () => {
          const items = (await client.list(clusterResource, '')).items
          notRunningSeen = Math.max(notRunningSeen, items.filter((c) => statusOf(c).phase !== 'Running').length)
          return (
            items.length === names.length &&
            items.every((c) => {
              const s = statusOf(c)
              return (
                s.phase === 'Running' &&
                (s.agents ?? []).some((a) => Date.parse(a.connectedAt) >= Math.floor(killedWall / 1000) * 1000)
              )
            })
          )
        },
        60_000,
        'every status Running with a new agent',
        50,
      ).catch(() => Number.NaN)
      await waitUntil(() => Number.isFinite(tunnelsAt), 60_000, 'tunnels counted', 20).catch(() => {})
      const times = [...reachable.values()]
      const fig: RestartFigures = {
        signal,
        hubDownMs: downAt - k0,
        hubReadyMs: readyAt - k0,
        tunnelsMs: tunnelsAt - k0,
        reachableMs: pending.size ? Number.NaN : max(times),
        reachableP50Ms: med(times),
        statusMs: statusAt - k0,
        notRunningSeen,
      }
      restarts.push(fig)
      process.stdout.write(
        `  ${signal}: hub exited ${fmtMs(fig.hubDownMs)}, ready again ${fmtS(fig.hubReadyMs)}, agents' tunnels up ${fmtS(fig.tunnelsMs)}, ` +
          `all reachable ${fmtS(fig.reachableMs)} (median ${fmtS(fig.reachableP50Ms)}), status Running with the new agent ${fmtS(fig.statusMs)}` +
          `${pending.size ? `; ${pending.size} never reachable` : ''}; load ${load()}\n`,
      )
    }
    return { baseline, fleetRunningMs, restarts, members: names.length }
  } finally {
    hub?.close()
    await stopProc(hubProc)
    await Promise.all(fleets.map(stopFleet))
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-bench-registration-'))
  try {
    process.stdout.write(
      `Registration benchmark${quick ? ' (quick)' : ''}: ${REPS} agent starts, ${MEMBERS} members, ${RESTARTS} restart(s) of each kind; load ${load()}\n`,
    )
    process.stdout.write('1. agent start → Running\n')
    const s = await agentStartToRunning(root)
    process.stdout.write(`2. ${MEMBERS} registered members and a hub restart; load ${load()}\n`)
    const f = await fleetReconnect(root)

    const kill = f.restarts.filter((r) => r.signal === 'SIGKILL')
    const term = f.restarts.filter((r) => r.signal === 'SIGTERM')
    const agentMed = med(s.agentRunningMs)
    const agentMax = max(s.agentRunningMs)
    const rows: string[][] = [
      [
        'agent spawn → Cluster Running (median / max)',
        `${fmtMs(agentMed)} / ${fmtMs(agentMax)}`,
        `≤ ${fmtS(TARGET_RUNNING_MS)}`,
        (agentMax / TARGET_RUNNING_MS).toFixed(2),
        `sim spawn → listening ${fmtMs(med(s.simSpawnMs))}: ${(agentMed / med(s.simSpawnMs)).toFixed(2)}×`,
        agentMax <= TARGET_RUNNING_MS ? 'PASS' : 'FAIL',
      ],
      [
        '  of which Node starting the agent (spawn → 1st line)',
        `${fmtMs(med(s.agentNodeStartMs))} / ${fmtMs(max(s.agentNodeStartMs))}`,
        '—',
        '—',
        '—',
        'info',
      ],
      [
        '  Node alone (spawn → 1st output of a one-line script)',
        `${fmtMs(med(s.nodeMs))} / ${fmtMs(max(s.nodeMs))}`,
        '—',
        '—',
        '—',
        'info',
      ],
      [
        '  agent spawn → "connected" printed',
        `${fmtMs(med(s.agentConnectedMs))} / ${fmtMs(max(s.agentConnectedMs))}`,
        '—',
        '—',
        '—',
        'info',
      ],
      [
        '  baseline: Import-mode Cluster created → Running',
        `${fmtMs(med(s.importMs))} / ${fmtMs(max(s.importMs))}`,
        '—',
        '—',
        '—',
        'info',
      ],
    ]
    for (const [label, rs] of [
      ['SIGKILL', kill],
      ['SIGTERM', term],
    ] as const) {
      const reach = rs.map((r) => r.reachableMs)
      rows.push(
        [
          `${f.members} members reachable via the hub proxy after ${label} + restart (median / max)`,
          `${fmtS(med(reach))} / ${fmtS(max(reach))}`,
          `≤ ${fmtS(TARGET_RECONNECT_MS)}`,
          (max(reach) / TARGET_RECONNECT_MS).toFixed(2),
          `agent-port restart ${fmtS(med(f.baseline))}: ${(med(reach) / med(f.baseline)).toFixed(1)}×`,
          reach.every((x) => x <= TARGET_RECONNECT_MS) ? 'PASS' : 'FAIL',
        ],
        [
          '  of which the hub down + starting (signal → ready)',
          `${fmtS(med(rs.map((r) => r.hubReadyMs)))} / ${fmtS(max(rs.map((r) => r.hubReadyMs)))}`,
          '—',
          '—',
          '—',
          'info',
        ],
        [
          `  signal → all ${f.members} tunnels up (agents' view)`,
          `${fmtS(med(rs.map((r) => r.tunnelsMs)))} / ${fmtS(max(rs.map((r) => r.tunnelsMs)))}`,
          '—',
          '—',
          '—',
          'info',
        ],
        [
          '  signal → every status Running with a new agent',
          `${fmtS(med(rs.map((r) => r.statusMs)))} / ${fmtS(max(rs.map((r) => r.statusMs)))}`,
          '—',
          '—',
          '—',
          rs.every((r) => r.notRunningSeen === 0) ? 'info' : `${max(rs.map((r) => r.notRunningSeen))} not Running seen`,
        ],
      )
    }
    rows.push(
      [
        `baseline: ${f.members} bare tunnels back after an agent-port restart`,
        `${fmtS(med(f.baseline))} / ${fmtS(max(f.baseline))}`,
        '—',
        '—',
        '—',
        'info',
      ],
      [`${f.members} agents started → all Running (first registration)`, fmtS(f.fleetRunningMs), '—', '—', '—', 'info'],
      ['hub spawn → ready (empty data dir)', fmtS(s.hubStartMs), '—', '—', '—', 'info'],
    )
    process.stdout.write(
      `\n${table(['figure', 'measured', 'target', 'ratio to target', 'baseline', 'result'], rows)}\n`,
    )
    process.stdout.write(`\nload average at the end: ${load()}\n`)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

await main()
