import assert from 'node:assert/strict'
import { it } from 'node:test'
import { Backoff } from './backoff.ts'

it('grows exponentially to the cap, with bounded jitter, and resets after a stable connection', () => {
  const mid = new Backoff({ initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2, stableAfterMs: 10_000 }, () => 0.5)
  assert.deepEqual(
    Array.from({ length: 9 }, () => mid.next()),
    [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  )
  mid.connectionEnded(2_000) // short-lived: keeps backing off
  assert.equal(mid.next(), 30_000)
  mid.connectionEnded(10_000)
  assert.equal(mid.next(), 500)
  const low = new Backoff({ jitter: 0.2 }, () => 0)
  const high = new Backoff({ jitter: 0.2 }, () => 0.999999)
  assert.equal(low.next(), 400)
  assert.equal(high.next(), 600)
})
