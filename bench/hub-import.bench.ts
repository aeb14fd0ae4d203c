// npm run bench:hub-import [-- --quick] [-- --members N]
//
// Importing simulated clusters into a hub (issue 5, "Performance", the imported-sims half):
//   - 50 imported sims: all Running within 5 s of the hub's start;
//   - hub RSS grows <= 5 MB per member.
// The members (2 nodes each, a 2-pod Deployment, storage sync normal) run in this process; the
// hub runs in a child process (bench/hub-import-child.ts), so its RSS is its own. The clock
// starts when the hub process is spawned; the Secrets and Clusters are created through the
// hub's HTTPS API as soon as it answers, as `flotilla cluster import` or kubectl would.
//
// Baselines measured in the same run:
//   - connecting to every member directly from this process, with the same requests the hub's
//     first contact makes (GET /readyz, /api, /version, LIST nodes, LIST pods) over fresh TLS
//     connections: the least the hub could take to know every member;
//   - the hub's RSS with no members (after a full GC), against which the growth is measured.
// It also counts status writes during a quiet period of one health interval (should be none).

import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { clusterResource } from '../src/apis/platform/cluster.ts'
import { resources } from '../src/client/client.ts'
import { HttpClient } from '../src/client/http-client.ts'
import { restConfigFromKubeconfig } from '../src/client/rest-config.ts'
import { createLogger } from '../src/log/logger.ts'
import type { KubeObject } from '../src/machinery/object.ts'
import { type Sim, startSim } from '../src/sim/start.ts'
import { table } from './stats.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const MEMBERS = argv.includes('--members') ? Number(argv[argv.indexOf('--members') + 1]) : quick ? 10 : 50
const TARGET_RUNNING_MS = 5_000
const TARGET_RSS_PER_MEMBER = 5 * 1024 * 1024
const HEALTH_INTERVAL_MS = 10_000

