// Group commit: the unit of durability shared by every write issued in one event-loop turn.
//
// Writes run synchronously inside the open transaction as they are called (so CAS checks see
// earlier writes of the batch and revisions follow call order), but nobody learns the outcome
// until the batch is durable (its COMMIT returned and, with a WalSync, the WAL was synced):
// successes, logical failures (Conflict, KeyExists...) and build() errors are all settled then. A logical failure may have been decided
// against an earlier write of the same batch; if that batch then fails to commit, the honest
// answer is Unavailable, not the error computed against state that never became durable.

import type { DatabaseSync } from 'node:sqlite'
import { StorageError, type WatchEvent } from '../interface.ts'
import type { WalSync } from './wal-sync.ts'
import type { Logger } from './watch-hub.ts'

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

export interface PendingOp {
  resolve: (value: any) => void
  reject: (error: unknown) => void
  outcome?: Outcome
}

export class Batch {
  readonly ops: PendingOp[] = []
  /** Events of the batch, in revision order; dispatched to watchers after the COMMIT. */
  readonly events: WatchEvent[] = []
  /** In-memory state changes that must only happen once the batch is durable. */
  readonly afterCommit: (() => void)[] = []

  /** Settles every op with the outcome recorded when it ran. */
  settle(): void {
    for (const op of this.ops) {
      const o = op.outcome
      if (o === undefined) op.reject(new StorageError('Unavailable', 'storage write was not executed'))
      else if (o.ok) op.resolve(o.value)
      else op.reject(o.error)
    }
  }

  /** Rejects every op: the batch was rolled back, or (with a message saying so) may not be durable. */
  fail(cause: unknown, message = 'storage write batch failed and was rolled back'): void {
    for (const op of this.ops) op.reject(unavailable(message, cause))
  }
}

/**
 * An operation run inside a batch. It receives the revision its write would get; it must throw
 * StorageError/BuildFailure only before its first SQL write (so a refused op leaves no trace)
 * and return its result plus, if it wrote a revision, the event (whose revision must be that one).
 */
export type WriteOp<T> = (revision: number, batch: Batch) => { value: T; event?: WatchEvent }

/** A batch waiting this long for its fdatasync is logged. */
const SLOW_SYNC_MS = 200

export interface CommitHooks {
  /** Right after each COMMIT (the checkpointer's cue). */
  committed?: () => void
  /** Runs once a batch is durable, before its promises settle. */
  durable: (batch: Batch) => void
  /** Makes commits durable off the event loop; without it the COMMIT itself is (synchronous=FULL). */
  walSync?: WalSync
}

/** Owns the writer connection's transaction and the revision counters. */
export class GroupCommit {
  /** Last committed revision. */
  committedRev: number
  /** Revision of the last write executed, committed or not (= committedRev when no batch). */
  headRev: number
  private readonly db: DatabaseSync
  private readonly hooks: CommitHooks
  private readonly logger: Logger
  private batch: Batch | null = null
  private running = false
  /** While > 0, new writes wait in `queued` instead of running (hold()). */
  private held = 0
  private queued: { op: WriteOp<unknown>; pending: PendingOp }[] = []

  constructor(db: DatabaseSync, revision: number, hooks: CommitHooks, logger: Logger) {
    this.db = db
    this.committedRev = revision
    this.headRev = revision
    this.hooks = hooks
    this.logger = logger
  }

  /**
   * Runs `op` now, inside the current batch (opened if needed), or once writes are no longer
   * held, in call order; settles once its batch is durable.
   */
  write<T>(op: WriteOp<T>): Promise<T> {
    if (this.running) {
      // A write from inside build() would take the same revision as the write building it.
      return Promise.reject(new Error('storage writes cannot be issued from inside a build() callback'))
    }
    const { promise, resolve, reject } = Promise.withResolvers<T>()
    if (this.held > 0) this.queued.push({ op, pending: { resolve, reject } })
    else this.run(op, { resolve, reject })
    return promise
  }

  /**
   * Holds back new writes (they queue, in order) until the returned release is called; the
   * event loop is not held. The checkpointer uses it to let the WAL start over (checkpointer.ts).
   */
  hold(): () => void {
    this.held++
    let released = false
    return () => {
      if (released) return
      released = true
      if (this.held === 0) return // flush() ran the queue already
      this.held--
      if (this.held === 0) this.runQueued()
    }
  }

