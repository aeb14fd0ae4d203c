// Automatic compaction policy: how much history to keep.
//
// History is kept if EITHER criterion wants it ("whichever keeps more"): the last `revisions`
// revisions, and every revision committed during the last `ms` milliseconds. The compaction
// target is therefore min(latest - revisions, revision committed as of now - ms). A criterion
// set to 0 keeps nothing on its own, so {revisions: 100, ms: 0} retains by count only.
//
// Time is tracked with coarse in-memory samples (time, committed revision) rather than a
// timestamp column in the log: the log stays smaller and no query is needed. Samples are only
// ever used as lower bounds ("by time `at`, revision `rev` was committed"), so compaction can
// only err towards keeping more. History written before the process started is treated as
// written at start-up, for the same reason.

export interface RetentionPolicy {
  revisions: number
  ms: number
}

export const DEFAULT_RETENTION: RetentionPolicy = { revisions: 10_000, ms: 5 * 60_000 }

/** Keep at most about this many samples, whatever `ms` is. */
const MAX_SAMPLES = 300

export class RetentionClock {
  readonly policy: RetentionPolicy
  private readonly granularityMs: number
  private samples: { at: number; rev: number }[]

  constructor(policy: RetentionPolicy, now: number, committedRev: number) {
    this.policy = policy
    this.granularityMs = Math.max(1000, Math.ceil(policy.ms / MAX_SAMPLES))
    this.samples = [{ at: now, rev: committedRev }]
  }

  /** Records that `rev` is committed at time `now` (called after every commit; cheap). */
  note(rev: number, now: number): void {
    const last = this.samples[this.samples.length - 1]
    if (now - last.at < this.granularityMs) return
    this.samples.push({ at: now, rev })
    // Drop samples that can no longer be the answer: keep the newest one at or before the horizon.
    const horizon = now - this.policy.ms
    let drop = 0
    while (drop + 1 < this.samples.length && this.samples[drop + 1].at <= horizon) drop++
    if (drop > 0) this.samples = this.samples.slice(drop)
  }

  /** The revision history can be compacted to now (0: nothing to compact). */
  target(latest: number, now: number): number {
    const byCount = Math.max(0, latest - this.policy.revisions)
    let byTime = 0
    const horizon = now - this.policy.ms
    for (const s of this.samples) {
      if (s.at > horizon) break
      byTime = s.rev
    }
    if (this.policy.ms === 0) byTime = latest
    return Math.min(byCount, byTime)
  }
}
