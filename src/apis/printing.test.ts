import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  createdAtColumn,
  formatLabelSelector,
  formatLabels,
  humanDuration,
  joinWithMore,
  labelSelectorString,
  selectorMatches,
  since,
} from './printing.ts'
import { NOW } from './test-helpers.ts'

const s = 1000
const m = 60 * s
const h = 60 * m
const d = 24 * h

describe('humanDuration (apimachinery duration.HumanDuration)', () => {
  const cases: [number, string][] = [
    [-3 * s, '<invalid>'],
    [-2 * s, '<invalid>'],
    [-1.5 * s, '0s'],
    [-1 * s, '0s'],
    [0, '0s'],
    [999, '0s'],
    [1 * s, '1s'],
    [59 * s, '59s'],
    [90 * s, '90s'],
    [119 * s, '119s'],
    [119.9 * s, '119s'],
    [120 * s, '2m'],
    [121 * s, '2m1s'],
    [200 * s, '3m20s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [180 * m, '3h'],
    [181 * m, '3h1m'],
    [5 * h + 30 * m, '5h30m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h, '8h'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [48 * h, '2d'],
    [51 * h, '2d3h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [8 * d + 5 * h, '8d'],
    [45 * d, '45d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [830 * d, '2y100d'],
    [8 * 365 * d - 1 * d, '7y364d'],
    [8 * 365 * d, '8y'],
    [3000 * d, '8y'],
    [9 * 365 * d + 100 * d, '9y'],
  ]
  for (const [ms, want] of cases) {
    it(`${ms}ms → ${want}`, () => assert.equal(humanDuration(ms), want))
  }
})

describe('since', () => {
  it('is "<unknown>" for a missing or invalid timestamp', () => {
    assert.equal(since(undefined, NOW), '<unknown>')
    assert.equal(since('', NOW), '<unknown>')
    assert.equal(since('not a time', NOW), '<unknown>')
  })
  it('reads RFC 3339 times and MicroTime', () => {
    assert.equal(since('2024-06-01T11:56:40Z', NOW), '3m20s')
    assert.equal(since('2024-06-01T11:59:30.123456Z', NOW), '29s')
    assert.equal(since('2024-05-29T09:00:00Z', NOW), '3d3h')
  })
})

describe('createdAtColumn (default table convertor)', () => {
  it('prints creationTimestamp in RFC 3339 UTC', () => {
    const col = createdAtColumn()
    assert.equal(col.name, 'Created At')
    assert.equal(col.type, 'date')
    assert.equal(col.cell({ metadata: { creationTimestamp: '2024-01-02T03:04:05Z' } }, NOW), '2024-01-02T03:04:05Z')
  })
})

describe('labels and selectors', () => {
  it('formatLabels sorts keys and prints <none> when empty', () => {
    assert.equal(formatLabels({ tier: 'web', app: 'shop' }), 'app=shop,tier=web')
    assert.equal(formatLabels({}), '<none>')
    assert.equal(formatLabels(undefined), '<none>')
  })

  it('labelSelectorString prints requirements sorted by key, like labels.Selector.String()', () => {
    const sel = {
      matchLabels: { tier: 'web', app: 'shop' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'zone', operator: 'NotIn', values: ['b'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'owner', operator: 'Exists' },
      ],
    }
    assert.equal(labelSelectorString(sel), 'app=shop,!canary,env in (dev,prod),owner,tier=web,zone notin (b)')
    assert.equal(labelSelectorString({}), '')
    assert.equal(labelSelectorString(undefined), '')
    assert.equal(labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), null)
    assert.equal(labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }), null)
  })

  it('formatLabelSelector prints <none> for empty and <error> for invalid', () => {
    assert.equal(formatLabelSelector({ matchLabels: { app: 'web' } }), 'app=web')
    assert.equal(formatLabelSelector({}), '<none>')
    assert.equal(
      formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
      '<error>',
    )
  })

  it('selectorMatches evaluates matchLabels and matchExpressions', () => {
    const labels = { app: 'web', env: 'prod' }
    assert.equal(selectorMatches({ matchLabels: { app: 'web' } }, labels), true)
    assert.equal(selectorMatches({ matchLabels: { app: 'api' } }, labels), false)
    assert.equal(
      selectorMatches({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, labels),
      true,
    )
    assert.equal(
      selectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels),
      false,
    )
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, labels), true)
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, labels), false)
    assert.equal(selectorMatches({}, labels), true)
  })

  it('joinWithMore keeps the first items and counts the rest', () => {
    assert.equal(joinWithMore(['a', 'b'], 3), 'a,b')
    assert.equal(joinWithMore(['a', 'b', 'c', 'd', 'e'], 3), 'a,b,c + 2 more...')
  })
})
