// The simulated kube-scheduler: binds pending pods to nodes. Per-node accounting (requests of
// the non-terminal pods bound there) lives in memory and is kept current from the shared pod
// informer, so placing a pod costs a pass over a sample of nodes, never a scan of pods. Like
// kube-scheduler it looks for a bounded number of feasible nodes (adaptive percentage), starting
// where the previous pod stopped, and takes the least allocated; a pod that fits nowhere gets
// PodScheduled=False/Unschedulable and a FailedScheduling event, and is retried (with per-pod
// backoff) when nodes or pods change.

import { nodeAllocatable, type Resources } from '../../apis/core/resources.ts'
import { arr, rec, str } from '../../apis/json.ts'
import { type Client, resources } from '../../client/client.ts'
import { objectKey } from '../../client/informer.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../controllers/manager.ts'
import type { Logger } from '../../log/logger.ts'
import { StatusError } from '../../machinery/errors.ts'
import { type KubeObject, timestamp } from '../../machinery/object.ts'
import type { Clock } from '../../util/clock.ts'
import { type EventRecorder, type EventSource, podReference } from '../events.ts'
import type { SimShared } from '../shared.ts'
import {
  filter,
  fitErrorMessage,
  leastAllocatedScore,
  NO_NODES_MESSAGE,
  type NodeInfo,
  nodeTaints,
  type PodInfo,
  podInfo,
} from './predicates.ts'

export interface SchedulerOptions {
  /** spec.schedulerName values this scheduler serves. */
  schedulerNames: string[]
  /** Unschedulable pods are retried at most this often after a cluster change. */
  retryIntervalMs: number
  /** Per-pod backoff after failed attempts: 1 s doubling up to this. */
  maxBackoffMs: number
  /** Unschedulable pods are retried this often even without cluster changes. */
  resyncMs: number
  /** Binds in flight at once. */
  bindConcurrency: number
  /**
   * Write PodScheduled=True after binding. "always", or "after-unschedulable": only when the pod
   * carries PodScheduled=False, leaving fresh pods to the kubelet, whose first status (written
   * within the sandbox delay) reports PodScheduled=True with the binding time — one write less
   * per pod.
   */
  podScheduledCondition: 'always' | 'after-unschedulable'
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  schedulerNames: ['default-scheduler'],
  retryIntervalMs: 1000,
  maxBackoffMs: 10_000,
  resyncMs: 60_000,
  bindConcurrency: 64,
  podScheduledCondition: 'always',
}

const MANAGER = 'default-scheduler'

interface Usage {
  requested: Resources
  nonZeroCpu: number
  nonZeroMemory: number
  pods: number
}

interface Assignment {
  node: string
  requests: Resources
  nonZeroCpu: number
  nonZeroMemory: number
}

interface Unschedulable {
  attempts: number
  retryAt: number
  lastAttempt: number
  /** A cluster change since the last attempt may have made room. */
  moveRequested: boolean
}

/** kube-scheduler's numFeasibleNodesToFind with the adaptive percentage. */
export function feasibleNodesToFind(n: number): number {
  if (n < 100) return n
  const pct = Math.max(5, 50 - n / 125)
  return Math.max(100, Math.floor((n * pct) / 100))
}

export class Scheduler {
  private readonly client: Client
  private readonly clock: Clock
  private readonly log: Logger
  private readonly recorder: EventRecorder
  private readonly shared: SimShared
  private readonly opts: SchedulerOptions
  private readonly source: EventSource
  private readonly nodes = new Map<string, NodeInfo>()
  private nodeList: NodeInfo[] = []
  private readonly usage = new Map<string, Usage>()
  private readonly assigned = new Map<string, Assignment>()
  private readonly active = new Set<string>()
  private readonly unschedulable = new Map<string, Unschedulable>()
  private nextStart = 0
  private inflight = 0
  private loopQueued = false
  private flushTimer?: NodeJS.Timeout
  private lastFlush = 0
  private readonly resync: NodeJS.Timeout
  private stopped = false
  /** Set once nodes and pods are listed: deciding earlier would find no nodes. */
  private ready = false
  private idleWaiters: (() => void)[] = []
  private readonly unsubscribe: (() => void)[] = []

