// Embedded storage backend on node:sqlite. See interface.ts for the contract.
//
// Data model: `current` holds the live keys, `log` one row per revision (new value and previous
// value), `meta` the compaction revision. The latest revision after a restart is
// max(max(log.rev), compact_rev): compaction only deletes log rows <= compact_rev, so the newest
// revision is always either still in the log or equal to compact_rev.
//
// Consistency model:
// - Writes: group commit (batch.ts). Revision numbers are assigned in call order; a write's
//   promise resolves only once its batch is durable: COMMIT returned and, with sync 'full', the
//   WAL was fdatasync'd off the event loop (wal-sync.ts).
// - Reads (get/list/count/watch replay) go to a second, read-only connection and therefore see
//   exactly the last committed state, never a pending batch (schema.ts). `revision` is the last
//   committed revision, updated in the same synchronous step as the COMMIT.
// - Watch events are dispatched once the batch is durable, before the batch's promises settle.
//   A watch registered in between replays the batch from the log (up to `revision`) and
//   Subscriber.lastRev drops the later dispatch of the same events; since replay + registration
//   in watch() is synchronous, no commit can fall between them: no gap and no duplicate.
// - WAL checkpoints run on a worker thread (checkpointer.ts).

import type { DatabaseSync } from 'node:sqlite'
import {
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Storage,
  StorageError,
  type Watch,
  type WatchOptions,
} from '../interface.ts'
import { type Batch, callBuild, closedError, GroupCommit, unavailable, type WriteOp } from './batch.ts'
import { Checkpointer } from './checkpointer.ts'
import { Compactor } from './compactor.ts'
import { compareKeys, eventFromLogRow, kvFromRow, prefixEnd } from './keys.ts'
import { readAt, readLatest } from './reads.ts'
import { DEFAULT_RETENTION } from './retention.ts'
import { openConnections } from './schema.ts'
import { prepareReader, prepareWriter, type ReadStatements, type WriteStatements } from './statements.ts'
import type { WalSync } from './wal-sync.ts'
import { type Logger, type Subscriber, WatchHub } from './watch-hub.ts'

export interface SqliteStorageOptions {
  /** Database file (created if missing). */
  path: string
  /** 'full' (default): a resolved write survives power loss; 'normal': survives process crashes only. */
  sync?: 'full' | 'normal'
  /** Automatic compaction keeps whichever retains more. Defaults: 10,000 revisions, 5 minutes. */
  historyRetention?: { revisions?: number; ms?: number }
  /** Period of automatic compaction; default 60 s, 0 disables it. */
  compactionIntervalMs?: number
  /** Receives failures that have no caller to return them to (watch handlers, background compaction). */
  logger?: Logger
}

/** Rows per chunk when replaying history to a new watch (bounds transient memory). */
const REPLAY_CHUNK = 1000

export class SqliteStorage implements Storage {
  static open(opts: SqliteStorageOptions): SqliteStorage {
    return new SqliteStorage(opts)
  }

  private readonly writer: DatabaseSync
  private readonly reader: DatabaseSync
  /** Exposed to the compactor, which runs its deletions as ordinary batch operations. */
  readonly w: WriteStatements
  private readonly r: ReadStatements
  private readonly hub: WatchHub
  private readonly compactor: Compactor
  private readonly checkpointer: Checkpointer
  private readonly walSync: WalSync | undefined
  private readonly logger: Logger

  private readonly gc: GroupCommit
  private compactRev: number
  private closed = false

  private constructor(opts: SqliteStorageOptions) {
    this.logger = safeLogger(opts.logger)
    const { writer, reader, walSync } = openConnections(opts.path, opts.sync ?? 'full')
    this.writer = writer
    this.reader = reader
    this.walSync = walSync
    this.w = prepareWriter(writer)
    this.r = prepareReader(reader)
    this.hub = new WatchHub(this.logger)
    this.compactRev = this.w.compactRev.scalar() ?? 0
    const revision = Math.max(this.w.maxLogRev.scalar() ?? 0, this.compactRev)
    this.checkpointer = new Checkpointer(opts.path, writer, this.logger, () => this.gc.hold())
    this.gc = new GroupCommit(
      writer,
      revision,
      { committed: () => this.checkpointer.noteCommit(), durable: (batch) => this.afterCommit(batch), walSync },
      this.logger,
    )
    this.compactor = new Compactor(this, {
      policy: { ...DEFAULT_RETENTION, ...opts.historyRetention },
      intervalMs: opts.compactionIntervalMs ?? 60_000,
      logger: this.logger,
      purgedThrough: (this.w.minLogRev.scalar() ?? revision + 1) - 1,
    })
  }

