// Reconnection delays for the agent: exponential with a cap and ±jitter, so that a hub restart
// does not see every agent of every cluster redial in the same millisecond. The delay resets
// only once a connection has stayed up for a while: a hub that accepts and then immediately
// drops (crash loop, revoked credential) keeps the agent backing off.

export interface BackoffOptions {
  /** First delay (default 500 ms). */
  initialMs: number
  /** Largest delay (default 30 s). */
  maxMs: number
  /** Growth per failure (default 2). */
  factor: number
  /** Relative jitter: each delay is multiplied by a random factor in [1-j, 1+j] (default 0.2). */
  jitter: number
  /** A connection that lasted this long resets the delay (default 10 s). */
  stableAfterMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.2,
  stableAfterMs: 10_000,
}

export class Backoff {
  private readonly opts: BackoffOptions
  private readonly random: () => number
  private attempt = 0

  constructor(opts: Partial<BackoffOptions> = {}, random: () => number = Math.random) {
    this.opts = { ...DEFAULT_BACKOFF, ...opts }
    this.random = random
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const { initialMs, maxMs, factor, jitter } = this.opts
    const base = Math.min(maxMs, initialMs * factor ** this.attempt)
    if (base < maxMs) this.attempt++
    const j = 1 + jitter * (2 * this.random() - 1)
    return Math.max(0, Math.round(base * j))
  }

  /** Reports how long a connection lasted: a stable one resets the delays. */
  connectionEnded(lastedMs: number): void {
    if (lastedMs >= this.opts.stableAfterMs) this.reset()
  }

  reset(): void {
    this.attempt = 0
  }
}
