// Every SQL statement the backend runs, prepared once per connection.
//
// Statements that return rows use setReturnArrays(true): building one small array per row is
// measurably cheaper than an object with named properties when a LIST returns 10,000 rows.

import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite'
import type { KvRow, LogRow } from './keys.ts'

/** [key, first revision after R, existed at R (0/1), exists now (0/1)] */
export type ChangedRow = [key: string, firstRev: number, existedAtRev: number, existsNow: number]

const LOG_COLUMNS = 'rev, key, value, prev_value, prev_mod_rev, prev_create_rev, create_rev'

/** A statement returning arrays, typed by its row shape. */
export class Query<Row> {
  private readonly stmt: StatementSync
  constructor(db: DatabaseSync, sql: string) {
    this.stmt = db.prepare(sql)
    this.stmt.setReturnArrays(true)
  }
  all(...params: SQLInputValue[]): Row[] {
    return this.stmt.all(...params) as unknown as Row[]
  }
  get(...params: SQLInputValue[]): Row | undefined {
    return this.stmt.get(...params) as unknown as Row | undefined
  }
  /** First column of the first row (aggregates). */
  scalar(...params: SQLInputValue[]): number | null {
    const row = this.stmt.get(...params) as unknown as [number | null] | undefined
    return row === undefined ? null : row[0]
  }
}

export type ReadStatements = ReturnType<typeof prepareReader>
export type WriteStatements = ReturnType<typeof prepareWriter>

export function prepareReader(db: DatabaseSync) {
  return {
    get: new Query<KvRow>(db, 'SELECT key, value, mod_rev, create_rev FROM current WHERE key = ?'),
    /** (lo, hi, limit) — limit -1 = all. */
    listLatest: new Query<KvRow>(
      db,
      'SELECT key, value, mod_rev, create_rev FROM current WHERE key >= ? AND key < ? ORDER BY key LIMIT ?',
    ),
    /** (after, hi) — keys strictly after the last returned one, for ListResult.remaining. */
    countLatestAfter: new Query<[number]>(db, 'SELECT count(*) FROM current WHERE key > ? AND key < ?'),
    countRange: new Query<[number]>(db, 'SELECT count(*) FROM current WHERE key >= ? AND key < ?'),
    /** (lo, hi, rev, limit) — the keys of a range not changed since rev: their value at rev is current. */
    unchangedSince: new Query<KvRow>(
      db,
      'SELECT key, value, mod_rev, create_rev FROM current WHERE key >= ? AND key < ? AND mod_rev <= ? ORDER BY key LIMIT ?',
    ),
    /**
     * (lo, hi, rev) — every key of the range changed after rev, in key order, with the revision
     * of its first change after rev (whose prev_* columns hold its value at rev), whether it
     * existed at rev, and whether it exists now. SQLite takes the bare column prev_mod_rev from
     * the row min() selects. Reads only the narrow log_rev_key index and current's key index.
     */
    changedSince: new Query<ChangedRow>(
      db,
      `SELECT g.key, g.first, g.prev_mod_rev IS NOT NULL, EXISTS (SELECT 1 FROM current AS c WHERE c.key = g.key)
       FROM (SELECT key, min(rev) AS first, prev_mod_rev FROM log INDEXED BY log_rev_key
             WHERE rev > ?3 AND key >= ?1 AND key < ?2 GROUP BY key) AS g
       ORDER BY g.key`,
    ),
    /** (rev) — the value a key had just before revision rev. */
    valueBefore: new Query<[value: string, modRev: number, createRev: number]>(
      db,
      'SELECT prev_value, prev_mod_rev, prev_create_rev FROM log WHERE rev = ?',
    ),
    /**
     * (afterRev, uptoRev, lo, hi, limit) — watch replay, one chunk. `+key` keeps the planner on
     * the rev (rowid) range: the work is then bounded by the revisions replayed.
     */
    logRange: new Query<LogRow>(
      db,
      `SELECT ${LOG_COLUMNS} FROM log WHERE rev > ? AND rev <= ? AND +key >= ? AND +key < ? ORDER BY rev LIMIT ?`,
    ),
  }
}

export function prepareWriter(db: DatabaseSync) {
  return {
    /** (key) — the writer sees the pending batch, so CAS checks see earlier writes of the batch. */
    current: new Query<[value: string, modRev: number, createRev: number]>(
      db,
      'SELECT value, mod_rev, create_rev FROM current WHERE key = ?',
    ),
    /** Inserts unless the key exists (changes = 0): a create needs no lookup first. */
    insertCurrent: db.prepare(
      'INSERT INTO current (key, value, mod_rev, create_rev) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
    ),
    updateCurrent: db.prepare('UPDATE current SET value = ?, mod_rev = ? WHERE key = ?'),
    deleteCurrent: db.prepare('DELETE FROM current WHERE key = ?'),
    insertLog: db.prepare(`INSERT INTO log (${LOG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    /** Never lowers compact_rev, so two compactions in one batch cannot undo each other. */
    setCompactRev: db.prepare(`UPDATE meta SET value = max(value, ?) WHERE name = 'compact_rev'`),
    compactRev: new Query<[number]>(db, `SELECT value FROM meta WHERE name = 'compact_rev'`),
    /** (afterRev, uptoRev) — one chunk of history removal after a compaction. */
    purgeLog: db.prepare('DELETE FROM log WHERE rev > ? AND rev <= ?'),
    minLogRev: new Query<[number | null]>(db, 'SELECT min(rev) FROM log'),
    maxLogRev: new Query<[number | null]>(db, 'SELECT max(rev) FROM log'),
  }
}
