import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createLogger } from '../../../log/logger.ts'
import { FakeClock } from '../../../util/clock.ts'
import type { ControllerContext } from '../../manager.ts'
import { ControllerRuntime } from './runtime.ts'

function runtime(clock: FakeClock, synced: string[]): ControllerRuntime {
  // No informers: start() only waits for none and opens the queue.
  const ctx = { client: undefined, log: createLogger({ level: 'error' }), clock } as unknown as ControllerContext
  return new ControllerRuntime(ctx, async (key) => {
    synced.push(key)
  })
}

test('a requeue due at a time the clock has already passed runs at once', async () => {
  const clock = new FakeClock()
  const synced: string[] = []
  const rt = runtime(clock, synced)
  await rt.start()
  // A sync looked at the clock, then the clock jumped while it awaited its writes.
  const syncedAt = clock.now()
  await clock.advance(60_000)
  rt.enqueueAt('ns/late', syncedAt + 30_000)
  rt.enqueueAt('ns/later', syncedAt + 90_000)
  await clock.advance(0)
  await rt.idle()
  assert.deepEqual(synced, ['ns/late'])
  await clock.advance(30_000)
  await rt.idle()
  assert.deepEqual(synced, ['ns/late', 'ns/later'])
  // enqueueAfter keeps its meaning: relative to now.
  rt.enqueueAfter('ns/after', 10_000)
  await clock.advance(9_999)
  await rt.idle()
  assert.equal(synced.includes('ns/after'), false)
  await clock.advance(1)
  await rt.idle()
  assert.equal(synced.at(-1), 'ns/after')
  rt.stop()
})
