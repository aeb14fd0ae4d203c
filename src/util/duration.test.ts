import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GO_DURATION_UNITS_MS, parseDurationTerms } from './duration.ts'

test('sums NUMBER UNIT terms in the given units, longest unit first', () => {
  assert.equal(parseDurationTerms('1h30m', GO_DURATION_UNITS_MS), 5_400_000)
  assert.equal(parseDurationTerms('500ms', GO_DURATION_UNITS_MS), 500)
  assert.equal(parseDurationTerms('1.5s', GO_DURATION_UNITS_MS), 1500)
  assert.equal(parseDurationTerms('7d', { s: 1, d: 86400 }), 604_800)
})

test('refuses anything else', () => {
  for (const bad of ['', '5', 'h', '5x', '1h ', '-1s', '1d']) {
    assert.equal(parseDurationTerms(bad, GO_DURATION_UNITS_MS), undefined, bad)
  }
  assert.equal(parseDurationTerms('1.5h', { h: 3600 }, { fractions: false }), undefined)
})
