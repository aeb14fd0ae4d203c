// The scaffolding every workload controller shares: shared informers acquired for its lifetime,
// a keyed work queue that starts processing only once every informer has synced (a controller
// must never act on a partial cache), clock-driven requeues, and stop/idle.

import type { Client, Resource } from '../../../client/client.ts'
import type { Logger } from '../../../log/logger.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import type { Clock } from '../../../util/clock.ts'
import type { ControllerContext, RunningController } from '../../manager.ts'
import { WorkQueue } from '../../util/work-queue.ts'
import { acquireInformer, releaseInformer, type SharedInformer } from './informers.ts'

export class ControllerRuntime implements RunningController {
  readonly client: Client
  readonly log: Logger
  readonly clock: Clock
  readonly queue: WorkQueue
  private readonly informers: SharedInformer[] = []
  private readonly timers = new Map<string, { at: number; cancel: () => void }>()
  private ready = false
  private stopped = false
  private readonly pending = new Set<string>()

  constructor(ctx: ControllerContext, sync: (key: string) => Promise<void>) {
    this.client = ctx.client
    this.log = ctx.log
    this.clock = ctx.clock
    // Five workers, as kube-controller-manager runs for its workload controllers.
    this.queue = new WorkQueue(sync, ctx.log, { workers: 5 })
  }

  informer(resource: Resource): SharedInformer {
    const s = acquireInformer(this.client, resource, this.log)
    this.informers.push(s)
    return s
  }

  /** Waits for every informer's first list, then processes what was queued meanwhile. */
  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.synced))
    this.ready = true
    for (const k of this.pending) this.queue.add(k)
    this.pending.clear()
  }

  enqueue(key: string): void {
    if (this.stopped) return
    if (!this.ready) this.pending.add(key)
    else this.queue.add(key)
  }

  enqueueObject(obj: KubeObject): void {
    const m = obj.metadata
    this.enqueue(m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? ''))
  }

  /** Queues `key` again after `ms` of the controller's clock (an earlier request wins). */
  enqueueAfter(key: string, ms: number): void {
    this.enqueueAt(key, this.clock.now() + Math.max(0, ms))
  }

  /**
   * Queues `key` again at time `at` of the controller's clock, at once if that has passed. For a
   * sync that computed its next deadline from the time it started: the clock may have moved on
   * while it awaited its writes.
   */
  enqueueAt(key: string, at: number): void {
    if (this.stopped) return
    const ms = Math.max(0, at - this.clock.now())
    const cur = this.timers.get(key)
    if (cur && cur.at <= at) return
    cur?.cancel()
    const cancel = this.clock.setTimeout(() => {
      this.timers.delete(key)
      this.enqueue(key)
    }, ms)
    this.timers.set(key, { at, cancel })
  }

  idle(): Promise<void> {
    return this.queue.idle()
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.queue.stop()
    for (const t of this.timers.values()) t.cancel()
    this.timers.clear()
    for (const s of this.informers) releaseInformer(this.client, s)
    this.informers.length = 0
  }
}
