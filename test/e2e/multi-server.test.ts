// Several API servers in one process (simulated clusters, the demo hub's members) must share
// nothing: the same key at the same revision in two servers is two different objects.

import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let a: TestServer
let b: TestServer
before(async () => {
  ;[a, b] = await Promise.all([startTestServer(), startTestServer()])
})
after(async () => {
  await Promise.all([a?.dispose(), b?.dispose()])
})

async function firstEvent(s: TestServer, rv: string): Promise<any> {
  const res = await s.request(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`)
  const reader = (res.body as any).getReader()
  let buf = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) throw new Error('watch ended')
    buf += new TextDecoder().decode(value)
    const i = buf.indexOf('\n')
    if (i >= 0) {
      await reader.cancel()
      return JSON.parse(buf.slice(0, i))
    }
  }
}

it('keeps watch events of servers in one process apart, even at equal keys and revisions', async () => {
  // Line up the two servers' revisions so the same key gets the same revision in both.
  await Promise.all([a.settle(), b.settle()])
  const revision = (s: TestServer) => s.storage.revision
  for (let i = 0; i < 100 && revision(a) !== revision(b); i++) {
    const behind = revision(a) < revision(b) ? a : b
    await behind.request('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { generateName: 'pad-' } }),
    })
  }
  assert.equal(revision(a), revision(b))
  const rv = String(revision(a))
  const events = Promise.all([firstEvent(a, rv), firstEvent(b, rv)])
  await new Promise((r) => setTimeout(r, 100))
  for (const [s, v] of [
    [a, 'from-a'],
    [b, 'from-b'],
  ] as const) {
    const res = await s.request('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'same' }, data: { v } }),
    })
    assert.equal(res.status, 201)
  }
  const [ea, eb] = await events
  assert.equal(ea.object.metadata.resourceVersion, eb.object.metadata.resourceVersion)
  assert.equal(ea.object.data.v, 'from-a')
  assert.equal(eb.object.data.v, 'from-b')
})
