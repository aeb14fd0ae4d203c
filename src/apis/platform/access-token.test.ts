import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { KubeObject } from '../../machinery/object.ts'
import { accessToken } from './access-token.ts'

const valid = (): KubeObject => ({
  apiVersion: 'platform.flotilla.dev/v1alpha1',
  kind: 'AccessToken',
  metadata: { name: 'kt-abcdefghijklmnop' },
  spec: {
    user: { username: 'alice', groups: ['system:authenticated'] },
    cluster: 'edge',
    expirationTimestamp: '2026-01-01T08:00:00Z',
    secretHash: `sha256:${'a'.repeat(64)}`,
  },
})

const fields = (errs: { field: string }[]) => errs.map((e) => e.field)

test('validation requires a token id, a user, a cluster, an expiry and a hash', () => {
  assert.deepEqual(accessToken.validate!(valid()), [])
  const bad = valid()
  bad.metadata.name = 'mytoken'
  bad.spec = { user: { groups: 'x' }, secretHash: 'plain-secret', description: 3 }
  assert.deepEqual(fields(accessToken.validate!(bad)), [
    'metadata.name',
    'spec.user.username',
    'spec.user.groups',
    'spec.cluster',
    'spec.expirationTimestamp',
    'spec.secretHash',
    'spec.description',
  ])
  assert.ok(!JSON.stringify(accessToken.validate!(bad)).includes('plain-secret'), 'the hash field value is not echoed')
})

test('updates may only shorten the lifetime; user, cluster and hash are immutable', () => {
  const old = valid()
  const shorter = valid()
  ;(shorter.spec as Record<string, unknown>).expirationTimestamp = '2026-01-01T07:00:00Z'
  assert.deepEqual(accessToken.validateUpdate!(shorter, old), [])
  const longer = valid()
  ;(longer.spec as Record<string, unknown>).expirationTimestamp = '2026-01-02T08:00:00Z'
  assert.deepEqual(fields(accessToken.validateUpdate!(longer, old)), ['spec.expirationTimestamp'])
  const rebound = valid()
  ;(rebound.spec as Record<string, unknown>).user = { username: 'root', groups: ['system:masters'] }
  ;(rebound.spec as Record<string, unknown>).cluster = 'other'
  ;(rebound.spec as Record<string, unknown>).secretHash = `sha256:${'b'.repeat(64)}`
  assert.deepEqual(fields(accessToken.validateUpdate!(rebound, old)), ['spec.user', 'spec.cluster', 'spec.secretHash'])
})

test('no create or patch verb: tokens are minted only by the hub', () => {
  assert.ok(!accessToken.verbs.includes('create'))
  assert.ok(!accessToken.verbs.includes('patch'))
  assert.equal(accessToken.fieldSelectors['spec.user.username'](valid()), 'alice')
  assert.equal(accessToken.fieldSelectors['spec.cluster'](valid()), 'edge')
})

test('the EXPIRES column shows the time left, or Expired', () => {
  const col = accessToken.columns.find((c) => c.name === 'Expires')!
  const at = Date.parse('2026-01-01T08:00:00Z')
  assert.equal(col.cell(valid(), at - 5 * 3600_000), '5h')
  assert.equal(col.cell(valid(), at), 'Expired')
})
