// npm run bench:sim [-- --quick]
//
// Issue 4's figures for one simulated cluster, in this process:
//   - pods reach Running at >= 500 pods/s with 1,000 nodes and 100 Deployments x 100 replicas,
//     every Deployment Available; RSS <= 1.5 GB;
//   - 1,000 node heartbeats cost <= 10% of one core when idle.
// Baseline, measured in the same run: how fast the same API machinery takes raw pod creates
// (64 concurrent, no controllers) — the ceiling a simulation can approach, since every
// simulated pod costs at least that write plus a bind and a status write.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StaticTokenAuthenticator } from '../src/apiserver/authn.ts'
import { startApiServer } from '../src/apiserver/start.ts'
import { resources } from '../src/client/client.ts'
import { LocalClient } from '../src/client/local-client.ts'
import { silentLogger } from '../src/log/logger.ts'
import type { KubeObject } from '../src/machinery/object.ts'
import { startSim } from '../src/sim/start.ts'

const quick = process.argv.includes('--quick')
const NODES = quick ? 200 : 1000
const DEPLOYMENTS = quick ? 20 : 100
const REPLICAS = quick ? 50 : 100
const PODS = DEPLOYMENTS * REPLICAS
const IDLE_SECONDS = quick ? 10 : 30

function tmp(name: string): string {
  return mkdtempSync(join(tmpdir(), `flotilla-bench-${name}-`))
}

function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `raw-${i}`, labels: { app: 'raw' } },
    spec: {
      nodeName: 'none',
      containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '10m' } } }],
    },
  }
}

/** Baseline: raw pod creates through the same stores, 64 at a time. */
async function rawCreateRate(count: number): Promise<number> {
  const dir = tmp('raw')
  const server = await startApiServer({
    dataDir: dir,
    host: '127.0.0.1',
    port: 0,
    authenticator: new StaticTokenAuthenticator(),
    log: silentLogger,
    sync: 'normal',
  })
  const client = new LocalClient(server.registry, 'bench')
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < count) await client.create(resources.pods, 'default', pod(next++))
    }),
  )
  const rate = count / ((performance.now() - t0) / 1000)
  await server.close()
  rmSync(dir, { recursive: true, force: true })
  return rate
}

function deployment(i: number): KubeObject {
  const app = `app-${i}`
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app } },
        spec: {
          containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
        },
      },
    },
  }
}

async function main(): Promise<void> {
  console.log(`bench:sim${quick ? ' (quick)' : ''}: ${NODES} nodes, ${DEPLOYMENTS} Deployments x ${REPLICAS} replicas`)
  const baseline = await rawCreateRate(Math.min(PODS, 10_000))
  console.log(`baseline: raw pod creates ${baseline.toFixed(0)}/s`)

  const dir = tmp('sim')
  const started = performance.now()
  const sim = await startSim({ name: 'bench', dataDir: dir, nodes: NODES, log: silentLogger })
  console.log(`sim with ${NODES} nodes started in ${((performance.now() - started) / 1000).toFixed(1)} s`)

  const running = new Set<string>()
  const available = new Set<string>()
  let firstPodAt = 0
  let allRunningAt = 0
  let allAvailableAt = 0
  const podWatch = await sim.client.watch(resources.pods, '', { resourceVersion: '0' }, (ev) => {
    const phase = (ev.object.status as { phase?: string } | undefined)?.phase
    const key = `${ev.object.metadata.namespace}/${ev.object.metadata.name}`
    if (ev.type === 'ADDED' && !firstPodAt) firstPodAt = performance.now()
    if (ev.type !== 'DELETED' && phase === 'Running') running.add(key)
    else running.delete(key)
    if (running.size >= PODS && !allRunningAt) allRunningAt = performance.now()
  })
  const depWatch = await sim.client.watch(resources.deployments, '', { resourceVersion: '0' }, (ev) => {
    const conds =
      (ev.object.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []
    const ok = conds.some((c) => c.type === 'Available' && c.status === 'True')
    const st = ev.object.status as { availableReplicas?: number } | undefined
    if (ok && (st?.availableReplicas ?? 0) >= REPLICAS) available.add(ev.object.metadata.name!)
    if (available.size >= DEPLOYMENTS && !allAvailableAt) allAvailableAt = performance.now()
  })

  const t0 = performance.now()
  for (let i = 0; i < DEPLOYMENTS; i++) await sim.client.create(resources.deployments, 'default', deployment(i))
  const deadline = t0 + (quick ? 120_000 : 600_000)
  let lastReport = 0
  while ((!allRunningAt || !allAvailableAt) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250))
    if (performance.now() - lastReport > 5000) {
      lastReport = performance.now()
      console.log(
        `  ${((performance.now() - t0) / 1000).toFixed(0)} s: ${running.size}/${PODS} pods Running, ${available.size}/${DEPLOYMENTS} Deployments Available`,
      )
    }
  }
  const runSeconds = ((allRunningAt || performance.now()) - t0) / 1000
  const podRate = running.size / runSeconds
  const rssMB = process.memoryUsage().rss / 1024 / 1024
  podWatch.stop()
  depWatch.stop()

  await sim.settle()
  const cpu0 = process.cpuUsage()
  const w0 = performance.now()
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000))
  const cpu = process.cpuUsage(cpu0)
  const idlePct = ((cpu.user + cpu.system) / 1000 / (performance.now() - w0)) * 100

  const rows: [string, string, string, boolean][] = [
    ['pods Running', `${running.size}/${PODS}`, `${PODS}`, running.size >= PODS],
    ['Deployments Available', `${available.size}/${DEPLOYMENTS}`, `${DEPLOYMENTS}`, available.size >= DEPLOYMENTS],
    ['pods to Running /s', podRate.toFixed(0), '>= 500', podRate >= 500],
    [
      '  vs raw creates (baseline)',
      `${((podRate / baseline) * 100).toFixed(0)}% of ${baseline.toFixed(0)}/s`,
      '',
      true,
    ],
    ['all Available after', `${(((allAvailableAt || performance.now()) - t0) / 1000).toFixed(1)} s`, '', true],
    ['RSS', `${rssMB.toFixed(0)} MB`, '<= 1536 MB', rssMB <= 1536],
    [`idle CPU, ${NODES} nodes`, `${idlePct.toFixed(1)}% of a core`, '<= 10%', idlePct <= 10],
  ]
  console.log('\nfigure                          measured                 target      result')
  for (const [name, value, target, pass] of rows) {
    console.log(`${name.padEnd(32)}${value.padEnd(25)}${target.padEnd(12)}${target ? (pass ? 'PASS' : 'FAIL') : ''}`)
  }
  await sim.close()
  rmSync(dir, { recursive: true, force: true })
}

await main()
