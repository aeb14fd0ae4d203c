// Test scaffolding for the workload controllers: a real test server and the controllers running
// in a ControllerManager over a LocalClient, with the simulator's nodes, scheduler and kubelets
// (src/sim) running the pods, on fast timings. FLOTILLA_WORKLOADS_AGENT=fake swaps the simulator
// for a minimal node agent (FakeKubelet below: binds pods round-robin or to the node a DaemonSet
// pod's affinity names, reports them Running and Ready, finishes Job pods, confirms graceful
// deletions). Both honour the simulator's pod knobs the tests use (annotations
// sim.flotilla.dev/ready-after, run-for, exit-code).

import type { Client, Resource } from '../../src/client/client.ts'
import { resources } from '../../src/client/client.ts'
import { Informer } from '../../src/client/informer.ts'
import { LocalClient } from '../../src/client/local-client.ts'
import { type ControllerDescriptor, ControllerManager } from '../../src/controllers/manager.ts'
import { workloadControllers } from '../../src/controllers/workloads/index.ts'
import { silentLogger } from '../../src/log/logger.ts'
import { StatusError } from '../../src/machinery/errors.ts'
import { type KubeObject, timestamp } from '../../src/machinery/object.ts'
import { simControllers } from '../../src/sim/index.ts'
import { parseDuration } from '../../src/sim/options.ts'
import { type Clock, realClock } from '../../src/util/clock.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

export interface Cluster {
  server: TestServer
  client: Client
  manager: ControllerManager
  /** The nodes pods run on (the simulator's, or the fake agent's names). */
  nodes: string[]
  kubelet?: FakeKubelet
  stop(): Promise<void>
}

/** Simulator timings fast enough for tests (milliseconds). */
const FAST_KUBELET = {
  sandboxMs: 5,
  pullMs: 20,
  refreshPullMs: 5,
  initRunMs: 20,
  runForMs: 100,
  crashAfterMs: 100,
  terminationMs: 10,
}

export const KNOBS = {
  /** Pods that never become Ready. */
  neverReady: { 'sim.flotilla.dev/ready-after': '10h' },
  /** Job pods that keep running. */
  runForever: { 'sim.flotilla.dev/run-for': '10h' },
  /** Job pods that fail. */
  fail: { 'sim.flotilla.dev/exit-code': '1' },
}

export async function startCluster(
  opts: { clock?: Clock; controllers?: ControllerDescriptor[]; nodes?: number; agent?: 'sim' | 'fake' } = {},
): Promise<Cluster> {
  const server = await startTestServer({ historyRevisions: 5000 })
  const client = new LocalClient(server.registry, 'test')
  const manager = new ControllerManager()
  await manager.start(
    { client, log: silentLogger, clock: opts.clock ?? realClock },
    opts.controllers ?? workloadControllers,
  )
  const agent = opts.agent ?? (process.env.FLOTILLA_WORKLOADS_AGENT === 'fake' ? 'fake' : 'sim')
  const count = opts.nodes ?? 3
  let kubelet: FakeKubelet | undefined
  let sim: ControllerManager | undefined
  let nodes: string[]
  if (agent === 'sim') {
    sim = new ControllerManager()
    await sim.start(
      { client: new LocalClient(server.registry, 'sim'), log: silentLogger, clock: realClock },
      simControllers({ cluster: 'sim', nodes: count, kubelet: FAST_KUBELET }),
    )
    nodes = Array.from({ length: count }, (_, i) => `sim-worker-${i}`)
  } else {
    nodes = Array.from({ length: count }, (_, i) => `node-${i + 1}`)
    for (const name of nodes) {
      await client.create(resources.nodes, '', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      })
    }
    kubelet = new FakeKubelet(new LocalClient(server.registry, 'kubelet'), { nodes })
    await kubelet.start()
  }
  return {
    server,
    client,
    manager,
    nodes,
    kubelet,
    async stop() {
      kubelet?.stop()
      sim?.stop()
      manager.stop()
      await server.dispose()
    },
  }
}

export interface FakeKubeletOptions {
  nodes: string[]
}

const knob = (pod: KubeObject, name: string) => pod.metadata.annotations?.[`sim.flotilla.dev/${name}`]
const LONG_MS = 60 * 60 * 1000

let ipSeq = 1

/** Binds, starts and finishes pods like a scheduler plus kubelets would. */
export class FakeKubelet {
  private readonly client: Client
  private readonly opts: FakeKubeletOptions
  private readonly informer: Informer
  private readonly busy = new Set<string>()
  private readonly again = new Set<string>()
  private rr = 0
  private stopped = false

  constructor(client: Client, opts: FakeKubeletOptions) {
    this.client = client
    this.opts = opts
    this.informer = new Informer({ client, resource: resources.pods, log: silentLogger })
  }

  async start(): Promise<void> {
    this.informer.on({ add: (p) => this.kick(p), update: (p) => this.kick(p) })
    this.informer.start()
    await this.informer.synced
  }

  stop(): void {
    this.stopped = true
    this.informer.stop()
  }

