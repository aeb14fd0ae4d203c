import assert from 'node:assert/strict'
import { it } from 'node:test'
import { formatDuration, parseCapacity, parseDuration, parseLabels, parseTaints } from './options.ts'

it('parses Go-style durations', () => {
  assert.equal(parseDuration('1.5s'), 1500)
  assert.equal(parseDuration('300ms'), 300)
  assert.equal(parseDuration('1h2m3s'), 3_723_000)
  assert.equal(parseDuration('10'), 10_000)
  assert.equal(parseDuration('soon'), null)
  assert.equal(parseDuration(''), null)
})

it('formats durations as Go does', () => {
  assert.equal(formatDuration(500), '500ms')
  assert.equal(formatDuration(1234), '1.234s')
  assert.equal(formatDuration(10_000), '10s')
  assert.equal(formatDuration(300_000), '5m0s')
  assert.equal(formatDuration(90_500), '1m30.5s')
})

it('parses labels, taints and capacities', () => {
  assert.deepEqual(parseLabels('a=1, b=, c=x=y'), { a: '1', b: '', c: 'x=y' })
  assert.throws(() => parseLabels('novalue'), /invalid label/)
  assert.deepEqual(parseTaints('k=v:NoSchedule,gpu:NoExecute'), [
    { key: 'k', value: 'v', effect: 'NoSchedule' },
    { key: 'gpu', effect: 'NoExecute' },
  ])
  assert.throws(() => parseTaints('k=v:Sometimes'), /invalid taint effect/)
  assert.deepEqual(parseCapacity('cpu=4,memory=8Gi,pods=20'), { cpu: '4', memory: '8Gi', pods: 20 })
  assert.throws(() => parseCapacity('disks=3'), /unknown capacity/)
})
