// How long storage commits hold up the event loop: `npm run bench:storage-commit [-- --seconds N]`.
//
// Every request of a Flotilla server shares one event loop with the storage's COMMITs, so a
// commit that waits for the disk (fsync) or copies the WAL back (checkpoint) delays everything.
// The storage fsyncs the WAL on libuv's threadpool and checkpoints on a worker thread
// (src/storage/sqlite/wal-sync.ts, checkpointer.ts). This measures, under a steady load of
// 64 writers of 1 KB objects:
//   - SqliteStorage (sync 'full'): writes/s, and the time each COMMIT call takes on the loop;
//   - baseline, in the same run: the same batches (same rows, same tables, same batch sizes)
//     committed inline the classic way, synchronous=FULL with SQLite's automatic checkpoint,
//     as the storage did before.
// Both run in this process, alternately, each on a fresh database in the same directory.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { parseArgs } from 'node:util'
import { SqliteStorage } from '../src/storage/sqlite/sqlite-storage.ts'
import { summarize } from './stats.ts'

const { values: args } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '2' } },
})
const SECONDS = Number(args.seconds)
const ROUNDS = Number(args.rounds)
const WRITERS = 64
const VALUE = JSON.stringify({ data: 'x'.repeat(1000) })

interface Result {
  writesPerSec: number
  batchSizes: number[]
  /** Time of each COMMIT call on the event loop, ms. */
  commitMs: number[]
}

/** SqliteStorage under WRITERS concurrent create loops; COMMIT time measured around db.exec. */
let run = 0
async function storageRun(dir: string): Promise<Result> {
  run++
  const store = SqliteStorage.open({ path: join(dir, `storage-${run}.db`), compactionIntervalMs: 0 })
  const commitMs: number[] = []
  const batchSizes: number[] = []
  // Times the writer's COMMIT from outside: the one statement that touches the disk.
  const writer = (store as unknown as { writer: DatabaseSync }).writer
  const exec = writer.exec.bind(writer)
  writer.exec = (sql: string) => {
    if (sql !== 'COMMIT') return exec(sql)
    const t0 = performance.now()
    exec(sql)
    commitMs.push(performance.now() - t0)
  }
  let n = 0
  let stop = false
  const started = performance.now()
  const loops = Array.from({ length: WRITERS }, async (_, w) => {
    for (let i = 0; !stop; i++) {
      await store.create(`/registry/bench/w${w}/o${i}`, () => VALUE)
      n++
    }
  })
  setTimeout(() => {
    stop = true
  }, SECONDS * 1000)
  await Promise.all(loops)
  const seconds = (performance.now() - started) / 1000
  await store.close()
  batchSizes.push(n / Math.max(1, commitMs.length))
  return { writesPerSec: n / seconds, batchSizes, commitMs }
}

/** The baseline: batches of the given sizes committed inline with synchronous=FULL and autocheckpoint. */
function inlineRun(dir: string, batchSize: number, writes: number): Result {
  const path = join(dir, `inline-${run}.db`)
  const db = new DatabaseSync(path)
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = FULL')
  db.exec('PRAGMA journal_size_limit = 67108864')
  db.exec('CREATE TABLE current (key TEXT PRIMARY KEY, value TEXT, mod_rev INTEGER, create_rev INTEGER)')
  db.exec(
    'CREATE TABLE log (rev INTEGER PRIMARY KEY, key TEXT NOT NULL, value TEXT, prev_value TEXT, prev_mod_rev INTEGER, prev_create_rev INTEGER, create_rev INTEGER)',
  )
  db.exec('CREATE INDEX log_rev_key ON log (rev, key, prev_mod_rev)')
  const cur = db.prepare('INSERT INTO current VALUES (?, ?, ?, ?)')
  const log = db.prepare('INSERT INTO log VALUES (?, ?, ?, NULL, NULL, NULL, ?)')
  const commitMs: number[] = []
  const started = performance.now()
  let rev = 0
  while (rev < writes) {
    db.exec('BEGIN')
    for (let i = 0; i < batchSize; i++) {
      rev++
      const key = `/registry/bench/o${rev}`
      cur.run(key, VALUE, rev, rev)
      log.run(rev, key, VALUE, rev)
    }
    const t0 = performance.now()
    db.exec('COMMIT')
    commitMs.push(performance.now() - t0)
  }
  const seconds = (performance.now() - started) / 1000
  db.close()
  return { writesPerSec: writes / seconds, batchSizes: [batchSize], commitMs }
}

function summary(r: Result): string {
  const s = summarize(r.commitMs)
  const total = s.mean * s.n
  return (
    `${Math.round(r.writesPerSec).toLocaleString('en')} writes/s, ${s.n} commits of ~${Math.round(r.batchSizes[0])}; ` +
    `COMMIT on the loop p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(2)} ms, ` +
    `${(((total / s.n) * 1000) / r.batchSizes[0]).toFixed(0)} µs per write`
  )
}

const dir = mkdtempSync(join(tmpdir(), 'flotilla-commit-bench-'))
try {
  console.log(`Storage COMMIT stalls — ${WRITERS} writers of 1 KB objects, ${SECONDS} s per run, ${ROUNDS} rounds`)
  for (let round = 1; round <= ROUNDS; round++) {
    const ours = await storageRun(dir)
    const batch = Math.max(1, Math.round(ours.batchSizes[0]))
    const base = inlineRun(dir, batch, Math.round(ours.writesPerSec * SECONDS))
    const p99 = (r: Result) => summarize(r.commitMs).p99
    console.log(`round ${round}`)
    console.log(`  storage (fsync off the loop, checkpoints on a worker): ${summary(ours)}`)
    console.log(`  baseline (same batches inline, FULL + autocheckpoint):  ${summary(base)}`)
    console.log(`  COMMIT p99 on the loop: ${(p99(ours) / p99(base)).toFixed(2)}× the baseline's`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
