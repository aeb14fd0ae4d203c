// A keyed work queue processed by several workers: a key queued again while queued is processed
// once; a key queued while being processed is processed again afterwards (never two workers on
// one key). Failures are retried with exponential backoff (5 ms doubling to 30 s), as the
// controllers' WorkQueue does, but with concurrency for the simulator's many independent pods.

import type { Logger } from '../../log/logger.ts'

export interface KeyedQueueOptions {
  concurrency?: number
  log: Logger
}

export class KeyedQueue {
  private readonly process: (key: string) => Promise<void>
  private readonly log: Logger
  private readonly concurrency: number
  private readonly queued = new Set<string>()
  private readonly active = new Set<string>()
  private readonly dirty = new Set<string>()
  private readonly failures = new Map<string, number>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private workers = 0
  private stopped = false
  private idleWaiters: (() => void)[] = []

  constructor(process: (key: string) => Promise<void>, opts: KeyedQueueOptions) {
    this.process = process
    this.log = opts.log
    this.concurrency = Math.max(1, opts.concurrency ?? 4)
  }

  get length(): number {
    return this.queued.size + this.active.size
  }

  add(key: string): void {
    if (this.stopped) return
    if (this.active.has(key)) {
      this.dirty.add(key)
      return
    }
    this.queued.add(key)
    while (this.workers < this.concurrency && this.workers < this.queued.size) {
      this.workers++
      void this.work()
    }
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

  /** Resolves when nothing is queued or being processed. */
  idle(): Promise<void> {
    if (this.workers === 0 && this.queued.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  stop(): void {
    this.stopped = true
    this.queued.clear()
    this.dirty.clear()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }

  private async work(): Promise<void> {
    try {
      while (!this.stopped) {
        const key = this.next()
        if (key === undefined) break
        this.active.add(key)
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
          this.active.delete(key)
          if (this.dirty.delete(key)) this.queued.add(key)
        }
      }
    } finally {
      this.workers--
      if (this.workers === 0) {
        const waiters = this.idleWaiters
        this.idleWaiters = []
        for (const w of waiters) w()
      }
    }
  }

  private next(): string | undefined {
    for (const key of this.queued) {
      this.queued.delete(key)
      return key
    }
    return undefined
  }
}
