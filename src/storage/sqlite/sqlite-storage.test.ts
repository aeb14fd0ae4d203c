import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, describe, it } from 'node:test'
import { rejectsWith, val, waitFor } from '../conformance/harness.ts'
import { runStorageConformance } from '../conformance/storage-conformance.ts'
import type { WatchEvent } from '../interface.ts'
import { compareKeys, prefixEnd } from './keys.ts'
import { RetentionClock } from './retention.ts'
import { SqliteStorage, type SqliteStorageOptions } from './sqlite-storage.ts'

runStorageConformance('sqlite', (dir) => SqliteStorage.open({ path: join(dir, 'flotilla.db') }))

const root = mkdtempSync(join(tmpdir(), 'flotilla-sqlite-test-'))
after(() => rmSync(root, { recursive: true, force: true }))
let n = 0
function dbPath(): string {
  return join(root, `db${++n}.sqlite`)
}
function open(opts: Partial<SqliteStorageOptions> = {}): SqliteStorage {
  return SqliteStorage.open({ path: dbPath(), ...opts })
}
/** Rows of the history log, read through a separate connection. */
function logRows(path: string, where = '1'): number {
  const db = new DatabaseSync(path, { readOnly: true })
  try {
    return Number(db.prepare(`SELECT count(*) AS n FROM log WHERE ${where}`).get()!.n)
  } finally {
    db.close()
  }
}

