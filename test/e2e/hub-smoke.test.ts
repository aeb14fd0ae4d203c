import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startTestHub } from '../helpers/hub.ts'

test('hub starts', async () => {
  const hub = await startTestHub()
  const r = await hub.request('/apis/platform.flotilla.dev/v1alpha1/clusters')
  assert.equal(r.status, 200, await r.text())
  const ns = await hub.request('/api/v1/namespaces/flotilla-system')
  assert.equal(ns.status, 200)
  await hub.dispose()
})
