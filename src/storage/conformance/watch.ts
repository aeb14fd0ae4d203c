// Conformance: watch replay + live delivery (no gap, no duplicate, revision order), prefix
// isolation, cancellation and robustness against a throwing handler.

import assert from 'node:assert/strict'
import { describe } from 'node:test'
import type { WatchEvent } from '../interface.ts'
import { type Backend, type Collector, collect, rng, storageTest, val, waitFor } from './harness.ts'
import { assertEvents, Model } from './model.ts'

export function watchTests(b: Backend): void {
  describe('watch', () => {
    storageTest(b, 'replays history then streams live writes, with no gap or duplicate', async ({ store, p }) => {
      const model = new Model(() => store)
      const rnd = rng(3)
      const keys = ['a/', 'b/', 'ab/'].flatMap((dir) => Array.from({ length: 12 }, (_, i) => `${p}${dir}k${i}`))
      const watchers: { prefix: string; from: number; revAtCall: number; c: Collector }[] = []
      const start = (prefix: string, from: number) =>
        watchers.push({ prefix, from, revAtCall: store.revision, c: collect(store, prefix, from) })

      const origin = store.revision
      start(p, origin)
      start(`${p}a/`, 0)
      const firstRevs = await model.randomRounds(keys, 40, 5, rnd) // 200 writes
      start(`${p}a/`, firstRevs[50]) // replay of 150 writes, then live
      start(p, firstRevs[10])
      start(`${p}b/`, origin)
      // Watchers starting while writes are in flight, from the last acknowledged revision.
      const inflight = model.randomRounds(keys, 80, 5, rnd) // 400 more writes
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 1))
        start(i % 2 ? `${p}ab/` : p, store.revision)
        start(`${p}b/`, 0)
      }
      await inflight
      await model.randomRounds(keys, 80, 5, rnd) // 400 more: 1,000 in total

      for (const w of watchers) {
        // fromRevision 0 means "after the call": the first event tells where that was.
        const from = w.from === 0 ? (w.c.events[0]?.revision ?? store.revision + 1) - 1 : w.from
        assert.ok(w.from !== 0 || from >= w.revAtCall, 'fromRevision 0 delivers no write acknowledged before the call')
        const expected = model.eventsAfter(w.prefix, from)
        await waitFor(() => w.c.events.length >= expected.length, `${expected.length} events on ${w.prefix}`)
        assertEvents(w.c.events, expected, `watch ${w.prefix} from ${w.from}`)
        w.c.cancel()
      }
    })

    storageTest(b, 'events carry the new and the previous value', async ({ store, p }) => {
      const c = collect(store, p, store.revision)
      const v1 = await store.create(`${p}k`, val('1'))
      const v2 = await store.update(`${p}k`, v1.modRevision, val('2'))
      const { deletedAt } = await store.delete(`${p}k`)
      await waitFor(() => c.events.length === 3, '3 events')
      assertEvents(
        c.events,
        [
          { type: 'PUT', key: `${p}k`, revision: v1.modRevision, value: v1 },
          { type: 'PUT', key: `${p}k`, revision: v2.modRevision, value: v2, prevValue: v1 },
          { type: 'DELETE', key: `${p}k`, revision: deletedAt, prevValue: v2 },
        ],
        'events',
      )
    })

    storageTest(b, 'prefixes are isolated (/a/b/ vs /a/bc)', async ({ store, p }) => {
      const c = collect(store, `${p}a/b/`, 0)
      for (const k of ['a/b', 'a/bc', 'a/bc/1', 'a/b/1', 'a/b0', 'a/b/2']) await store.create(`${p}${k}`, val(k))
      const replay = collect(store, `${p}a/b/`, 1)
      await waitFor(() => c.events.length >= 2 && replay.events.length >= 2, 'events')
      await new Promise((r) => setTimeout(r, 20))
      for (const evs of [c.events, replay.events]) {
        assert.deepEqual(
          evs.map((ev) => ev.key),
          [`${p}a/b/1`, `${p}a/b/2`],
        )
      }
    })

    storageTest(b, 'fromRevision 0 and future revisions deliver only later events', async ({ store, p }) => {
      await store.create(`${p}old`, val('old'))
      const now = collect(store, p, 0)
      const future = collect(store, p, store.revision + 2)
      const revs: number[] = []
      for (let i = 0; i < 4; i++) revs.push((await store.create(`${p}new${i}`, val('n'))).modRevision)
      await waitFor(() => now.events.length === 4 && future.events.length === 2, 'events')
      assert.deepEqual(
        now.events.map((ev) => ev.revision),
        revs,
      )
      assert.deepEqual(
        future.events.map((ev) => ev.revision),
        revs.slice(2),
      )
    })

    storageTest(b, 'cancel stops delivery and can be called twice', async ({ store, p }) => {
      const c = collect(store, p, 0)
      const other = collect(store, p, 0)
      await store.create(`${p}a`, val('a'))
      await waitFor(() => c.events.length === 1 && other.events.length === 1, 'first event')
      c.cancel()
      c.cancel()
      await store.create(`${p}b`, val('b'))
      await waitFor(() => other.events.length === 2, 'second event')
      await new Promise((r) => setTimeout(r, 20))
      assert.equal(c.events.length, 1)
    })

    storageTest(b, 'a throwing watcher does not break the others', async ({ store, p }) => {
      let calls = 0
      const bad = store.watch(p, {
        fromRevision: 0,
        onEvent: () => {
          calls++
          throw new Error('handler failure (expected by the test)')
        },
      })
      const before = collect(store, p, 0)
      const writes = await Promise.all([1, 2, 3].map((i) => store.create(`${p}k${i}`, val(String(i)))))
      const after = collect(store, p, 0)
      await store.create(`${p}k4`, val('4'))
      await waitFor(() => before.events.length === 4 && after.events.length === 1, 'events')
      assert.deepEqual(
        before.events.slice(0, 3).map((ev: WatchEvent) => ev.revision),
        writes.map((kv) => kv.modRevision),
      )
      assert.ok(calls >= 1)
      bad.cancel()
    })

    storageTest(b, 'many watchers on different prefixes each get their own events', async ({ store, p }) => {
      const prefixes = Array.from({ length: 50 }, (_, i) => `${p}r${i}/`)
      const cs = prefixes.map((pre) => collect(store, pre, 0))
      const all = collect(store, p, 0)
      const rnd = rng(5)
      const writes = Array.from({ length: 300 }, (_, i) => `${prefixes[Math.floor(rnd() * 50)]}o${i}`)
      await Promise.all(writes.map((k) => store.create(k, val('x'))))
      await waitFor(() => all.events.length === writes.length, 'all events')
      prefixes.forEach((pre, i) => {
        assert.deepEqual(
          cs[i].events.map((ev) => ev.key),
          writes.filter((k) => k.startsWith(pre)),
        )
      })
    })
  })
}
