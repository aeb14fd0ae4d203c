import assert from 'node:assert/strict'
import { test } from 'node:test'
import { StatusError } from '../../machinery/errors.ts'
import { parseKubeconfigRequest } from './issue.ts'

function fails(body: unknown, code: number, message: RegExp): void {
  assert.throws(
    () => parseKubeconfigRequest(body, 'edge'),
    (e: unknown) => e instanceof StatusError && e.code === code && message.test(e.message),
    JSON.stringify(body),
  )
}

test('defaults to 8h; ttl and expirationSeconds set the lifetime', () => {
  assert.deepEqual(parseKubeconfigRequest(undefined, 'edge'), { seconds: 8 * 3600 })
  assert.deepEqual(parseKubeconfigRequest({}, 'edge'), { seconds: 8 * 3600 })
  assert.deepEqual(parseKubeconfigRequest({ spec: { ttl: '30m' } }, 'edge'), { seconds: 1800 })
  assert.deepEqual(parseKubeconfigRequest({ spec: { expirationSeconds: 600, description: 'ci' } }, 'edge'), {
    seconds: 600,
    description: 'ci',
  })
  assert.deepEqual(
    parseKubeconfigRequest(
      { apiVersion: 'platform.flotilla.dev/v1alpha1', kind: 'ClusterKubeconfigRequest', spec: { ttl: '30d' } },
      'edge',
    ),
    { seconds: 30 * 86400 },
  )
})

test('bad requests: 400 for the wrong shape or kind, 422 naming the field for bad values', () => {
  fails([], 400, /must be a JSON object/)
  fails('8h', 400, /must be a JSON object/)
  fails({ kind: 'Pod' }, 400, /kind/)
  fails({ apiVersion: 'v1' }, 400, /API version/)
  fails({ spec: [] }, 422, /spec: Invalid value/)
  fails({ spec: { ttl: 'soon' } }, 422, /ClusterKubeconfigRequest.platform.flotilla.dev "edge" is invalid: spec\.ttl/)
  fails({ spec: { ttl: '59s' } }, 422, /spec\.ttl.*at least 1m/)
  fails({ spec: { ttl: '721h' } }, 422, /spec\.ttl.*at most 30d/)
  fails({ spec: { ttl: null } }, 422, /spec\.ttl/)
  fails({ spec: { expirationSeconds: 59 } }, 422, /spec\.expirationSeconds.*at least 60/)
  fails({ spec: { expirationSeconds: '60' } }, 422, /spec\.expirationSeconds/)
  fails({ spec: { ttl: '1h', expirationSeconds: 60 } }, 422, /not both/)
  fails({ spec: { description: 'x'.repeat(257) } }, 422, /spec\.description/)
})
