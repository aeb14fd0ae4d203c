// A keyed work queue for controllers, with client-go's guarantees: a key queued several times
// before it is processed is processed once; a key is never processed by two workers at once (a
// key added while it is being processed runs again afterwards); failures are retried with
// exponential backoff (5 ms doubling to 30 s). `workers` keys are processed concurrently.

import type { Logger } from '../../log/logger.ts'

export interface WorkQueueOptions {
  /** Keys processed at the same time (kube-controller-manager runs 5 for most controllers). */
  workers?: number
}

export class WorkQueue {
  private readonly queued = new Set<string>()
  private readonly processing = new Set<string>()
  /** Keys added while being processed: they run again when their current run ends. */
  private readonly dirty = new Set<string>()
  private readonly failures = new Map<string, number>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly process: (key: string) => Promise<void>
  private readonly log: Logger
  private readonly workers: number
  private active = 0
  private stopped = false
  private idleWaiters: (() => void)[] = []

  constructor(process: (key: string) => Promise<void>, log: Logger, opts: WorkQueueOptions = {}) {
    this.process = process
    this.log = log
    this.workers = Math.max(1, opts.workers ?? 1)
  }

  add(key: string): void {
    if (this.stopped) return
    if (this.processing.has(key)) {
      this.dirty.add(key)
      return
    }
    this.queued.add(key)
    this.pump()
  }

  addAfter(key: string, ms: number): void {
    if (this.stopped) return
    const t = setTimeout(() => {
      this.timers.delete(t)
      this.add(key)
    }, ms)
    t.unref()
    this.timers.add(t)
  }

  /** Resolves when nothing is queued or running (tests and shutdown use it). */
  idle(): Promise<void> {
    if (this.active === 0 && this.queued.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  stop(): void {
    this.stopped = true
    this.queued.clear()
    this.dirty.clear()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    this.notifyIdle()
  }

  private pump(): void {
    while (!this.stopped && this.active < this.workers && this.queued.size > 0) {
      const key = this.queued.values().next().value as string
      this.queued.delete(key)
      this.processing.add(key)
      this.active++
      void this.run(key)
    }
  }

  private async run(key: string): Promise<void> {
    try {
      await this.process(key)
      this.failures.delete(key)
    } catch (e) {
      const n = (this.failures.get(key) ?? 0) + 1
      this.failures.set(key, n)
      const delay = Math.min(30_000, 5 * 2 ** n)
      this.log.warn('Failed to process item, will retry', { key, attempt: n, delayMs: delay, err: String(e) })
      this.addAfter(key, delay)
    } finally {
      this.processing.delete(key)
      this.active--
      if (this.dirty.delete(key)) this.queued.add(key)
      this.pump()
      if (this.active === 0 && this.queued.size === 0) this.notifyIdle()
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const w of waiters) w()
  }
}
