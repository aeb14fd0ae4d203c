import assert from 'node:assert/strict'
import { it } from 'node:test'
import { FakeClock } from '../../util/clock.ts'
import { Deadlines } from './deadlines.ts'

it('fires keys in deadline order, replacing earlier settings', async () => {
  const clock = new FakeClock(0)
  const fired: string[] = []
  const d = new Deadlines(clock, (k) => fired.push(`${k}@${clock.now()}`))
  d.set('a', 300)
  d.set('b', 100)
  d.set('c', 200)
  d.set('c', 500)
  d.set('b', Number.POSITIVE_INFINITY)
  await clock.advance(1000)
  assert.deepEqual(fired, ['a@300', 'c@500'])
  assert.equal(d.size, 0)
  d.stop()
})

it('fires due keys without the clock moving', async () => {
  const clock = new FakeClock(1000)
  const fired: string[] = []
  const d = new Deadlines(clock, (k) => fired.push(k))
  d.set('now', 1000)
  d.set('past', 10)
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(fired.sort(), ['now', 'past'])
  d.stop()
})

it('handles many keys with one timer', async () => {
  const clock = new FakeClock(0)
  let count = 0
  const d = new Deadlines(clock, () => count++)
  for (let i = 0; i < 10_000; i++) d.set(`k${i}`, 1 + (i % 977))
  for (let i = 0; i < 10_000; i += 2) d.set(`k${i}`, 5000)
  await clock.advance(1000)
  assert.equal(count, 5000)
  await clock.advance(5000)
  assert.equal(count, 10_000)
  d.stop()
})

it('with a granularity, wakes on its multiples and fires every key due by then together', async () => {
  const clock = new FakeClock(1000)
  const fired: string[] = []
  const d = new Deadlines(clock, (k) => fired.push(`${k}@${clock.now()}`), { granularityMs: 100 })
  d.set('a', 1010)
  d.set('b', 1099)
  d.set('c', 1100)
  d.set('d', 1101)
  await clock.advance(99)
  assert.deepEqual(fired, [])
  await clock.advance(1)
  assert.deepEqual(fired, ['a@1100', 'b@1100', 'c@1100'])
  await clock.advance(100)
  assert.deepEqual(fired, ['a@1100', 'b@1100', 'c@1100', 'd@1200'])
  d.set('now', 1200) // due already: fires on the next turn, not at the next multiple
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(fired.at(-1), 'now@1200')
  d.stop()
})