  constructor(ctx: ControllerContext, shared: SimShared, opts: SchedulerOptions, cluster: string) {
    this.client = ctx.client
    this.clock = ctx.clock
    this.log = ctx.log
    this.shared = shared
    this.recorder = shared.recorder
    this.opts = opts
    this.source = { component: 'default-scheduler', instance: `default-scheduler-${cluster}` }
    this.unsubscribe.push(
      shared.nodes.subscribe({
        add: (n) => this.onNode(n),
        update: (n) => this.onNode(n),
        delete: (n) => this.onNodeDelete(n),
      }),
      shared.pods.subscribe({
        add: (p) => this.onPod(p),
        update: (p, old) => this.onPod(p, old),
        delete: (p) => this.onPodDelete(p),
      }),
    )
    this.resync = setInterval(() => this.periodicResync(), Math.max(1000, opts.resyncMs))
    this.resync.unref()
  }

  stop(): void {
    this.stopped = true
    for (const u of this.unsubscribe) u()
    clearInterval(this.resync)
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.active.clear()
    this.unschedulable.clear()
    this.wakeIdle()
  }

  /** Starts placing pods (once both informers have listed). */
  begin(): void {
    this.ready = true
    this.kick()
  }

  /** Resolves when no pod is waiting in the active queue and no bind is in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Pods waiting for a retry because they fit nowhere (tests and diagnostics). */
  unschedulablePods(): string[] {
    return [...this.unschedulable.keys()]
  }

  private isIdle(): boolean {
    return this.stopped || ((this.active.size === 0 || !this.ready) && this.inflight === 0 && !this.loopQueued)
  }

  private wakeIdle(): void {
    if (!this.isIdle()) return
    const w = this.idleWaiters
    this.idleWaiters = []
    for (const f of w) f()
  }

  // ---- nodes ----

  private onNode(node: KubeObject): void {
    const name = node.metadata.name ?? ''
    const prev = this.nodes.get(name)
    const usage = this.usageOf(name)
    const info: NodeInfo = {
      name,
      labels: node.metadata.labels ?? {},
      taints: nodeTaints(node),
      unschedulable: rec(node.spec).unschedulable === true,
      allocatable: nodeAllocatable(node),
      requested: usage.requested,
      nonZeroCpu: usage.nonZeroCpu,
      nonZeroMemory: usage.nonZeroMemory,
      pods: usage.pods,
    }
    if (prev) {
      const i = this.nodeList.indexOf(prev)
      this.nodeList[i] = info
    } else {
      this.nodeList.push(info)
    }
    this.nodes.set(name, info)
    if (!prev || schedulingChanged(prev, info)) this.requestRetry()
  }

  private onNodeDelete(node: KubeObject): void {
    const name = node.metadata.name ?? ''
    const prev = this.nodes.get(name)
    if (!prev) return
    this.nodes.delete(name)
    const i = this.nodeList.indexOf(prev)
    const last = this.nodeList.pop()!
    if (last !== prev) this.nodeList[i] = last
  }

  private usageOf(node: string): Usage {
    let u = this.usage.get(node)
    if (!u) {
      u = { requested: new Map(), nonZeroCpu: 0, nonZeroMemory: 0, pods: 0 }
      this.usage.set(node, u)
    }
    return u
  }

  private apply(a: Assignment, sign: 1 | -1): void {
    const u = this.usageOf(a.node)
    for (const [k, v] of a.requests) u.requested.set(k, (u.requested.get(k) ?? 0) + sign * v)
    u.nonZeroCpu += sign * a.nonZeroCpu
    u.nonZeroMemory += sign * a.nonZeroMemory
    u.pods += sign
    const n = this.nodes.get(a.node)
    if (n) {
      n.nonZeroCpu = u.nonZeroCpu
      n.nonZeroMemory = u.nonZeroMemory
      n.pods = u.pods
    }
  }

