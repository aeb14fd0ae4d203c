// Conformance: single-key operations, error codes, compare-and-swap and revision numbering.

import assert from 'node:assert/strict'
import { describe } from 'node:test'
import { type Backend, rejectsWith, storageTest, val } from './harness.ts'

export function crudTests(b: Backend): void {
  describe('crud', () => {
    storageTest(b, 'create builds the value with the revision the write gets', async ({ store, p }) => {
      const before = store.revision
      let seen = 0
      const kv = await store.create(`${p}a`, (rev) => {
        seen = rev
        return `value@${rev}`
      })
      assert.ok(kv.modRevision > before)
      assert.equal(kv.modRevision, seen)
      assert.equal(kv.createRevision, kv.modRevision)
      assert.equal(kv.value, `value@${seen}`)
      assert.ok(store.revision >= kv.modRevision, 'revision covers the acknowledged write')
      assert.deepEqual(await store.get(`${p}a`), kv)
      assert.equal(await store.get(`${p}missing`), undefined)
    })

    storageTest(b, 'create of an existing key fails with KeyExists and changes nothing', async ({ store, p }) => {
      const kv = await store.create(`${p}a`, val('one'))
      const rev = store.revision
      await rejectsWith(store.create(`${p}a`, val('two')), 'KeyExists')
      assert.deepEqual(await store.get(`${p}a`), kv)
      assert.equal(store.revision, rev, 'a failed write does not advance the revision')
    })

    storageTest(b, 'update is a compare-and-swap on modRevision', async ({ store, p }) => {
      const v1 = await store.create(`${p}a`, val('v1'))
      const v2 = await store.update(`${p}a`, v1.modRevision, val('v2'))
      assert.ok(v2.modRevision > v1.modRevision)
      assert.equal(v2.createRevision, v1.createRevision)
      assert.equal(v2.value, val('v2')(v2.modRevision))
      const conflict = await rejectsWith(store.update(`${p}a`, v1.modRevision, val('stale')), 'Conflict')
      assert.deepEqual(conflict.current, v2, 'Conflict carries the current value')
      assert.deepEqual(await store.get(`${p}a`), v2)
      await rejectsWith(store.update(`${p}missing`, 1, val('x')), 'KeyNotFound')
    })

    storageTest(b, 'delete returns prev and deletedAt, with optional CAS', async ({ store, p }) => {
      const v1 = await store.create(`${p}a`, val('v1'))
      const conflict = await rejectsWith(store.delete(`${p}a`, v1.modRevision + 1000), 'Conflict')
      assert.deepEqual(conflict.current, v1)
      assert.deepEqual(await store.get(`${p}a`), v1, 'a failed CAS delete keeps the key')
      const { prev, deletedAt } = await store.delete(`${p}a`, v1.modRevision)
      assert.deepEqual(prev, v1)
      assert.ok(deletedAt > v1.modRevision)
      assert.ok(store.revision >= deletedAt)
      assert.equal(await store.get(`${p}a`), undefined)
      await rejectsWith(store.delete(`${p}a`), 'KeyNotFound')
      await rejectsWith(store.update(`${p}a`, v1.modRevision, val('x')), 'KeyNotFound')

      const again = await store.create(`${p}a`, val('again'))
      assert.ok(again.createRevision > deletedAt, 're-creation starts a new life of the key')
      const unconditional = await store.delete(`${p}a`)
      assert.deepEqual(unconditional.prev, again)
    })

    storageTest(b, 'a throwing build() fails only its own write', async ({ store, p }) => {
      const boom = new Error('boom')
      const results = await Promise.allSettled([
        store.create(`${p}a`, val('a')),
        store.create(`${p}b`, () => {
          throw boom
        }),
        store.create(`${p}c`, val('c')),
      ])
      assert.equal(results[0].status, 'fulfilled')
      assert.deepEqual(results[1], { status: 'rejected', reason: boom })
      assert.equal(results[2].status, 'fulfilled')
      assert.equal(await store.get(`${p}b`), undefined)
      assert.equal(await store.count(p), 2)
    })

    storageTest(b, 'every write advances the revision strictly', async ({ store, p }) => {
      let last = store.revision
      let kv = await store.create(`${p}k`, val('0'))
      const revs = [kv.modRevision]
      for (let i = 1; i < 20; i++) {
        if (i % 5 === 0) {
          revs.push((await store.delete(`${p}k`)).deletedAt)
          kv = await store.create(`${p}k`, val(String(i)))
          revs.push(kv.modRevision)
        } else {
          kv = await store.update(`${p}k`, kv.modRevision, val(String(i)))
          revs.push(kv.modRevision)
        }
      }
      for (const rev of revs) {
        assert.ok(rev > last, `revision ${rev} follows ${last}`)
        last = rev
      }
      assert.ok(store.revision >= last)
    })

    storageTest(b, 'count counts the keys under a prefix', async ({ store, p }) => {
      assert.equal(await store.count(p), 0)
      await Promise.all([1, 2, 3].map((i) => store.create(`${p}x/${i}`, val('x'))))
      await store.create(`${p}xy`, val('xy'))
      await store.create(`${p}y/1`, val('y'))
      assert.equal(await store.count(`${p}x/`), 3)
      assert.equal(await store.count(`${p}x`), 4)
      assert.equal(await store.count(p), 5)
      await store.delete(`${p}x/2`)
      assert.equal(await store.count(`${p}x/`), 2)
    })
  })
}
