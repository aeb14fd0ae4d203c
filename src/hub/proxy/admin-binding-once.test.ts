import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { httpsAgentFor } from '../../client/rest-config.ts'
import { silentLogger } from '../../log/logger.ts'
import { StatusError } from '../../machinery/errors.ts'
import { FakeClock } from '../../util/clock.ts'
import type { MemberEndpoint } from '../members/directory.ts'
import { ADMIN_BINDING_RETRY_MAX_MS, ADMIN_BINDING_RETRY_MS, AdminBindingOnce } from './admin-binding-once.ts'

function endpoint(): MemberEndpoint {
  const config = { server: 'https://127.0.0.1:1' }
  return { cluster: 'm', server: config.server, agent: httpsAgentFor(config), authHeaders: {}, config }
}

const cluster = async () => ({ apiVersion: 'platform.flotilla.dev/v1alpha1', kind: 'Cluster', metadata: { name: 'm' } })

describe('AdminBindingOnce', () => {
  it('backs off after each failure, doubling up to the cap, and stops once it succeeds', async () => {
    const clock = new FakeClock()
    const attempts: number[] = []
    let fail = true
    const once = new AdminBindingOnce({
      log: silentLogger,
      clock,
      ensureBinding: async () => {
        attempts.push(clock.now())
        if (fail) throw new StatusError(403, 'Forbidden', 'may not bind cluster-admin')
        return 'created'
      },
    })
    const ep = endpoint()
    const start = clock.now()
    // A request every second for two hours: attempts only when each backoff has passed.
    for (let s = 0; s < 7200; s++) {
      await once.ensure(ep, cluster)
      await clock.advance(1000)
    }
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i])
    const expected = [1, 2, 4, 8, 16, 32, 60, 60].map((m) =>
      Math.min(ADMIN_BINDING_RETRY_MAX_MS, m * ADMIN_BINDING_RETRY_MS),
    )
    assert.deepEqual(gaps.slice(0, expected.length), expected)
    assert.ok(gaps.every((g) => g <= ADMIN_BINDING_RETRY_MAX_MS))
    assert.equal(attempts[0], start)
    // Once the member allows it: one more attempt at the next due time, then never again.
    fail = false
    await clock.advance(ADMIN_BINDING_RETRY_MAX_MS)
    await once.ensure(ep, cluster)
    const done = attempts.length
    for (let s = 0; s < 100; s++) {
      await once.ensure(ep, cluster)
      await clock.advance(ADMIN_BINDING_RETRY_MAX_MS)
    }
    assert.equal(attempts.length, done)
  })

  it('shares one attempt among concurrent first requests, and checks a new endpoint again', async () => {
    let calls = 0
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const once = new AdminBindingOnce({
      log: silentLogger,
      clock: new FakeClock(),
      ensureBinding: async () => {
        calls++
        await gate
        return 'unchanged'
      },
    })
    const ep = endpoint()
    const all = Promise.all([once.ensure(ep, cluster), once.ensure(ep, cluster), once.ensure(ep, cluster)])
    await new Promise((r) => setImmediate(r))
    release()
    await all
    assert.equal(calls, 1)
    await once.ensure(endpoint(), cluster)
    assert.equal(calls, 2)
  })

  it('leaves a Cluster that opts out alone', async () => {
    let calls = 0
    const once = new AdminBindingOnce({
      log: silentLogger,
      clock: new FakeClock(),
      ensureBinding: async () => {
        calls++
        return 'created'
      },
    })
    await once.ensure(endpoint(), async () => ({
      apiVersion: 'platform.flotilla.dev/v1alpha1',
      kind: 'Cluster',
      metadata: { name: 'm', annotations: { 'platform.flotilla.dev/hub-admin-access': 'false' } },
    }))
    assert.equal(calls, 0)
  })
})