  private kick(pod: KubeObject): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`
    if (this.busy.has(key)) {
      this.again.add(key)
      return
    }
    this.busy.add(key)
    void this.handle(key).finally(() => {
      this.busy.delete(key)
      if (this.again.delete(key) && !this.stopped) {
        const p = this.informer.get(key)
        if (p) this.kick(p)
      }
    })
  }

  private async handle(key: string): Promise<void> {
    const pod = this.informer.get(key)
    if (!pod || this.stopped) return
    try {
      await this.step(pod)
    } catch (e) {
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return
      if (!this.stopped) throw e
    }
  }

  private async step(pod: KubeObject): Promise<void> {
    const ns = pod.metadata.namespace ?? ''
    const name = pod.metadata.name ?? ''
    const spec = (pod.spec ?? {}) as Record<string, unknown>
    const status = (pod.status ?? {}) as Record<string, unknown>
    if (pod.metadata.deletionTimestamp) {
      if ((pod.metadata.deletionGracePeriodSeconds ?? 0) > 0) {
        await this.client.delete(resources.pods, ns, name, { gracePeriodSeconds: 0 })
      }
      return
    }
    if (!spec.nodeName) {
      const node = affinityNode(pod) ?? this.pickNode()
      await this.client.patch(resources.pods, ns, name, 'merge', { spec: { nodeName: node } })
      return
    }
    const phase = status.phase
    if (phase === 'Pending' || phase === undefined) {
      await new Promise((r) => setTimeout(r, 10))
      if (this.stopped) return
      const readyAfter = parseDuration(knob(pod, 'ready-after') ?? '0') ?? 0
      const ready = readyAfter < LONG_MS ? 'True' : 'False'
      const now = timestamp()
      const containers = ((spec.containers ?? []) as Record<string, unknown>[]).map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: ready === 'True',
        started: true,
        restartCount: 0,
        state: { running: { startedAt: now } },
      }))
      await this.client.patch(
        resources.pods,
        ns,
        name,
        'merge',
        {
          status: {
            phase: 'Running',
            podIP: `10.244.${(ipSeq >> 8) & 255}.${ipSeq++ & 255}`,
            hostIP: '10.0.0.1',
            startTime: now,
            conditions: [
              { type: 'Initialized', status: 'True', lastTransitionTime: now },
              { type: 'Ready', status: ready, lastTransitionTime: now },
              { type: 'ContainersReady', status: ready, lastTransitionTime: now },
              { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
            ],
            containerStatuses: containers,
          },
        },
        { subresource: 'status' },
      )
      return
    }
    const jobOwned = pod.metadata.ownerReferences?.some((r) => r.kind === 'Job' && r.controller)
    if (phase === 'Running' && jobOwned) {
      if ((parseDuration(knob(pod, 'run-for') ?? '0') ?? 0) >= LONG_MS) return
      const outcome = (knob(pod, 'exit-code') ?? '0') === '0' ? 'Succeeded' : 'Failed'
      const now = timestamp()
      const code = outcome === 'Succeeded' ? 0 : 1
      await this.client.patch(
        resources.pods,
        ns,
        name,
        'merge',
        {
          status: {
            phase: outcome,
            conditions: [
              { type: 'Ready', status: 'False', lastTransitionTime: now, reason: 'PodCompleted' },
              { type: 'ContainersReady', status: 'False', lastTransitionTime: now, reason: 'PodCompleted' },
            ],
            containerStatuses: ((spec.containers ?? []) as Record<string, unknown>[]).map((c) => ({
              name: c.name,
              image: c.image,
              ready: false,
              restartCount: 0,
              state: {
                terminated: {
                  exitCode: code,
                  reason: code === 0 ? 'Completed' : 'Error',
                  startedAt: now,
                  finishedAt: now,
                },
              },
            })),
          },
        },
        { subresource: 'status' },
      )
    }
  }

  private pickNode(): string {
    return this.opts.nodes[this.rr++ % this.opts.nodes.length]
  }
}

/** The node a DaemonSet pod's required affinity pins it to (matchFields metadata.name In [x]). */
function affinityNode(pod: KubeObject): string | undefined {
  const terms = (
    ((pod.spec as Record<string, unknown>)?.affinity as Record<string, unknown>)?.nodeAffinity as Record<
      string,
      unknown
    >
  )?.requiredDuringSchedulingIgnoredDuringExecution as { nodeSelectorTerms?: Record<string, unknown>[] } | undefined
  for (const t of terms?.nodeSelectorTerms ?? []) {
    for (const f of (t.matchFields ?? []) as { key: string; operator: string; values?: string[] }[]) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0]
    }
  }
  return undefined
}

/** Polls `cond` until it is truthy (generous deadline: the machine is shared). */
type Falsy = undefined | null | false | 0 | ''

export async function until<T>(
  cond: () => Promise<T | Falsy> | T | Falsy,
  what = 'condition',
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const v = await cond()
      if (v) return v as T
    } catch (e) {
      last = e
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

export async function list(client: Client, r: Resource, ns: string, sel = '') {
  return (await client.list(r, ns, sel ? { labelSelector: sel } : {})).items
}

export function podTemplate(labels: Record<string, string>, image = 'nginx:1.27') {
  return {
    metadata: { labels },
    spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }] }] },
  }
}