  private run(op: WriteOp<unknown>, pending: PendingOp): void {
    let batch: Batch
    try {
      batch = this.open()
    } catch (err) {
      pending.reject(unavailable('cannot start a write transaction', err))
      return
    }
    batch.ops.push(pending)
    this.running = true
    try {
      const out = op(this.headRev + 1, batch)
      if (out.event !== undefined) {
        this.headRev = out.event.revision
        batch.events.push(out.event)
      }
      pending.outcome = { ok: true, value: out.value }
    } catch (err) {
      if (err instanceof StorageError) pending.outcome = { ok: false, error: err }
      else if (err instanceof BuildFailure) pending.outcome = { ok: false, error: err.error }
      // An SQL statement failed: the transaction may hold half of this op, so the whole batch goes.
      else this.abort(batch, err)
    } finally {
      this.running = false
    }
  }

  private runQueued(): void {
    const queued = this.queued
    this.queued = []
    for (const { op, pending } of queued) this.run(op, pending)
  }

  /** True while an op runs (i.e. inside a caller's build()). */
  get busy(): boolean {
    return this.running
  }

  /** Runs held writes and commits the pending batch now, if any (used by close()). */
  flush(): void {
    this.held = 0
    this.runQueued()
    if (this.batch !== null) this.commit(this.batch)
  }

  private open(): Batch {
    if (this.batch !== null) return this.batch
    this.db.exec('BEGIN')
    const batch = new Batch()
    this.batch = batch
    // setImmediate runs after the I/O callbacks of this loop turn: every request that arrived
    // together joins the batch, and the COMMIT (one fsync) is shared by all of them.
    setImmediate(() => this.commit(batch))
    return batch
  }

  private commit(batch: Batch): void {
    if (this.batch !== batch) return // already committed by flush(), or aborted
    this.batch = null
    try {
      this.db.exec('COMMIT')
    } catch (err) {
      this.abort(batch, err)
      return
    }
    this.committedRev = this.headRev
    this.hooks.committed?.()
    const wal = this.hooks.walSync
    if (wal === undefined) {
      this.acknowledge(batch, undefined)
      return
    }
    const committedAt = performance.now()
    wal.afterCommit((syncError) => {
      const ms = performance.now() - committedAt
      // Every writer of the batch waited this long: worth an operator's attention.
      if (ms >= SLOW_SYNC_MS)
        this.logger('storage waited long for the disk', { ms: Math.round(ms), ops: batch.ops.length })
      this.acknowledge(batch, syncError)
    })
  }

  /** Resolves once every committed batch has been acknowledged. */
  acknowledged(): Promise<void> {
    return this.hooks.walSync?.idle() ?? Promise.resolve()
  }

  /** The batch is durable (or its fdatasync failed): watchers, then writers, learn of it. */
  private acknowledge(batch: Batch, syncError: Error | undefined): void {
    try {
      // Committed and readable either way, so watchers must see it to stay consistent with reads.
      this.hooks.durable(batch)
    } finally {
      // Whatever happens in the hooks, the writers learn their outcome.
      if (syncError === undefined) batch.settle()
      else {
        this.logger('storage could not sync a committed write batch to disk', {
          error: syncError,
          ops: batch.ops.length,
        })
        batch.fail(syncError, 'storage write was committed but could not be synced to disk')
      }
    }
  }

  /** Rolls the batch back and rejects all its ops; the revision counter returns to the committed one. */
  private abort(batch: Batch, cause: unknown): void {
    if (this.batch === batch) this.batch = null
    try {
      // A failed COMMIT (e.g. a deferred constraint) leaves the transaction open; an I/O error
      // may already have rolled it back.
      if (this.db.isTransaction) this.db.exec('ROLLBACK')
    } catch (error) {
      this.logger('storage rollback failed', { error })
    }
    this.headRev = this.committedRev
    this.logger('storage write batch rolled back', { error: cause, ops: batch.ops.length })
    batch.fail(cause)
  }
}

/** Marks an exception thrown by a caller's build() callback (not a storage failure). */
export class BuildFailure {
  readonly error: unknown
  constructor(error: unknown) {
    this.error = error
  }
}

export function callBuild(build: (revision: number) => string, revision: number): string {
  let value: unknown
  try {
    value = build(revision)
  } catch (err) {
    throw new BuildFailure(err)
  }
  // Checked here so a caller's mistake is that caller's error, not a failed SQL statement
  // that would roll back everyone else's writes in the batch.
  if (typeof value !== 'string') throw new BuildFailure(new TypeError('build() must return a string'))
  return value
}

export function unavailable(message: string, cause: unknown): StorageError {
  const err = new StorageError('Unavailable', `${message}: ${cause instanceof Error ? cause.message : String(cause)}`)
  err.cause = cause
  return err
}

export function closedError(): StorageError {
  return new StorageError('Closed', 'storage is closed')
}
