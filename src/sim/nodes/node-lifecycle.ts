// The pod side of kube-controller-manager's node lifecycle: taint-based eviction and the pod
// garbage collector's orphan rule.
//
// Taint-based eviction (the taint-eviction-controller): pods on a node with NoExecute taints they
// do not tolerate are deleted — at once, or after the tolerationSeconds of a matching toleration.
// Pods without a toleration for node.kubernetes.io/not-ready or unreachable are treated as having
// the 300 s ones the DefaultTolerationSeconds admission plugin adds on real clusters. A node that
// goes unreachable thus loses its pods (they stay Terminating until the node returns, as on a
// real cluster) five minutes later, and their controllers replace them elsewhere.
//
// Orphans (PodGC): pods bound to a node that no longer exists are force-deleted after 40 s.

import { arr, rec, str } from '../../apis/json.ts'
import { type Client, resources } from '../../client/client.ts'
import { objectKey } from '../../client/informer.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../controllers/manager.ts'
import { WorkQueue } from '../../controllers/util/work-queue.ts'
import { StatusError } from '../../machinery/errors.ts'
import { type KubeObject, timestamp } from '../../machinery/object.ts'
import type { Clock } from '../../util/clock.ts'
import { type EventRecorder, podReference } from '../events.ts'
import { type Toleration, tolerates } from '../scheduler/predicates.ts'
import type { SimShared } from '../shared.ts'
import { Deadlines } from '../util/deadlines.ts'
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from './node-object.ts'

/** DefaultTolerationSeconds: what pods without their own toleration get for not-ready/unreachable. */
export const DEFAULT_TOLERATION_SECONDS = 300

/** PodGC's quarantine before deleting pods of a node that is gone. */
export const ORPHAN_QUARANTINE_MS = 40_000

interface NoExecuteTaint {
  key: string
  value: string
  effect: string
  since: number
}

function podTolerations(pod: KubeObject): (Toleration & { seconds?: number })[] {
  return arr(rec(pod.spec).tolerations).map((t) => {
    const r = rec(t)
    return {
      key: str(r.key),
      operator: str(r.operator) || 'Equal',
      value: str(r.value),
      effect: str(r.effect),
      seconds: typeof r.tolerationSeconds === 'number' ? r.tolerationSeconds : undefined,
    }
  })
}

/** When the pod must go because of these taints (Infinity: it tolerates them for ever). */
export function evictionTime(pod: KubeObject, taints: NoExecuteTaint[]): number {
  const tolerations = podTolerations(pod)
  let at = Number.POSITIVE_INFINITY
  for (const taint of taints) {
    const matching = tolerations.filter((t) => tolerates(t, taint))
    let seconds: number | undefined
    if (matching.length === 0) {
      if (taint.key !== TAINT_NOT_READY && taint.key !== TAINT_UNREACHABLE) return taint.since
      seconds = DEFAULT_TOLERATION_SECONDS
    } else if (matching.some((t) => t.seconds === undefined)) {
      continue
    } else {
      seconds = Math.min(...matching.map((t) => Math.max(0, t.seconds ?? 0)))
    }
    at = Math.min(at, taint.since + seconds * 1000)
  }
  return at
}

export class NodeLifecycle {
  private readonly client: Client
  private readonly clock: Clock
  private readonly shared: SimShared
  private readonly recorder: EventRecorder
  private readonly taints = new Map<string, NoExecuteTaint[]>()
  private readonly nodes = new Set<string>()
  /** When pods were first seen bound to a node that does not exist. */
  private readonly orphanedSince = new Map<string, number>()
  private synced = false
  private readonly podsByNode = new Map<string, Set<string>>()
  private readonly podNode = new Map<string, string>()
  private readonly queue: WorkQueue
  private readonly deadlines: Deadlines
  private readonly unsubscribe: (() => void)[] = []

  constructor(ctx: ControllerContext, shared: SimShared) {
    this.client = ctx.client
    this.clock = ctx.clock
    this.shared = shared
    this.recorder = shared.recorder
    this.queue = new WorkQueue((key) => this.process(key), ctx.log, { workers: 4 })
    this.deadlines = new Deadlines(ctx.clock, (key) => this.queue.add(key))
    this.unsubscribe.push(
      shared.nodes.subscribe({
        add: (n) => this.onNode(n),
        update: (n) => this.onNode(n),
        delete: (n) => this.onNodeDelete(n.metadata.name ?? ''),
      }),
      shared.pods.subscribe({
        add: (p) => this.onPod(p),
        update: (p) => this.onPod(p),
        delete: (p) => this.forgetPod(objectKey(p)),
      }),
    )
  }

  stop(): void {
    for (const u of this.unsubscribe) u()
    this.queue.stop()
    this.deadlines.stop()
  }

  idle(): Promise<void> {
    return this.queue.idle()
  }

  /** Starts judging orphans (before both informers listed, a missing node means nothing). */
  begin(): void {
    this.synced = true
    for (const [node, pods] of this.podsByNode) if (!this.nodes.has(node)) for (const key of pods) this.queue.add(key)
  }

  private onNodeDelete(name: string): void {
    this.nodes.delete(name)
    this.taints.delete(name)
    for (const key of this.podsByNode.get(name) ?? []) this.queue.add(key)
  }

