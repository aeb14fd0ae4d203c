import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FakeClock } from '../../util/clock.ts'
import {
  type HealthRecord,
  healthView,
  mergeConditions,
  type ProbeOutcome,
  recordProbe,
  versionCondition,
} from './conditions.ts'

const GRACE = 40_000
const OK: ProbeOutcome = { ok: true, path: '/readyz' }
const DOWN: ProbeOutcome = { ok: false, reason: 'Unreachable', message: 'connect ECONNREFUSED 10.0.0.1:6443' }
const DENIED: ProbeOutcome = { ok: false, reason: 'Unauthorized', message: 'rejected' }

/** Runs checks every 10 s of fake time and returns the view after each. */
async function timeline(outcomes: ProbeOutcome[], start: HealthRecord = { connectedOnce: false }) {
  const clock = new FakeClock()
  let h = start
  const views: string[] = []
  for (const o of outcomes) {
    await clock.advance(10_000)
    h = recordProbe(h, o, clock.now())
    const v = healthView(h, clock.now(), GRACE)
    views.push(`${v.phase}/${v.ready.status}/${v.ready.reason}`)
  }
  return views
}

describe('cluster phase and Ready condition', () => {
  it('is Pending with Ready Unknown before the first check', () => {
    const v = healthView({ connectedOnce: false }, 0, GRACE)
    assert.equal(v.phase, 'Pending')
    assert.equal(v.ready.status, 'Unknown')
  })

  it('is Pending with the failure reason until the first success, then Running', async () => {
    assert.deepEqual(await timeline([DOWN, DOWN, OK]), [
      'Pending/False/Unreachable',
      'Pending/False/Unreachable',
      'Running/True/ClusterReady',
    ])
  })

  it('stays Running through failures shorter than the grace period, then is Disconnected (Unknown)', async () => {
    // Success at 10 s; failures at 20..60 s: 50 s - 10 s = 40 s without success at 50 s.
    assert.deepEqual(await timeline([OK, DOWN, DOWN, DOWN, DOWN, DOWN, OK]), [
      'Running/True/ClusterReady',
      'Running/True/ClusterReady',
      'Running/True/ClusterReady',
      'Running/True/ClusterReady',
      'Disconnected/Unknown/Unreachable',
      'Disconnected/Unknown/Unreachable',
      'Running/True/ClusterReady',
    ])
  })

  it('says how long it waited and the last error when Disconnected', () => {
    const h = recordProbe({ connectedOnce: true, lastSuccessAt: 0 }, DOWN, 50_000)
    const v = healthView(h, 50_000, GRACE)
    assert.equal(
      v.ready.message,
      'no successful health check for the grace period (40s); last error: connect ECONNREFUSED 10.0.0.1:6443',
    )
  })

  it('is Failed at once when the member rejects the credential, whatever came before', async () => {
    assert.deepEqual(await timeline([OK, DENIED, OK]), [
      'Running/True/ClusterReady',
      'Failed/False/Unauthorized',
      'Running/True/ClusterReady',
    ])
  })

  it('a restarted hub gives a member that was Running a fresh grace period', () => {
    const h = recordProbe({ connectedOnce: true, lastSuccessAt: 1_000 }, DOWN, 11_000)
    assert.equal(healthView(h, 11_000, GRACE).phase, 'Running')
    assert.equal(healthView(h, 41_000, GRACE).phase, 'Disconnected')
  })
})

describe('VersionSupported', () => {
  it('is True within v1.24–v1.34 and False outside or when unreadable', () => {
    assert.equal(versionCondition('v1.24.0').status, 'True')
    assert.equal(versionCondition('v1.34.2+k3s1').status, 'True')
    assert.equal(versionCondition('v1.23.17').reason, 'UnsupportedVersion')
    assert.equal(versionCondition('v1.35.0').status, 'False')
    assert.equal(versionCondition('v2.0.0').status, 'False')
    assert.equal(versionCondition('banana').reason, 'UnknownVersion')
  })
})

describe('mergeConditions', () => {
  it('keeps lastTransitionTime while the status is unchanged, even when the reason changes', () => {
    const stored = [
      {
        type: 'Ready',
        status: 'False' as const,
        reason: 'Unreachable',
        message: 'a',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ]
    const now = Date.parse('2026-01-01T00:10:00Z')
    const same = mergeConditions(stored, [{ type: 'Ready', status: 'False', reason: 'NotReady', message: 'b' }], now)
    assert.equal(same[0].lastTransitionTime, '2026-01-01T00:00:00Z')
    const flipped = mergeConditions(
      stored,
      [{ type: 'Ready', status: 'True', reason: 'ClusterReady', message: '' }],
      now,
    )
    assert.equal(flipped[0].lastTransitionTime, '2026-01-01T00:10:00Z')
  })
})