  private assume(uid: string, a: Assignment): void {
    const prev = this.assigned.get(uid)
    if (prev) {
      if (prev.node === a.node) return
      this.apply(prev, -1)
    }
    this.assigned.set(uid, a)
    this.apply(a, 1)
  }

  private forget(uid: string): boolean {
    const prev = this.assigned.get(uid)
    if (!prev) return false
    this.assigned.delete(uid)
    this.apply(prev, -1)
    return true
  }

  // ---- pods ----

  private responsible(pod: KubeObject): boolean {
    const spec = rec(pod.spec)
    return this.opts.schedulerNames.includes(str(spec.schedulerName) || 'default-scheduler')
  }

  private pending(pod: KubeObject): boolean {
    const spec = rec(pod.spec)
    if (spec.nodeName || pod.metadata.deletionTimestamp) return false
    const phase = rec(pod.status).phase
    if (phase === 'Succeeded' || phase === 'Failed') return false
    if (arr(spec.schedulingGates).length > 0) return false
    return this.responsible(pod)
  }

  private onPod(pod: KubeObject, old?: KubeObject): void {
    if (this.stopped) return
    const uid = pod.metadata.uid ?? ''
    const spec = rec(pod.spec)
    const nodeName = str(spec.nodeName)
    const phase = rec(pod.status).phase
    const terminal = phase === 'Succeeded' || phase === 'Failed'
    if (nodeName && !terminal) {
      if (this.assigned.get(uid)?.node !== nodeName) {
        const info = podInfo(pod, '')
        this.assume(uid, {
          node: nodeName,
          requests: info.requests,
          nonZeroCpu: info.nonZeroCpu,
          nonZeroMemory: info.nonZeroMemory,
        })
      }
    } else if (this.forget(uid)) {
      this.requestRetry()
    }
    const key = objectKey(pod)
    if (this.pending(pod)) {
      const u = this.unschedulable.get(key)
      if (u) {
        // A changed spec (tolerations added, gates removed) deserves a new attempt now.
        if (old && JSON.stringify(old.spec) !== JSON.stringify(pod.spec)) {
          this.unschedulable.delete(key)
          this.enqueue(key)
        }
      } else {
        this.enqueue(key)
      }
    } else {
      this.active.delete(key)
      this.unschedulable.delete(key)
    }
  }

  private onPodDelete(pod: KubeObject): void {
    const key = objectKey(pod)
    this.active.delete(key)
    this.unschedulable.delete(key)
    if (this.forget(pod.metadata.uid ?? '')) this.requestRetry()
  }

  private enqueue(key: string): void {
    this.active.add(key)
    this.kick()
  }

  private kick(): void {
    if (this.loopQueued || this.stopped || !this.ready) return
    this.loopQueued = true
    setImmediate(() => this.loop())
  }

  private loop(): void {
    this.loopQueued = false
    const until = performance.now() + 20
    while (this.active.size > 0 && this.inflight < this.opts.bindConcurrency && !this.stopped) {
      const key = this.active.values().next().value as string
      this.active.delete(key)
      const pod = this.shared.pods.get(key)
      if (pod && this.pending(pod)) this.scheduleOne(pod, key)
      if (performance.now() > until) break
    }
    if (this.active.size > 0 && this.inflight < this.opts.bindConcurrency) this.kick()
    this.wakeIdle()
  }

