// Live watch subscribers and event dispatch.
//
// Subscribers are indexed by prefix, and the hub remembers the distinct prefix lengths in use,
// so routing one event costs one Map lookup per distinct length (key.slice(0, len)) rather
// than one startsWith per subscriber: with ~50 watchers on a handful of resource prefixes an
// event touches only its own subscribers.

import type { WatchEvent } from '../interface.ts'

export type Logger = (msg: string, fields: object) => void

export interface Subscriber {
  readonly prefix: string
  readonly onEvent: (ev: WatchEvent) => void
  /**
   * Highest revision delivered (or skipped as already seen). Deliveries at or below it are
   * dropped, which makes delivery idempotent: a watch created from inside an event handler
   * replays the batch being dispatched and must not receive it a second time.
   */
  lastRev: number
  active: boolean
}

export class WatchHub {
  private readonly byPrefix = new Map<string, Set<Subscriber>>()
  /** Distinct prefix lengths, ascending; replaced (never mutated) so dispatch can iterate it safely. */
  private lengths: number[] = []
  private readonly logger: Logger

  constructor(logger: Logger) {
    this.logger = logger
  }

  get size(): number {
    let n = 0
    for (const set of this.byPrefix.values()) n += set.size
    return n
  }

  add(sub: Subscriber): void {
    let set = this.byPrefix.get(sub.prefix)
    if (set === undefined) {
      set = new Set()
      this.byPrefix.set(sub.prefix, set)
      this.recomputeLengths()
    }
    set.add(sub)
  }

  remove(sub: Subscriber): void {
    sub.active = false
    const set = this.byPrefix.get(sub.prefix)
    if (set === undefined || !set.delete(sub) || set.size > 0) return
    this.byPrefix.delete(sub.prefix)
    this.recomputeLengths()
  }

  /** Delivers committed events, in the given (revision) order, to every matching subscriber. */
  dispatch(events: readonly WatchEvent[]): void {
    if (this.byPrefix.size === 0) return
    for (const ev of events) {
      const key = ev.key
      for (const len of this.lengths) {
        if (len > key.length) break
        const set = this.byPrefix.get(len === key.length ? key : key.slice(0, len))
        if (set === undefined) continue
        for (const sub of set) this.deliver(sub, ev)
      }
    }
  }

  /** Calls the handler, isolating the other subscribers (and the writer) from its failures. */
  deliver(sub: Subscriber, ev: WatchEvent): void {
    if (!sub.active || ev.revision <= sub.lastRev) return
    sub.lastRev = ev.revision
    try {
      sub.onEvent(ev)
    } catch (error) {
      this.logger('storage watch handler threw; event dropped for this watcher', {
        prefix: sub.prefix,
        key: ev.key,
        revision: ev.revision,
        error,
      })
    }
  }

  cancelAll(): void {
    for (const set of this.byPrefix.values()) for (const sub of set) sub.active = false
    this.byPrefix.clear()
    this.lengths = []
  }

  private recomputeLengths(): void {
    const lengths = new Set<number>()
    for (const prefix of this.byPrefix.keys()) lengths.add(prefix.length)
    this.lengths = [...lengths].sort((a, b) => a - b)
  }
}