  get revision(): number {
    return this.gc.committedRev
  }

  get compactRevision(): number {
    return this.compactRev
  }

  get isClosed(): boolean {
    return this.closed
  }

  // ---- reads: committed state only, from the reader connection ----

  async get(key: string): Promise<KeyValue | undefined> {
    return this.read(() => {
      const row = this.r.get.get(key)
      return row === undefined ? undefined : kvFromRow(row)
    })
  }

  async count(prefix: string): Promise<number> {
    return this.read(() => this.r.countRange.scalar(prefix, prefixEnd(prefix)) ?? 0)
  }

  /** Latest committed state, or a snapshot at a past revision (see reads.ts). */
  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return this.read(() => {
      const latest = this.gc.committedRev
      const requested = opts.revision !== undefined && opts.revision > 0 ? opts.revision : 0
      if (requested > latest) {
        throw new StorageError('FutureRevision', `revision ${requested} is newer than the latest ${latest}`)
      }
      if (requested > 0 && requested < this.compactRev) throw this.compactedError(requested)
      const atRev = requested === 0 ? latest : requested
      const hi = prefixEnd(prefix)
      const start = opts.startKey
      const lo = start !== undefined && compareKeys(start, prefix) > 0 ? start : prefix
      const limit = opts.limit !== undefined && opts.limit > 0 ? Math.floor(opts.limit) : 0
      if (compareKeys(lo, hi) >= 0) return { items: [], revision: atRev, more: false, remaining: 0 }
      const { rows, more, remaining } =
        atRev === latest ? readLatest(this.r, lo, hi, limit) : readAt(this.r, lo, hi, atRev, limit)
      return { items: rows.map(kvFromRow), revision: atRev, more, remaining }
    })
  }

  watch(prefix: string, opts: WatchOptions): Watch {
    if (this.closed) throw closedError()
    const from = Math.max(0, opts.fromRevision)
    if (from > 0 && from < this.compactRev) throw this.compactedError(from)
    const sub: Subscriber = { prefix, onEvent: opts.onEvent, lastRev: from, active: true }
    const upto = this.gc.committedRev
    if (from === 0) sub.lastRev = upto
    // Replay synchronously: no commit can interleave, so live dispatch picks up exactly after.
    // Handlers may therefore run before watch() returns.
    const hi = prefixEnd(prefix)
    let cursor = from
    while (from > 0 && cursor < upto && sub.active && !this.closed) {
      let rows: ReturnType<ReadStatements['logRange']['all']>
      try {
        rows = this.r.logRange.all(cursor, upto, prefix, hi, REPLAY_CHUNK)
      } catch (err) {
        throw unavailable('watch replay failed', err)
      }
      for (const row of rows) {
        if (!sub.active || this.closed) break // cancelled or closed by a handler
        this.hub.deliver(sub, eventFromLogRow(row))
      }
      if (rows.length < REPLAY_CHUNK) break
      cursor = rows[rows.length - 1][0]
    }
    if (sub.lastRev < upto) sub.lastRev = upto
    if (sub.active && !this.closed) this.hub.add(sub)
    return { cancel: () => this.hub.remove(sub) }
  }

  // ---- writes: executed now in the open batch, settled after its COMMIT ----

  create(key: string, build: (revision: number) => string): Promise<KeyValue> {
    return this.write((rev) => {
      const value = callBuild(build, rev)
      if (this.w.insertCurrent.run(key, value, rev, rev).changes === 0) {
        const cur = this.w.current.get(key)!
        throw new StorageError('KeyExists', `key ${key} already exists`, { key, current: curKv(key, cur) })
      }
      this.w.insertLog.run(rev, key, value, null, null, null, rev)
      const kv: KeyValue = { key, value, modRevision: rev, createRevision: rev }
      return { value: kv, event: { type: 'PUT', key, revision: rev, value: kv } }
    })
  }

  update(key: string, expectedModRevision: number, build: (revision: number) => string): Promise<KeyValue> {
    return this.write((rev) => {
      const prev = this.checkedCurrent(key, expectedModRevision)
      const value = callBuild(build, rev)
      this.w.updateCurrent.run(value, rev, key)
      this.w.insertLog.run(rev, key, value, prev.value, prev.modRevision, prev.createRevision, prev.createRevision)
      const kv: KeyValue = { key, value, modRevision: rev, createRevision: prev.createRevision }
      return { value: kv, event: { type: 'PUT', key, revision: rev, value: kv, prevValue: prev } }
    })
  }

  delete(key: string, expectedModRevision?: number): Promise<{ prev: KeyValue; deletedAt: number }> {
    return this.write((rev) => {
      const prev = this.checkedCurrent(key, expectedModRevision)
      this.w.deleteCurrent.run(key)
      this.w.insertLog.run(rev, key, null, prev.value, prev.modRevision, prev.createRevision, null)
      return { value: { prev, deletedAt: rev }, event: { type: 'DELETE', key, revision: rev, prevValue: prev } }
    })
  }

  /**
   * Makes `revision` the oldest readable one. Resolves once that is durable; the history rows
   * are then deleted in the background in small chunks (they are unreachable already, since
   * every read below compactRevision is refused). Compacting to or below the current
   * compactRevision is a no-op; beyond the latest revision is 'FutureRevision'.
   */
  compact(revision: number): Promise<void> {
    return this.write((_rev, batch) => {
      if (revision > this.gc.headRev) {
        throw new StorageError('FutureRevision', `cannot compact to ${revision}: latest is ${this.gc.headRev}`)
      }
      if (revision > this.compactRev) {
        this.w.setCompactRev.run(revision)
        batch.afterCommit.push(() => {
          this.compactRev = Math.max(this.compactRev, revision)
          this.compactor.schedulePurge(this.compactRev)
        })
      }
      return { value: undefined }
    })
  }

  /** Commits the pending batch (its promises resolve), cancels watches, closes the database. */
  async close(): Promise<void> {
    if (this.closed) return
    // Committing now would cut the running write in half.
    if (this.gc.busy) throw new Error('storage close() cannot be called from inside a build() callback')
    this.closed = true // writes issued from watch handlers during the final dispatch get 'Closed'
    this.gc.flush()
    await this.gc.acknowledged()
    this.compactor.stop()
    this.hub.cancelAll()
    // The writer closes last: as the last connection it checkpoints and removes the WAL.
    await this.checkpointer.close()
    this.reader.close()
    this.writer.close()
    this.walSync?.close()
  }

  /** Runs `op` in the current write batch. Internal: the compactor uses it for its deletions. */
  write<T>(op: WriteOp<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError())
    return this.gc.write(op)
  }

  /** Runs once a batch is durable, before its promises settle. */
  private afterCommit(batch: Batch): void {
    for (const f of batch.afterCommit) f()
    this.compactor.noteCommit(this.gc.committedRev)
    this.hub.dispatch(batch.events)
  }

  /** The current value of key (as the batch sees it), checked against an expected modRevision. */
  private checkedCurrent(key: string, expectedModRevision: number | undefined): KeyValue {
    const cur = this.w.current.get(key)
    if (cur === undefined) throw new StorageError('KeyNotFound', `key ${key} not found`, { key })
    const kv = curKv(key, cur)
    if (expectedModRevision !== undefined && kv.modRevision !== expectedModRevision) {
      throw new StorageError(
        'Conflict',
        `key ${key} has modRevision ${kv.modRevision}, expected ${expectedModRevision}`,
        { key, current: kv },
      )
    }
    return kv
  }

  private read<T>(fn: () => T): Promise<T> {
    if (this.closed) return Promise.reject(closedError())
    try {
      return Promise.resolve(fn())
    } catch (err) {
      return Promise.reject(err instanceof StorageError ? err : unavailable('storage read failed', err))
    }
  }

  private compactedError(revision: number): StorageError {
    return new StorageError(
      'Compacted',
      `revision ${revision} has been compacted (oldest available: ${this.compactRev})`,
      { compactRevision: this.compactRev },
    )
  }
}

/** The logger is called from commit paths: it must not be able to throw into them. */
function safeLogger(logger: Logger | undefined): Logger {
  if (logger === undefined) return () => {}
  return (msg, fields) => {
    try {
      logger(msg, fields)
    } catch {
      // nowhere left to report to
    }
  }
}

function curKv(key: string, cur: [value: string, modRev: number, createRev: number]): KeyValue {
  return { key, value: cur[0], modRevision: cur[1], createRevision: cur[2] }
}