const MB = 1024 * 1024
const fmtMB = (b: number) => `${(b / MB).toFixed(1)} MB`
const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`

interface HubChild {
  proc: ChildProcess
  kubeconfig: string
  startMs: number
  spawnedAt: number
  readyAt: number
}

function startHubChild(dataDir: string): Promise<HubChild> {
  const spawnedAt = performance.now()
  const proc = fork(join(HERE, 'hub-import-child.ts'), [dataDir], {
    execArgv: ['--disable-warning=ExperimentalWarning', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`hub child exited with ${code} before it was ready`)))
    proc.on('message', (m: { type?: string; kubeconfig: string; startMs: number }) => {
      if (m?.type === 'ready')
        resolve({ proc, kubeconfig: m.kubeconfig, startMs: m.startMs, spawnedAt, readyAt: performance.now() })
    })
  })
}

function hubStats(child: HubChild): Promise<{ rss: number; heapUsed: number; members: number }> {
  return new Promise((resolve) => {
    const on = (m: { type?: string; rss: number; heapUsed: number; members: number }) => {
      if (m?.type !== 'stats') return
      child.proc.off('message', on)
      resolve(m)
    }
    child.proc.on('message', on)
    child.proc.send({ type: 'stats' })
  })
}

async function stopHub(child: HubChild): Promise<void> {
  const exited = new Promise((r) => child.proc.once('exit', r))
  child.proc.send({ type: 'shutdown' })
  await exited
}

function webDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
        },
      },
    },
  }
}

/** The direct baseline: what the hub's first contact with every member costs, from here. */
async function directContact(sims: Sim[]): Promise<number> {
  const t0 = performance.now()
  await Promise.all(
    sims.map(async (sim) => {
      const client = HttpClient.fromConfig(restConfigFromKubeconfig(readFileSync(sim.kubeconfig, 'utf8')))
      try {
        for (const path of ['/readyz', '/api', '/version']) await client.raw('GET', path)
        await client.list(resources.nodes, '', { limit: 500 })
        await client.list(resources.pods, '', { limit: 500, fieldSelector: 'spec.nodeName!=' })
      } finally {
        client.close()
      }
    }),
  )
  return performance.now() - t0
}

async function importAll(hub: HttpClient, sims: Sim[]): Promise<void> {
  await Promise.all(
    sims.map(async (sim) => {
      await hub.create(resources.secrets, 'flotilla-system', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `cluster-${sim.name}-kubeconfig`, namespace: 'flotilla-system' },
        data: { kubeconfig: Buffer.from(readFileSync(sim.kubeconfig, 'utf8')).toString('base64') },
      })
      await hub.create(clusterResource, '', {
        apiVersion: 'platform.flotilla.dev/v1alpha1',
        kind: 'Cluster',
        metadata: { name: sim.name },
        spec: {
          connection: { mode: 'Import', kubeconfigSecretRef: { name: `cluster-${sim.name}-kubeconfig` } },
          provider: 'sim',
        },
      })
    }),
  )
}

/** Polls the Cluster list until every member is Running with its summaries; returns when. */
async function allRunning(hub: HttpClient, count: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const list = await hub.list(clusterResource, '')
    const running = list.items.filter((c) => {
      const s = c.status as { phase?: string; resourceSummary?: unknown } | undefined
      return s?.phase === 'Running' && s.resourceSummary
    })
    if (running.length === count) return performance.now()
    if (performance.now() > deadline) throw new Error(`only ${running.length} of ${count} clusters Running`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-bench-import-'))
  const sims: Sim[] = []
  let hubChild: HubChild | undefined
  try {
    process.stdout.write(`Starting ${MEMBERS} simulated members in this process...\n`)
    const log = createLogger({ level: 'error' })
    const t0 = performance.now()
    for (let i = 0; i < MEMBERS; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, MEMBERS - i) }, (_, j) =>
          startSim({
            name: `m${i + j}`,
            dataDir: join(root, `m${i + j}`),
            nodes: 2,
            sync: 'normal',
            streams: false,
            log,
          }),
        ),
      )
      sims.push(...batch)
    }
    await Promise.all(sims.map((s) => s.client.create(resources.deployments, 'default', webDeployment())))
    await Promise.all(sims.map((s) => s.settle()))
    process.stdout.write(`  ${MEMBERS} members up in ${fmtS(performance.now() - t0)}\n`)

    const direct = await directContact(sims)

    process.stdout.write('Starting the hub and importing every member...\n')
    hubChild = await startHubChild(join(root, 'hub'))
    const hub = HttpClient.fromConfig(restConfigFromKubeconfig(readFileSync(hubChild.kubeconfig, 'utf8')), {
      userAgent: 'bench',
    })
    const baseline = await hubStats(hubChild)
    const importStart = performance.now()
    await importAll(hub, sims)
    const created = performance.now()
    const runningAt = await allRunning(hub, MEMBERS, 120_000)
    const fromSpawn = runningAt - hubChild.spawnedAt
    const fromImport = runningAt - importStart

    // Steady state: one health interval later, with nothing changing, how many status writes?
    const before = new Map(
      (await hub.list(clusterResource, '')).items.map((c) => [c.metadata.name, c.metadata.resourceVersion]),
    )
    await new Promise((r) => setTimeout(r, HEALTH_INTERVAL_MS + 2_000))
    const afterList = (await hub.list(clusterResource, '')).items
    const writes = afterList.filter((c) => before.get(c.metadata.name) !== c.metadata.resourceVersion).length
    const loaded = await hubStats(hubChild)
    const perMember = (loaded.rss - baseline.rss) / MEMBERS
    hub.close()

    process.stdout.write(`\nHub import of ${MEMBERS} simulated members (2 nodes, 2 pods each)\n\n`)
    process.stdout.write(
      table(
        ['figure', 'value', 'target', 'ratio to target', 'result'],
        [
          [
            'hub spawn -> all Running',
            fmtS(fromSpawn),
            `<= ${fmtS(TARGET_RUNNING_MS)}`,
            (fromSpawn / TARGET_RUNNING_MS).toFixed(2),
            fromSpawn <= TARGET_RUNNING_MS ? 'PASS' : 'FAIL',
          ],
          ['  of which hub start (spawn -> ready)', fmtS(hubChild.readyAt - hubChild.spawnedAt), '', '', ''],
          ['  of which creating Secrets + Clusters', fmtS(created - importStart), '', '', ''],
          ['  import -> all Running', fmtS(fromImport), '', '', ''],
          [
            'baseline: direct first contact with all',
            fmtS(direct),
            '',
            `hub ${(fromImport / direct).toFixed(2)}x`,
            'info',
          ],
          ['hub RSS, no members (baseline)', fmtMB(baseline.rss), '', '', 'info'],
          [`hub RSS, ${loaded.members} members`, fmtMB(loaded.rss), '', '', 'info'],
          [
            'hub RSS growth per member',
            fmtMB(perMember),
            `<= ${fmtMB(TARGET_RSS_PER_MEMBER)}`,
            (perMember / TARGET_RSS_PER_MEMBER).toFixed(2),
            perMember <= TARGET_RSS_PER_MEMBER ? 'PASS' : 'FAIL',
          ],
          ['heap growth per member', fmtMB((loaded.heapUsed - baseline.heapUsed) / MEMBERS), '', '', 'info'],
          [
            `status writes in a quiet ${fmtS(HEALTH_INTERVAL_MS + 2_000)}`,
            String(writes),
            '0',
            '',
            writes === 0 ? 'PASS' : 'FAIL',
          ],
        ],
      ),
    )
  } finally {
    if (hubChild) await stopHub(hubChild).catch(() => {})
    await Promise.all(sims.map((s) => s.close()))
    rmSync(root, { recursive: true, force: true })
  }
}

await main()