  private scheduleOne(pod: KubeObject, key: string): void {
    const info = podInfo(pod, key)
    const n = this.nodeList.length
    if (n === 0) {
      this.failed(pod, key, NO_NODES_MESSAGE)
      return
    }
    const want = feasibleNodesToFind(n)
    const start = this.nextStart % n
    let best: NodeInfo | undefined
    let bestScore = -1
    let found = 0
    let processed = 0
    const failures = new Map<string, number>()
    const preemption = new Map<string, number>()
    for (let i = 0; i < n && found < want; i++) {
      const node = this.nodeList[(start + i) % n]
      processed++
      const f = filter(info, node)
      if (f) {
        for (const r of f.reasons) failures.set(r, (failures.get(r) ?? 0) + 1)
        const p = f.unresolvable
          ? 'Preemption is not helpful for scheduling'
          : 'No preemption victims found for incoming pod'
        preemption.set(p, (preemption.get(p) ?? 0) + 1)
        continue
      }
      found++
      const score = leastAllocatedScore(info, node)
      if (score > bestScore) {
        bestScore = score
        best = node
      }
    }
    this.nextStart = (start + processed) % n
    if (!best) {
      this.failed(pod, key, fitErrorMessage(n, failures, preemption))
      return
    }
    this.unschedulable.delete(key)
    const uid = pod.metadata.uid ?? ''
    this.assume(uid, {
      node: best.name,
      requests: info.requests,
      nonZeroCpu: info.nonZeroCpu,
      nonZeroMemory: info.nonZeroMemory,
    })
    this.inflight++
    void this.bind(pod, info, best.name).finally(() => {
      this.inflight--
      if (this.active.size > 0) this.kick()
      this.wakeIdle()
    })
  }