describe('sqlite storage', () => {
  it('reads never see a batch that has not committed yet', async () => {
    const s = open()
    await s.create('/k/a', val('a'))
    const rev = s.revision
    const pending = s.create('/k/b', val('b'))
    // Same tick: the write has run inside the open transaction, but is not committed.
    const reads = Promise.all([s.get('/k/b'), s.list('/k/'), s.count('/k/')])
    assert.equal(s.revision, rev)
    const [got, listed, count] = await reads
    assert.equal(got, undefined)
    assert.equal(listed.revision, rev)
    assert.equal(listed.items.length, 1)
    assert.equal(count, 1)
    const kv = await pending
    assert.deepEqual(await s.get('/k/b'), kv)
    await s.close()
  })

  it('reports throwing watch handlers to the logger', async () => {
    const logged: [string, any][] = []
    const s = open({ logger: (msg, fields) => logged.push([msg, fields]) })
    const boom = new Error('boom')
    s.watch('/w/', {
      fromRevision: 0,
      onEvent: () => {
        throw boom
      },
    })
    const kv = await s.create('/w/a', val('a'))
    assert.equal(logged.length, 1)
    assert.equal(logged[0][1].error, boom)
    assert.equal(logged[0][1].revision, kv.modRevision)
    await s.close()
  })

  it('a watch started from inside a handler gets no duplicates', async () => {
    const s = open()
    const inner: number[] = []
    const outer = s.watch('/n/', {
      fromRevision: 0,
      onEvent: (ev) => {
        if (inner.length > 0 || ev.key !== '/n/2') return
        // Replays the batch being dispatched (revisions 1..3), then must not get it again live.
        s.watch('/n/', { fromRevision: ev.revision - 1, onEvent: (e) => inner.push(e.revision) })
      },
    })
    await Promise.all([1, 2, 3].map((i) => s.create(`/n/${i}`, val(String(i)))))
    await s.create('/n/4', val('4'))
    assert.deepEqual(inner, [2, 3, 4])
    outer.cancel()
    await s.close()
  })

  it('a failing statement rolls back the whole batch and resets the revision', async () => {
    const path = dbPath()
    let s = SqliteStorage.open({ path, logger: () => {} })
    await s.create('/f/base', val('base'))
    await s.close()
    const db = new DatabaseSync(path)
    db.exec(`CREATE TRIGGER boom BEFORE INSERT ON log WHEN NEW.key = '/f/boom'
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END`)
    db.close()
    s = SqliteStorage.open({ path, logger: () => {} })
    const events: WatchEvent[] = []
    s.watch('/f/', { fromRevision: 0, onEvent: (ev) => events.push(ev) })
    const rev = s.revision
    const before = s.create('/f/x', val('x'))
    const boom = s.create('/f/boom', val('boom'))
    const afterInSameTick = s.create('/f/y', val('y')) // runs in a fresh batch after the rollback
    await rejectsWith(before, 'Unavailable')
    await rejectsWith(boom, 'Unavailable')
    const y = await afterInSameTick
    assert.equal(y.modRevision, rev + 1, 'revisions of the failed batch are reused')
    assert.equal(await s.get('/f/x'), undefined)
    assert.deepEqual(
      events.map((ev) => ev.key),
      ['/f/y'],
    )
    await s.close()
  })

  it('a failing COMMIT rejects the batch and leaves the store usable', async () => {
    const path = dbPath()
    let s = SqliteStorage.open({ path })
    await s.close()
    // A deferred foreign key is only checked at COMMIT: writing /c/boom makes the COMMIT fail.
    const db = new DatabaseSync(path)
    db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
             CREATE TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
             CREATE TRIGGER boom AFTER INSERT ON log WHEN NEW.key = '/c/boom'
             BEGIN INSERT INTO child VALUES (42); END`)
    db.close()
    const logged: string[] = []
    s = SqliteStorage.open({ path, logger: (msg) => logged.push(msg) })
    const a = s.create('/c/a', val('a'))
    const boom = s.create('/c/boom', val('boom'))
    await rejectsWith(a, 'Unavailable')
    await rejectsWith(boom, 'Unavailable')
    assert.ok(logged.includes('storage write batch rolled back'))
    assert.equal(s.revision, 0)
    assert.equal((await s.create('/c/a', val('a'))).modRevision, 1)
    assert.equal(await s.count('/c/'), 1)
    await s.close()
  })

  it('compacts automatically according to the retention policy and purges the log', async () => {
    const path = dbPath()
    const s = SqliteStorage.open({ path, historyRetention: { revisions: 10, ms: 0 }, compactionIntervalMs: 5 })
    for (let i = 0; i < 50; i++) await s.create(`/r/${i}`, val(String(i)))
    await waitFor(() => s.compactRevision === 40, 'auto compaction')
    await waitFor(() => logRows(path) === 10, 'log purge')
    assert.equal(logRows(path, 'rev <= 40'), 0)
    await s.close()
  })

  it('purges large histories in chunks and resumes an interrupted purge on open', async () => {
    const path = dbPath()
    let s = SqliteStorage.open({ path, compactionIntervalMs: 0 })
    const writes = []
    for (let i = 0; i < 12_000; i++) writes.push(s.create(`/p/${i}`, val(String(i))))
    await Promise.all(writes)
    await s.compact(11_000)
    await s.close() // before the background purge could run
    assert.equal(logRows(path), 12_000)
    s = SqliteStorage.open({ path, compactionIntervalMs: 0 })
    assert.equal(s.compactRevision, 11_000)
    await waitFor(() => logRows(path) === 1000, 'purge after reopen')
    assert.equal(await s.count('/p/'), 12_000)
    await s.close()
  })

  it('every acknowledged write survives SIGKILL, and revisions keep increasing', async () => {
    const path = dbPath()
    const fixture = join(import.meta.dirname, 'crash-writer.fixture.ts')
    let floor = 0
    for (const tag of ['first', 'second']) {
      const acked = await runAndKill(fixture, path, tag, 300)
      const s = SqliteStorage.open({ path })
      for (const [key, rev] of acked) {
        assert.ok(rev > floor, 'revisions increase across crashes')
        assert.equal((await s.get(key))?.modRevision, rev, `acknowledged ${key} survived`)
      }
      const maxAck = Math.max(...acked.values())
      assert.ok(s.revision >= maxAck)
      floor = (await s.create(`/crash/${tag}/after`, val('after'))).modRevision
      assert.ok(floor > maxAck)
      await s.close()
    }
  })

  it('rejects writes issued from inside build() without disturbing the outer write', async () => {
    const s = open()
    let inner: Promise<unknown> | undefined
    const outer = await s.create('/b/outer', (rev) => {
      inner = s.create('/b/inner', val('inner')).catch((err: Error) => err)
      return val('outer')(rev)
    })
    assert.match(String(await inner), /build\(\) callback/)
    assert.equal(outer.modRevision, s.revision)
    assert.equal(await s.get('/b/inner'), undefined)
    await s.close()
  })

  it('a throwing logger cannot break a commit', async () => {
    const s = open({
      logger: () => {
        throw new Error('logger down')
      },
    })
    s.watch('/l/', {
      fromRevision: 0,
      onEvent: () => {
        throw new Error('handler down')
      },
    })
    const kv = await s.create('/l/a', val('a'))
    assert.deepEqual(await s.get('/l/a'), kv)
    await s.close()
  })

  it('orders keys like SQLite, also beyond the BMP', async () => {
    const s = open()
    const names = ['a', 'z', '\u00e9', '\ue000', '\u{1F600}', '\uffff', '\u{10000}']
    for (const n of names) await s.create(`/u/${n}`, val(n))
    const rev = s.revision
    await s.delete('/u/\ue000') // force the snapshot merge path to compare keys in JS
    await s.update('/u/a', (await s.get('/u/a'))!.modRevision, val('a2'))
    const latest = (await s.list('/u/')).items.map((kv) => kv.key)
    const expected = names.map((n) => `/u/${n}`).sort(compareKeys)
    assert.deepEqual(
      latest,
      expected.filter((k) => k !== '/u/\ue000'),
    )
    assert.deepEqual(
      (await s.list('/u/', { revision: rev })).items.map((kv) => kv.key),
      expected,
    )
    await s.close()
  })

  it('prefixEnd bounds exactly the keys with the prefix', () => {
    assert.equal(prefixEnd('/a/b/'), '/a/b0')
    assert.equal(prefixEnd('/a/b'), '/a/c')
    assert.equal(prefixEnd('a\uffff'), 'b')
    assert.equal(prefixEnd(''), '\u{10FFFF}')
  })

  it('retention keeps whichever of revisions and time retains more', () => {
    const clock = new RetentionClock({ revisions: 100, ms: 60_000 }, 0, 0)
    clock.note(500, 10_000)
    clock.note(1000, 30_000)
    clock.note(5000, 80_000)
    assert.equal(clock.target(5000, 80_000), 500, 'time: revision 500 was committed by t=20s')
    assert.equal(clock.target(5000, 200_000), 4900, 'count: the last 100 revisions')
    const byCount = new RetentionClock({ revisions: 100, ms: 0 }, 0, 0)
    assert.equal(byCount.target(5000, 1), 4900)
  })
})

/** Runs the crash writer until it acknowledged `count` writes, SIGKILLs it, returns key → revision. */
async function runAndKill(fixture: string, path: string, tag: string, count: number): Promise<Map<string, number>> {
  const child = spawn(process.execPath, [fixture, path, tag], { stdio: ['ignore', 'pipe', 'inherit'] })
  const acked = new Map<string, number>()
  let buf = ''
  const exited = new Promise((resolve) => child.on('exit', resolve))
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    buf += chunk
    const lines = buf.split('\n')
    buf = lines.pop()! // a partial line was not fully acknowledged: ignore it
    for (const line of lines) {
      const [key, rev] = line.split(' ')
      if (key !== 'ready') acked.set(key, Number(rev))
    }
    if (acked.size >= count && child.exitCode === null) child.kill('SIGKILL')
  })
  await exited
  assert.ok(acked.size >= count, 'the child acknowledged writes before it was killed')
  return acked
}
