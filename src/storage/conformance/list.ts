// Conformance: ordered lists, paging (startKey/limit/more/remaining), prefix isolation and
// snapshot lists at past revisions while writes continue.

import assert from 'node:assert/strict'
import { describe } from 'node:test'
import type { KeyValue, ListResult, Storage } from '../interface.ts'
import { type Backend, rejectsWith, rng, storageTest, val } from './harness.ts'
import { Model } from './model.ts'

/** Reads a whole prefix page by page, the way continue tokens do; checks more/remaining on the way. */
async function pageAll(
  store: Storage,
  prefix: string,
  limit: number,
  revision: number,
  between?: () => Promise<void>,
  total?: number,
): Promise<{ items: KeyValue[]; pages: ListResult[] }> {
  const items: KeyValue[] = []
  const pages: ListResult[] = []
  let startKey: string | undefined
  for (;;) {
    const page = await store.list(prefix, { startKey, limit, revision })
    pages.push(page)
    items.push(...page.items)
    assert.ok(page.items.length <= limit)
    if (!page.more) {
      assert.equal(page.remaining, 0)
      return { items, pages }
    }
    assert.equal(page.items.length, limit, 'a page with more=true is full')
    if (total !== undefined) assert.equal(page.remaining, total - items.length, `remaining after ${items.length} items`)
    startKey = `${page.items[page.items.length - 1].key}\u0000`
    await between?.()
  }
}

export function listTests(b: Backend): void {
  describe('list', () => {
    storageTest(b, 'lists a prefix in key order at the latest revision', async ({ store, p }) => {
      const names = ['m', 'a', 'z', 'b/1', 'b/0', 'B', '0', 'aa']
      for (const n of names) await store.create(`${p}${n}`, val(n))
      const res = await store.list(p)
      assert.deepEqual(
        res.items.map((kv) => kv.key),
        names.map((n) => `${p}${n}`).sort(),
      )
      assert.equal(res.revision, store.revision)
      assert.equal(res.more, false)
      assert.equal(res.remaining, 0)
      assert.deepEqual(res.items[0], await store.get(res.items[0].key))
      assert.deepEqual((await store.list(`${p}nothing/`)).items, [])
    })

    storageTest(b, 'pages with startKey and limit, reporting more and remaining', async ({ store, p }) => {
      const keys = Array.from({ length: 25 }, (_, i) => `${p}k${String(i).padStart(2, '0')}`)
      await Promise.all(keys.map((k) => store.create(k, val(k))))
      const { items, pages } = await pageAll(store, p, 7, 0)
      assert.deepEqual(
        items.map((kv) => kv.key),
        keys,
      )
      assert.deepEqual(
        pages.map((pg) => [pg.items.length, pg.more, pg.remaining]),
        [
          [7, true, 18],
          [7, true, 11],
          [7, true, 4],
          [4, false, 0],
        ],
      )
      assert.equal((await store.list(p, { limit: 25 })).more, false, 'exact fit: no more')
      assert.equal((await store.list(p, { limit: 0 })).items.length, 25, 'limit 0 = all')
      const from = await store.list(p, { startKey: keys[10], limit: 3 })
      assert.deepEqual(
        from.items.map((kv) => kv.key),
        keys.slice(10, 13),
      )
      assert.equal(from.remaining, 12)
      assert.equal((await store.list(p, { startKey: '/' })).items.length, 25, 'startKey before prefix')
      assert.equal((await store.list(p, { startKey: `${p}zzz` })).items.length, 0, 'startKey after all keys')
    })

    storageTest(b, 'prefixes are isolated (/a/b/ vs /a/bc)', async ({ store, p }) => {
      for (const k of ['a/b', 'a/b/1', 'a/b/2', 'a/bc', 'a/bc/1', 'a/b0', 'a/a/1', 'a/c/1']) {
        await store.create(`${p}${k}`, val(k))
      }
      const res = await store.list(`${p}a/b/`)
      assert.deepEqual(
        res.items.map((kv) => kv.key),
        [`${p}a/b/1`, `${p}a/b/2`],
      )
      assert.equal(await store.count(`${p}a/b/`), 2)
      assert.equal(await store.count(`${p}a/b`), 6)
      assert.equal((await store.list(`${p}a/bc`)).items.length, 2)
    })

    storageTest(b, 'rejects a future revision', async ({ store, p }) => {
      await store.create(`${p}a`, val('a'))
      await rejectsWith(store.list(p, { revision: store.revision + 1 }), 'FutureRevision')
    })

    storageTest(b, 'snapshot lists return the state at past revisions', async (ctx) => {
      const { store, p } = ctx
      const model = new Model(() => store)
      const rnd = rng(7)
      const keys = Array.from({ length: 30 }, (_, i) => `${p}obj/k${String(i).padStart(2, '0')}`)
      const start = store.revision
      const revs = await model.randomRounds(keys, 60, 5, rnd)
      const latest = store.revision
      // Every revision in range, including revisions of deletes and re-creations.
      for (let rev = Math.max(1, start); rev <= latest; rev += 1 + Math.floor(rnd() * 4)) {
        const res = await store.list(`${p}obj/`, { revision: rev })
        assert.equal(res.revision, rev)
        assert.deepEqual(res.items, model.stateAt(`${p}obj/`, rev), `state at revision ${rev}`)
      }
      // Paging through a snapshot gives the same result, with remaining counted at that revision.
      for (const rev of [revs[0], revs[Math.floor(revs.length / 3)], revs[Math.floor(revs.length / 2)], latest - 1]) {
        const expected = model.stateAt(`${p}obj/`, rev)
        const { items } = await pageAll(store, `${p}obj/`, 4, rev, undefined, expected.length)
        assert.deepEqual(items, expected, `paged state at revision ${rev}`)
      }
    })

    storageTest(b, 'paging a snapshot is consistent under concurrent writes', async ({ store, p }) => {
      const model = new Model(() => store)
      const rnd = rng(11)
      const keys = Array.from({ length: 50 }, (_, i) => `${p}k${String(i).padStart(3, '0')}`)
      for (const k of keys.slice(0, 40)) await model.create(k)
      const rev = store.revision
      const expected = model.stateAt(p, rev)
      // Between pages: update, delete and re-create keys on later pages, create keys between them.
      const between = async () => {
        await model.randomRounds(keys, 3, 4, rnd)
        await Promise.all([0, 1].map(() => store.create(`${p}k${Math.floor(rnd() * 1e6)}x`, val('new'))))
      }
      const { items } = await pageAll(store, p, 6, rev, between, expected.length)
      assert.deepEqual(items, expected)
      const latest = await store.list(p)
      assert.notDeepEqual(latest.items, expected, 'the writes did change the latest state')
    })
  })
}
