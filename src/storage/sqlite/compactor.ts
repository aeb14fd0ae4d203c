// Automatic compaction and background removal of compacted history.
//
// Boundary: after compact(C), reads at R >= C must still work. A snapshot at R needs every log
// entry with rev > R, and a watch from R replays rev > R; so exactly the rows with rev <= C are
// unreachable and deleted (a watch or list at C itself still works; C - 1 gets 'Compacted').
//
// Deletion happens after compact_rev is durable, in chunks of PURGE_CHUNK revisions riding on
// ordinary write batches, so a compaction of hundreds of thousands of revisions never blocks
// the event loop for long. If the process dies mid-way, the next open finds log rows below
// compact_rev (min(rev) <= compact_rev) and resumes.

import type { StatementSync } from 'node:sqlite'
import type { Batch } from './batch.ts'
import { RetentionClock, type RetentionPolicy } from './retention.ts'
import type { Logger } from './watch-hub.ts'

// ~2,000 log rows of 1 KB objects take ~10 ms to delete: short enough not to stall requests.
const PURGE_CHUNK = 2000

export interface CompactorHost {
  readonly revision: number
  readonly compactRevision: number
  readonly isClosed: boolean
  readonly w: { purgeLog: StatementSync }
  compact(revision: number): Promise<void>
  write<T>(op: (revision: number, batch: Batch) => { value: T }): Promise<T>
}

export class Compactor {
  private readonly host: CompactorHost
  private readonly logger: Logger
  private readonly clock: RetentionClock
  private readonly timer: NodeJS.Timeout | undefined
  /** Log rows with rev <= purgedThrough are gone. */
  private purgedThrough: number
  private purging = false

  constructor(
    host: CompactorHost,
    opts: { policy: RetentionPolicy; intervalMs: number; logger: Logger; purgedThrough: number },
  ) {
    this.host = host
    this.logger = opts.logger
    this.purgedThrough = opts.purgedThrough
    this.clock = new RetentionClock(opts.policy, Date.now(), host.revision)
    if (opts.intervalMs > 0) {
      this.timer = setInterval(() => this.autoCompact(), opts.intervalMs)
      this.timer.unref() // background housekeeping must not keep the process alive
    }
    if (this.purgedThrough < host.compactRevision) this.schedulePurge(host.compactRevision)
  }

  noteCommit(revision: number): void {
    this.clock.note(revision, Date.now())
  }

  /** Compacts according to the retention policy (also called by the timer). */
  autoCompact(): Promise<void> {
    const target = this.clock.target(this.host.revision, Date.now())
    if (this.host.isClosed || target <= this.host.compactRevision) return Promise.resolve()
    return this.host.compact(target).catch((error) => this.logger('storage auto-compaction failed', { error }))
  }

  /** Deletes log rows up to compactRev, one chunk per batch, until done. */
  schedulePurge(compactRev: number): void {
    if (this.purging || this.purgedThrough >= compactRev || this.host.isClosed) return
    this.purging = true
    setImmediate(() => {
      if (this.host.isClosed) {
        this.purging = false
        return
      }
      const from = this.purgedThrough
      const upto = Math.min(compactRev, from + PURGE_CHUNK)
      this.host
        .write((_rev, batch) => {
          this.host.w.purgeLog.run(from, upto)
          batch.afterCommit.push(() => {
            this.purgedThrough = Math.max(this.purgedThrough, upto)
          })
          return { value: undefined }
        })
        .then(
          () => {
            this.purging = false
            this.schedulePurge(this.host.compactRevision)
          },
          (error) => {
            // Retried on the next compaction (or the next open); reads never need these rows.
            this.purging = false
            if (!this.host.isClosed) this.logger('storage history purge failed', { error })
          },
        )
    })
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
  }
}
