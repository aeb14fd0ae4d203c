// core/v1 and events.k8s.io/v1 Events are one storage seen through two APIs.

import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer
before(async () => {
  s = await startTestServer()
})
after(async () => {
  await s?.dispose()
})

it('serves an event written through events.k8s.io/v1 as core/v1 and back', async () => {
  const res = await s.request('/apis/events.k8s.io/v1/namespaces/default/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      metadata: { name: 'e1' },
      eventTime: '2026-01-01T00:00:00.000000Z',
      reportingController: 'flotilla.dev/test',
      reportingInstance: 'test-1',
      action: 'Testing',
      reason: 'Tested',
      type: 'Normal',
      note: 'hello',
      regarding: { kind: 'Pod', namespace: 'default', name: 'p1' },
    }),
  })
  assert.equal(res.status, 201)
  const core: any = await (await s.request('/api/v1/namespaces/default/events/e1')).json()
  assert.equal(core.apiVersion, 'v1')
  assert.equal(core.message, 'hello')
  assert.equal(core.involvedObject.name, 'p1')
  assert.equal(core.reportingComponent, 'flotilla.dev/test')
  const byField: any = await (
    await s.request('/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dp1')
  ).json()
  assert.equal(byField.items.length, 1)
  const viaEvents: any = await (
    await s.request('/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=regarding.name%3Dp1')
  ).json()
  assert.equal(viaEvents.items[0].apiVersion, 'events.k8s.io/v1')
  assert.equal(viaEvents.items[0].note, 'hello')
  assert.equal(viaEvents.items[0].message, undefined)
})
