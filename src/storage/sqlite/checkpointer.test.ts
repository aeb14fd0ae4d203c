// The commit path off the event loop: WAL checkpoints on the worker thread, fdatasync on the
// threadpool, and writes held back (not lost, not reordered) during a tail checkpoint.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, describe, it } from 'node:test'
import { GroupCommit } from './batch.ts'
import { SqliteStorage } from './sqlite-storage.ts'
import { WalSync } from './wal-sync.ts'

const root = mkdtempSync(join(tmpdir(), 'flotilla-checkpoint-test-'))
after(() => rmSync(root, { recursive: true, force: true }))
let n = 0
const dbPath = () => join(root, `db${++n}.sqlite`)

describe('checkpoints and syncs off the event loop', () => {
  it('keeps the WAL short under a sustained write load, and the data intact', async () => {
    const path = dbPath()
    const s = SqliteStorage.open({ path, compactionIntervalMs: 0 })
    const value = JSON.stringify({ data: 'x'.repeat(2000) })
    let maxWal = 0
    // ~20,000 writes of 2 KB ≈ 160 MB through the WAL (current + log rows): without the tail
    // checkpoint the WAL never starts over and ends near that size.
    for (let round = 0; round < 200; round++) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => s.create(`/k/${round}/${i}`, () => value)))
      maxWal = Math.max(maxWal, statSync(`${path}-wal`).size)
    }
    assert.ok(maxWal < 64 * 1024 * 1024, `the WAL stayed under 64 MiB (largest ${(maxWal / 2 ** 20).toFixed(1)} MiB)`)
    assert.equal(await s.count('/k/'), 20_000)
    await s.close()
    // Closed last, the writer checkpointed everything back and removed the WAL.
    assert.throws(() => statSync(`${path}-wal`), { code: 'ENOENT' })
    const db = new DatabaseSync(path, { readOnly: true })
    assert.equal(Number(db.prepare('SELECT count(*) AS n FROM current').get()!.n), 20_000)
    assert.equal(db.prepare('PRAGMA integrity_check').get()!.integrity_check, 'ok')
    db.close()
  })

  it('holds writes back in call order and runs them on release', async () => {
    const db = new DatabaseSync(dbPath())
    db.exec('CREATE TABLE t (rev INTEGER PRIMARY KEY, v TEXT)')
    const insert = db.prepare('INSERT INTO t VALUES (?, ?)')
    const gc = new GroupCommit(db, 0, { durable: () => {} }, () => {})
    const write = (v: string) =>
      gc.write((rev) => {
        insert.run(rev, v)
        return { value: rev, event: { type: 'PUT', key: `/t/${v}`, revision: rev } }
      })
    const first = write('a')
    const release = gc.hold()
    const held = [write('b'), write('c')]
    await new Promise((r) => setTimeout(r, 20))
    // The first write committed; the held ones have not even run.
    assert.equal(await first, 1)
    assert.equal(Number(db.prepare('SELECT count(*) AS n FROM t').get()!.n), 1)
    release()
    release() // a second call does nothing
    assert.deepEqual(await Promise.all(held), [2, 3])
    assert.deepEqual(
      db
        .prepare('SELECT v FROM t ORDER BY rev')
        .all()
        .map((r) => r.v),
      ['a', 'b', 'c'],
    )
    // flush() (close) runs held writes too.
    const release2 = gc.hold()
    const late = write('d')
    gc.flush()
    assert.equal(await late, 4)
    release2()
    db.close()
  })

  it('acknowledges commits in order, each after a sync that began after it', async () => {
    const path = dbPath()
    const db = new DatabaseSync(path)
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('CREATE TABLE t (v)')
    const wal = new WalSync(`${path}-wal`)
    const order: string[] = []
    wal.afterCommit(() => order.push('a'))
    // b arrives while a's sync runs and gets its own at once; c, with two running, waits for the
    // next. Whichever finishes first acknowledges everything committed before it began, in order.
    wal.afterCommit(() => order.push('b'))
    wal.afterCommit(() => order.push('c'))
    assert.deepEqual(order, [], 'nothing is acknowledged before the disk answers')
    await wal.idle()
    assert.deepEqual(order, ['a', 'b', 'c'])
    await wal.idle() // idle when nothing waits
    wal.close()
    db.close()
  })
})