  private onNode(node: KubeObject): void {
    const name = node.metadata.name ?? ''
    const now = this.clock.now()
    if (!this.nodes.has(name)) {
      this.nodes.add(name)
      for (const key of this.podsByNode.get(name) ?? []) this.orphanedSince.delete(key)
    }
    const prev = this.taints.get(name) ?? []
    const next: NoExecuteTaint[] = arr(rec(node.spec).taints)
      .map(rec)
      .filter((t) => t.effect === 'NoExecute')
      .map((t) => {
        const key = str(t.key)
        const value = str(t.value)
        const since = Date.parse(str(t.timeAdded))
        const old = prev.find((p) => p.key === key && p.value === value)
        return { key, value, effect: 'NoExecute', since: Number.isFinite(since) ? since : (old?.since ?? now) }
      })
    const sig = (ts: NoExecuteTaint[]) => ts.map((t) => `${t.key}=${t.value}@${t.since}`).join(',')
    if (sig(prev) === sig(next)) return
    if (next.length === 0) this.taints.delete(name)
    else this.taints.set(name, next)
    for (const key of this.podsByNode.get(name) ?? []) this.queue.add(key)
  }

  private onPod(pod: KubeObject): void {
    const key = objectKey(pod)
    const node = str(rec(pod.spec).nodeName)
    const phase = rec(pod.status).phase
    // Terminating pods stay tracked: PodGC removes them too when their node is gone.
    if (!node || phase === 'Succeeded' || phase === 'Failed') {
      this.forgetPod(key)
      return
    }
    if (this.podNode.get(key) === node) return
    this.forgetPod(key)
    this.podNode.set(key, node)
    let set = this.podsByNode.get(node)
    if (!set) {
      set = new Set()
      this.podsByNode.set(node, set)
    }
    set.add(key)
    if (this.taints.has(node) || (this.synced && !this.nodes.has(node))) this.queue.add(key)
  }

  private forgetPod(key: string): void {
    const node = this.podNode.get(key)
    if (node === undefined) return
    this.podNode.delete(key)
    this.podsByNode.get(node)?.delete(key)
    this.deadlines.delete(key)
    this.orphanedSince.delete(key)
  }

  private async process(key: string): Promise<void> {
    const pod = this.shared.pods.get(key)
    const node = this.podNode.get(key)
    if (pod && node && this.synced && !this.nodes.has(node)) return this.orphan(key, pod)
    this.orphanedSince.delete(key)
    const taints = node ? this.taints.get(node) : undefined
    if (!pod || !node || !taints || pod.metadata.deletionTimestamp) {
      this.deadlines.delete(key)
      return
    }
    const at = evictionTime(pod, taints)
    if (at > this.clock.now()) {
      this.deadlines.set(key, at)
      return
    }
    const ns = pod.metadata.namespace ?? ''
    const name = pod.metadata.name ?? ''
    this.recorder.emit(
      { component: 'taint-eviction-controller' },
      podReference(pod),
      'Normal',
      'TaintManagerEviction',
      `Marking for deletion Pod ${ns}/${name}`,
    )
    try {
      await this.markDisruptionTarget(
        pod,
        'DeletionByTaintManager',
        'Taint manager: deleting due to NoExecute taint',
        'taint-eviction-controller',
      )
      await this.client.delete(resources.pods, ns, name, { preconditions: { uid: pod.metadata.uid } })
    } catch (e) {
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return
      throw e
    }
  }

  /** The DisruptionTarget condition Kubernetes sets on a pod it is about to delete, and why. */
  private async markDisruptionTarget(pod: KubeObject, reason: string, message: string, manager: string): Promise<void> {
    const condition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason,
      message,
      lastTransitionTime: timestamp(this.clock.now()),
    }
    await this.client.patch(
      resources.pods,
      pod.metadata.namespace ?? '',
      pod.metadata.name ?? '',
      'strategic',
      { status: { conditions: [condition] } },
      { subresource: 'status', fieldManager: manager },
    )
  }

  /** PodGC: a pod whose node is gone is force-deleted once the quarantine has passed. */
  private async orphan(key: string, pod: KubeObject): Promise<void> {
    const now = this.clock.now()
    let since = this.orphanedSince.get(key)
    if (since === undefined) {
      since = now
      this.orphanedSince.set(key, since)
    }
    if (now < since + ORPHAN_QUARANTINE_MS) {
      this.deadlines.set(key, since + ORPHAN_QUARANTINE_MS)
      return
    }
    const ns = pod.metadata.namespace ?? ''
    const name = pod.metadata.name ?? ''
    try {
      if (!pod.metadata.deletionTimestamp) {
        await this.markDisruptionTarget(pod, 'DeletionByPodGC', 'PodGC: node no longer exists', 'pod-garbage-collector')
      }
      await this.client.delete(resources.pods, ns, name, {
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid },
      })
    } catch (e) {
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return
      throw e
    }
  }
}

export function nodeLifecycleDescriptor(shared: (ctx: ControllerContext) => SimShared): ControllerDescriptor {
  return {
    name: 'sim-node-lifecycle-controller',
    async start(ctx): Promise<RunningController> {
      const s = shared(ctx)
      const c = new NodeLifecycle(ctx, s)
      s.acquire()
      await Promise.all([s.pods.synced, s.nodes.synced])
      c.begin()
      return {
        stop() {
          c.stop()
          s.release()
        },
        idle: () => c.idle(),
      }
    },
  }
}
