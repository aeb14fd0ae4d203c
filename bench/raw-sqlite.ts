// Baseline for the API server write benchmark: the fastest a naive, non-batching program can
// durably insert rows with node:sqlite — one transaction (one fsync with sync 'full') per row,
// same pragmas as the storage backend, into a table shaped like its `current` table.
//
// Run directly: node bench/raw-sqlite.ts [count] [full|normal] [valueBytes]

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

export interface RawInsertOptions {
  /** Directory for the database file (raw-sqlite.db, replaced if present). */
  dir: string
  count: number
  sync: 'full' | 'normal'
  valueBytes: number
}

export function rawInsertLoop(opts: RawInsertOptions): { opsPerSec: number } {
  const path = join(opts.dir, 'raw-sqlite.db')
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
  const db = new DatabaseSync(path)
  try {
    db.exec('PRAGMA journal_mode = WAL')
    db.exec(`PRAGMA synchronous = ${opts.sync === 'normal' ? 'NORMAL' : 'FULL'}`)
    db.exec('PRAGMA journal_size_limit = 67108864')
    db.exec('PRAGMA temp_store = MEMORY')
    db.exec(
      'CREATE TABLE current (key TEXT PRIMARY KEY, value TEXT NOT NULL, mod_rev INTEGER NOT NULL, create_rev INTEGER NOT NULL)',
    )
    const insert = db.prepare('INSERT INTO current (key, value, mod_rev, create_rev) VALUES (?, ?, ?, ?)')
    const filler = 'x'.repeat(Math.max(0, opts.valueBytes - 40))
    const start = performance.now()
    for (let i = 1; i <= opts.count; i++) {
      // An autocommit INSERT is one transaction: one WAL append and, with 'full', one fsync.
      insert.run(`/registry/bench/objects/obj-${i}`, `{"rv":"${i}","data":"${filler}"}`, i, i)
    }
    const seconds = (performance.now() - start) / 1000
    return { opsPerSec: opts.count / seconds }
  } finally {
    db.close()
  }
}

if (import.meta.main) {
  const count = Number(process.argv[2] ?? 2000)
  const sync = process.argv[3] === 'normal' ? 'normal' : 'full'
  const valueBytes = Number(process.argv[4] ?? 1024)
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-raw-sqlite-'))
  try {
    const { opsPerSec } = rawInsertLoop({ dir, count, sync, valueBytes })
    process.stdout.write(
      `raw node:sqlite insert loop: ${Math.round(opsPerSec)} ops/s (${count} rows, sync=${sync}, ${valueBytes} B values)\n`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
