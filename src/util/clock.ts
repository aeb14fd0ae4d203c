// Time as a dependency: controllers take a Clock so tests can advance time (CronJob schedules,
// backoffs, grace periods) instead of sleeping.

export interface Clock {
  now(): number
  /** Calls fn after ms of this clock's time; returns a cancel function. */
  setTimeout(fn: () => void, ms: number): () => void
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms)
    t.unref?.()
    return () => clearTimeout(t)
  },
}

/** A clock that moves only when told to; timers fire in time order during advance(). */
export class FakeClock implements Clock {
  private current: number
  private timers: { at: number; fn: () => void; id: number }[] = []
  private seq = 0

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.current = start
  }

  now(): number {
    return this.current
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const id = ++this.seq
    this.timers.push({ at: this.current + Math.max(0, ms), fn, id })
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id)
    }
  }

  /** Moves time forward, firing due timers in order (timers they add fire too if due). */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id)
      const next = this.timers[0]
      if (!next || next.at > target) break
      this.timers.shift()
      this.current = next.at
      next.fn()
      await new Promise((r) => setImmediate(r))
    }
    this.current = target
  }
}
