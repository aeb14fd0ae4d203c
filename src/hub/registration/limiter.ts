// Bounds failed authentication attempts per remote address on the agent port. Guessing a
// 256-bit secret is hopeless anyway; this keeps a misbehaving or hostile client from making the
// hub hash and log refusals as fast as it can send them. A fixed window per address, in a map
// capped in size (the oldest addresses are forgotten first), so memory stays bounded whatever
// the number of addresses.

import type { Clock } from '../../util/clock.ts'

export interface FailureLimiterOptions {
  /** Failures allowed per address per window (default 60). */
  maxFailures?: number
  windowMs?: number
  /** Addresses remembered at most (default 10 000). */
  maxAddresses?: number
}

export class FailureLimiter {
  private readonly clock: Clock
  private readonly max: number
  private readonly windowMs: number
  private readonly maxAddresses: number
  private readonly windows = new Map<string, { start: number; failures: number }>()

  constructor(clock: Clock, opts: FailureLimiterOptions = {}) {
    this.clock = clock
    this.max = opts.maxFailures ?? 60
    this.windowMs = opts.windowMs ?? 60_000
    this.maxAddresses = opts.maxAddresses ?? 10_000
  }

  /** Seconds until the address may try again, or 0 when it may now. */
  blockedFor(address: string | undefined): number {
    const w = this.windows.get(address ?? '')
    if (!w) return 0
    const now = this.clock.now()
    if (now - w.start >= this.windowMs) {
      this.windows.delete(address ?? '')
      return 0
    }
    return w.failures >= this.max ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : 0
  }

  fail(address: string | undefined): void {
    const key = address ?? ''
    const now = this.clock.now()
    let w = this.windows.get(key)
    if (!w || now - w.start >= this.windowMs) {
      this.windows.delete(key)
      w = { start: now, failures: 0 }
      if (this.windows.size >= this.maxAddresses) {
        // Maps iterate in insertion order: the first key is the oldest window.
        const oldest = this.windows.keys().next().value
        if (oldest !== undefined) this.windows.delete(oldest)
      }
      this.windows.set(key, w)
    }
    w.failures++
  }

  get size(): number {
    return this.windows.size
  }
}
