// A keyed work queue for controllers: a key queued several times before it is processed is
// processed once; failures are retried with exponential backoff (5 ms doubling to 30 s), as
// client-go's rate-limited workqueue does. Processing is sequential per queue.

import type { Logger } from '../../log/logger.ts'

export class WorkQueue {
  private readonly queued = new Set<string>()
  private readonly failures = new Map<string, number>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly process: (key: string) => Promise<void>
  private readonly log: Logger
  private running = false
  private stopped = false
  private idleWaiters: (() => void)[] = []

  constructor(process: (key: string) => Promise<void>, log: Logger) {
    this.process = process
    this.log = log
  }

  add(key: string): void {
    if (this.stopped) return
    this.queued.add(key)
    if (!this.running) void this.drain()
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
    if (!this.running && this.queued.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  stop(): void {
    this.stopped = true
    this.queued.clear()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }

  private async drain(): Promise<void> {
    this.running = true
    while (this.queued.size > 0 && !this.stopped) {
      const key = this.queued.values().next().value as string
      this.queued.delete(key)
      try {
        await this.process(key)
        this.failures.delete(key)
      } catch (e) {
        const n = (this.failures.get(key) ?? 0) + 1
        this.failures.set(key, n)
        const delay = Math.min(30_000, 5 * 2 ** n)
        this.log.warn('Failed to process item, will retry', { key, attempt: n, delayMs: delay, err: String(e) })
        this.addAfter(key, delay)
      }
    }
    this.running = false
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const w of waiters) w()
  }
}
