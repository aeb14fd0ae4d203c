// Conformance: compaction boundaries, persistence across restarts, group-commit behaviour and
// the closed state.

import assert from 'node:assert/strict'
import { describe } from 'node:test'
import type { KeyValue } from '../interface.ts'
import { type Backend, collect, rejectsWith, rng, storageTest, throwsWith, val, waitFor } from './harness.ts'
import { assertEvents, Model } from './model.ts'

export function lifecycleTests(b: Backend): void {
  describe('compaction', () => {
    storageTest(b, 'refuses reads below the compact revision and keeps those at or above it', async ({ store, p }) => {
      const model = new Model(() => store)
      const keys = Array.from({ length: 8 }, (_, i) => `${p}k${i}`)
      const revs = await model.randomRounds(keys, 20, 3, rng(1))
      const c = revs[30]
      await store.compact(c)
      assert.equal(store.compactRevision, c)

      const err = await rejectsWith(store.list(p, { revision: c - 1 }), 'Compacted')
      assert.equal(err.compactRevision, c)
      assert.equal(
        throwsWith(() => store.watch(p, { fromRevision: c - 1, onEvent() {} }), 'Compacted').compactRevision,
        c,
      )

      // The compact revision itself is still readable: snapshot at c, and watch events > c.
      assert.deepEqual((await store.list(p, { revision: c })).items, model.stateAt(p, c))
      assert.deepEqual((await store.list(p, { revision: revs[45] })).items, model.stateAt(p, revs[45]))
      const w = collect(store, p, c)
      const expected = model.eventsAfter(p, c)
      await waitFor(() => w.events.length >= expected.length, 'replay after compaction')
      assertEvents(w.events, expected, 'watch from the compact revision')
      w.cancel()

      await store.compact(c - 5) // older than the current compaction: nothing changes
      assert.equal(store.compactRevision, c)
      await rejectsWith(store.compact(store.revision + 10), 'FutureRevision')
      assert.deepEqual((await store.list(p)).items, model.stateAt(p, store.revision))
    })
  })

  describe('persistence', () => {
    storageTest(b, 'data, revision and compact revision survive a restart', async (ctx) => {
      const { p } = ctx
      const model = new Model(() => ctx.store)
      const keys = Array.from({ length: 10 }, (_, i) => `${p}k${i}`)
      const revs = await model.randomRounds(keys, 15, 4, rng(2))
      await ctx.store.compact(revs[20])
      const rev = ctx.store.revision
      const latest = await ctx.store.list(p)

      const store = await ctx.restart()
      assert.equal(store.revision, rev)
      assert.equal(store.compactRevision, revs[20])
      assert.deepEqual(await store.list(p), latest)
      assert.deepEqual((await store.list(p, { revision: revs[40] })).items, model.stateAt(p, revs[40]))
      const w = collect(store, p, revs[30])
      const next = await model.randomWrite(keys[0], rng(3))
      assert.ok(next > rev, 'revisions keep increasing after a restart')
      const expected = model.eventsAfter(p, revs[30])
      await waitFor(() => w.events.length >= expected.length, 'replay after restart')
      assertEvents(w.events, expected, 'watch after restart')
      w.cancel()
    })

    storageTest(b, 'compacting everything does not lose the revision counter', async (ctx) => {
      const kv = await ctx.store.create(`${ctx.p}a`, val('a'))
      const { deletedAt } = await ctx.store.delete(`${ctx.p}a`) // the newest revision is a delete
      await ctx.store.compact(deletedAt)
      const store = await ctx.restart()
      assert.equal(store.revision, deletedAt)
      assert.equal(store.compactRevision, deletedAt)
      assert.deepEqual((await store.list(ctx.p, { revision: deletedAt })).items, [])
      await rejectsWith(store.list(ctx.p, { revision: kv.modRevision }), 'Compacted')
      const again = await store.create(`${ctx.p}a`, val('again'))
      assert.ok(again.modRevision > deletedAt)
    })
  })

  describe('group commit', () => {
    storageTest(b, 'many writes issued in one tick all resolve, in call order', async ({ store, p }) => {
      const seenAtDispatch: [number, number][] = []
      store.watch(p, { fromRevision: 0, onEvent: (ev) => seenAtDispatch.push([ev.revision, store.revision]) })
      const writes: Promise<KeyValue>[] = []
      for (let i = 0; i < 200; i++) writes.push(store.create(`${p}k${String(i).padStart(3, '0')}`, val(String(i))))
      // Same tick: checks see the earlier pending writes.
      const dup = store.create(`${p}k000`, val('dup'))
      const del = store.delete(`${p}k001`)
      const kvs = await Promise.all(writes)
      await rejectsWith(dup, 'KeyExists')
      const { deletedAt } = await del
      for (let i = 1; i < kvs.length; i++) assert.ok(kvs[i].modRevision > kvs[i - 1].modRevision, 'call order')
      assert.ok(deletedAt > kvs[kvs.length - 1].modRevision)
      assert.equal(await store.count(p), 199)
      await waitFor(() => seenAtDispatch.length === 201, 'events')
      for (const [rev, committed] of seenAtDispatch) assert.ok(committed >= rev, 'events follow the commit')
      assert.deepEqual(
        seenAtDispatch.map(([rev]) => rev),
        [...kvs.map((kv) => kv.modRevision), deletedAt],
      )
    })

    storageTest(b, 'an acknowledged write is visible to every later read', async ({ store, p }) => {
      for (let i = 0; i < 20; i++) {
        const kv = await store.create(`${p}k${i}`, val(String(i)))
        assert.ok(store.revision >= kv.modRevision)
        assert.deepEqual(await store.get(kv.key), kv)
        const listed = await store.list(p)
        assert.ok(listed.revision >= kv.modRevision)
        assert.equal(listed.items.length, i + 1)
      }
    })
  })

  describe('close', () => {
    storageTest(b, 'close flushes pending writes; later calls fail with Closed', async ({ store, p }) => {
      const pending = store.create(`${p}a`, val('a'))
      await store.close()
      assert.equal((await pending).key, `${p}a`)
      await store.close() // idempotent
      await rejectsWith(store.get(`${p}a`), 'Closed')
      await rejectsWith(store.list(p), 'Closed')
      await rejectsWith(store.count(p), 'Closed')
      await rejectsWith(store.create(`${p}b`, val('b')), 'Closed')
      await rejectsWith(store.update(`${p}a`, 1, val('b')), 'Closed')
      await rejectsWith(store.delete(`${p}a`), 'Closed')
      await rejectsWith(store.compact(1), 'Closed')
      throwsWith(() => store.watch(p, { fromRevision: 0, onEvent() {} }), 'Closed')
    })
  })
}
