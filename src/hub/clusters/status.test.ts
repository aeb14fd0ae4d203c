import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readyCondition } from './conditions.ts'
import { desiredStatus, shouldWrite, stampProbeTime } from './status.ts'

const T0 = Date.parse('2026-01-01T00:00:00Z')
const running = { phase: 'Running' as const, ready: readyCondition('True', 'ClusterReady', 'ok') }

describe('cluster status composition', () => {
  it('writes once, then not again until something changes or the heartbeat is due', () => {
    const first = stampProbeTime(desiredStatus({}, { view: running, kubernetesVersion: 'v1.31.4' }, T0), T0)
    assert.equal(first.phase, 'Running')
    assert.equal(first.kubernetesVersion, 'v1.31.4')
    const again = desiredStatus(first, { view: running, kubernetesVersion: 'v1.31.4' }, T0 + 10_000)
    assert.equal(shouldWrite(first, again, T0 + 10_000, 300_000), false)
    assert.equal(shouldWrite(first, again, T0 + 300_000, 300_000), true)
    const changed = desiredStatus(first, { view: running, nodeSummary: { totalNum: 3, readyNum: 2 } }, T0 + 10_000)
    assert.equal(shouldWrite(first, changed, T0 + 10_000, 300_000), true)
  })

  it('keeps what it cannot refresh: version condition and summaries of an unreachable member', () => {
    const stored = desiredStatus(
      {},
      { view: running, kubernetesVersion: 'v1.31.4', nodeSummary: { totalNum: 3, readyNum: 3 } },
      T0,
    )
    const down = desiredStatus(
      stored,
      { view: { phase: 'Disconnected', ready: readyCondition('Unknown', 'Unreachable', 'x') } },
      T0 + 60_000,
    )
    assert.equal(down.phase, 'Disconnected')
    assert.deepEqual(down.nodeSummary, { totalNum: 3, readyNum: 3 })
    assert.equal(down.kubernetesVersion, 'v1.31.4')
    const types = (down.conditions as { type: string }[]).map((c) => c.type)
    assert.deepEqual(types, ['Ready', 'VersionSupported'])
  })

  it('before the first check keeps a stored phase and otherwise says Pending', () => {
    assert.equal(desiredStatus({}, {}, T0).phase, 'Pending')
    assert.equal(desiredStatus({ phase: 'Running' }, {}, T0).phase, 'Running')
    assert.equal(desiredStatus({ phase: 'Running' }, { phase: 'Deleting' }, T0).phase, 'Deleting')
  })
})