  private async bind(pod: KubeObject, info: PodInfo, node: string): Promise<void> {
    const ns = pod.metadata.namespace ?? ''
    const name = pod.metadata.name ?? ''
    try {
      await this.client.patch(
        resources.pods,
        ns,
        name,
        'json',
        [
          { op: 'test', path: '/metadata/uid', value: info.uid },
          { op: 'add', path: '/spec/nodeName', value: node },
        ],
        { fieldManager: MANAGER },
      )
    } catch (e) {
      // Undo the assumption unless the informer already shows the pod bound there.
      const current = this.shared.pods.get(info.key)
      if (str(rec(current?.spec).nodeName) !== node || current?.metadata.uid !== info.uid) {
        if (this.forget(info.uid)) this.requestRetry()
      }
      if (e instanceof StatusError && (e.code === 404 || e.code === 422)) return
      this.log.warn('Binding failed, will retry', { pod: info.key, node, err: String(e) })
      const u = this.unschedulable.get(info.key) ?? { attempts: 0, retryAt: 0, lastAttempt: 0, moveRequested: true }
      u.attempts++
      u.lastAttempt = Date.now()
      u.retryAt = Date.now() + this.backoff(u.attempts)
      u.moveRequested = true
      this.unschedulable.set(info.key, u)
      this.requestRetry()
      return
    }
    this.recorder.emit(
      this.source,
      podReference(pod),
      'Normal',
      'Scheduled',
      `Successfully assigned ${ns}/${name} to ${node}`,
    )
    try {
      const cond = podScheduledCondition(pod)
      if (this.opts.podScheduledCondition === 'always' ? cond?.status !== 'True' : cond?.status === 'False') {
        await this.client.patch(
          resources.pods,
          ns,
          name,
          'strategic',
          {
            status: {
              conditions: [
                {
                  type: 'PodScheduled',
                  status: 'True',
                  lastTransitionTime: timestamp(this.clock.now()),
                  reason: null,
                  message: null,
                },
              ],
            },
          },
          { subresource: 'status', fieldManager: MANAGER },
        )
      }
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404))
        this.log.warn('Setting PodScheduled failed', { pod: info.key, err: String(e) })
    }
  }

  private backoff(attempts: number): number {
    return Math.min(this.opts.maxBackoffMs, 1000 * 2 ** Math.max(0, attempts - 1))
  }

  private failed(pod: KubeObject, key: string, message: string): void {
    const now = Date.now()
    const u = this.unschedulable.get(key) ?? { attempts: 0, retryAt: 0, lastAttempt: 0, moveRequested: false }
    u.attempts++
    u.lastAttempt = now
    u.retryAt = now + this.backoff(u.attempts)
    u.moveRequested = false
    this.unschedulable.set(key, u)
    this.recorder.emit(this.source, podReference(pod), 'Warning', 'FailedScheduling', message)
    const cond = podScheduledCondition(pod)
    if (cond?.status === 'False' && cond.reason === 'Unschedulable' && cond.message === message) return
    const ns = pod.metadata.namespace ?? ''
    const name = pod.metadata.name ?? ''
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
      lastTransitionTime:
        cond?.status === 'False' && typeof cond.lastTransitionTime === 'string'
          ? cond.lastTransitionTime
          : timestamp(this.clock.now()),
    }
    this.inflight++
    this.client
      .patch(
        resources.pods,
        ns,
        name,
        'strategic',
        { status: { conditions: [condition] } },
        { subresource: 'status', fieldManager: MANAGER },
      )
      .catch((e) => {
        if (!(e instanceof StatusError && e.code === 404))
          this.log.warn('Recording Unschedulable failed', { pod: key, err: String(e) })
      })
      .finally(() => {
        this.inflight--
        this.wakeIdle()
      })
  }

  /** Something changed that may let unschedulable pods fit: retry them (throttled). */
  private requestRetry(): void {
    if (this.stopped || this.unschedulable.size === 0) return
    for (const u of this.unschedulable.values()) u.moveRequested = true
    this.scheduleFlush(Math.max(0, this.lastFlush + this.opts.retryIntervalMs - Date.now()))
  }

  private scheduleFlush(delay: number): void {
    if (this.flushTimer) return
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined
      this.flush()
    }, delay)
    this.flushTimer.unref()
  }

  private flush(): void {
    if (this.stopped) return
    const now = Date.now()
    this.lastFlush = now
    let next = Number.POSITIVE_INFINITY
    for (const [key, u] of this.unschedulable) {
      if (!u.moveRequested) continue
      if (u.retryAt <= now) {
        this.unschedulable.delete(key)
        this.active.add(key)
      } else {
        next = Math.min(next, u.retryAt)
      }
    }
    if (Number.isFinite(next)) this.scheduleFlush(Math.max(this.opts.retryIntervalMs, next - now))
    if (this.active.size > 0) this.kick()
  }

  private periodicResync(): void {
    const now = Date.now()
    let any = false
    for (const u of this.unschedulable.values()) {
      if (now - u.lastAttempt >= this.opts.resyncMs) {
        u.moveRequested = true
        any = true
      }
    }
    if (any) this.scheduleFlush(0)
  }
}

function podScheduledCondition(pod: KubeObject): Record<string, unknown> | undefined {
  return arr(rec(pod.status).conditions)
    .map(rec)
    .find((c) => c.type === 'PodScheduled')
}

function schedulingChanged(a: NodeInfo, b: NodeInfo): boolean {
  if (a.unschedulable !== b.unschedulable) return true
  if (JSON.stringify(a.taints) !== JSON.stringify(b.taints)) return true
  if (JSON.stringify(a.labels) !== JSON.stringify(b.labels)) return true
  if (a.allocatable.size !== b.allocatable.size) return true
  for (const [k, v] of b.allocatable) if (a.allocatable.get(k) !== v) return true
  return false
}

export function schedulerDescriptor(
  shared: (ctx: ControllerContext) => SimShared,
  opts: Partial<SchedulerOptions> = {},
  cluster = 'sim',
): ControllerDescriptor {
  return {
    name: 'sim-scheduler',
    async start(ctx): Promise<RunningController> {
      const s = shared(ctx)
      const scheduler = new Scheduler(ctx, s, { ...DEFAULT_SCHEDULER_OPTIONS, ...opts }, cluster)
      s.acquire()
      await Promise.all([s.pods.synced, s.nodes.synced])
      scheduler.begin()
      return s.running(scheduler)
    },
  }
}
