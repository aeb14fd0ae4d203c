// The in-process client and informer that controllers use, against a real server's stores.

import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { resources } from '../../src/client/client.ts'
import { Informer } from '../../src/client/informer.ts'
import { LocalClient } from '../../src/client/local-client.ts'
import { silentLogger } from '../../src/log/logger.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer
before(async () => {
  s = await startTestServer({ historyRevisions: 50 })
})
after(async () => {
  await s?.dispose()
})

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

it('creates, patches (all types) and deletes through the same pipeline as HTTP', async () => {
  const c = new LocalClient(s.registry, 'test')
  const cm = await c.create(resources.configmaps, 'default', { metadata: { name: 'lc' }, data: { a: '1' } })
  assert.equal(cm.metadata.managedFields?.length, 1)
  await c.patch(resources.configmaps, 'default', 'lc', 'merge', { data: { b: '2' } })
  await c.patch(resources.configmaps, 'default', 'lc', 'json', [{ op: 'add', path: '/data/c', value: '3' }])
  await c.patch(resources.configmaps, 'default', 'lc', 'strategic', { metadata: { labels: { x: 'y' } } })
  const applied = await c.patch(
    resources.configmaps,
    'default',
    'lc',
    'apply',
    { apiVersion: 'v1', kind: 'ConfigMap', data: { d: '4' } },
    { fieldManager: 'applier' },
  )
  assert.deepEqual(applied.data, { a: '1', b: '2', c: '3', d: '4' })
  await c.delete(resources.configmaps, 'default', 'lc')
  await assert.rejects(c.get(resources.configmaps, 'default', 'lc'), /not found/)
})

it('keeps an informer in step across a compaction that forces a relist', async () => {
  const c = new LocalClient(s.registry, 'test')
  await c.create(resources.namespaces, '', { metadata: { name: 'inf' } })
  const inf = new Informer({
    client: c,
    resource: resources.configmaps,
    namespace: 'inf',
    log: silentLogger,
    watchTimeoutSeconds: 1,
  })
  const seen: string[] = []
  inf.on({ add: (o) => seen.push(`add ${o.metadata.name}`), delete: (o) => seen.push(`delete ${o.metadata.name}`) })
  inf.start()
  await inf.synced
  for (let i = 0; i < 20; i++) await c.create(resources.configmaps, 'inf', { metadata: { name: `c${i}` } })
  await until(() => inf.list().length === 20)
  // Stop hearing events, make history expire, then change things: the informer must relist.
  inf.stop()
  const inf2 = new Informer({
    client: c,
    resource: resources.configmaps,
    namespace: 'inf',
    log: silentLogger,
    watchTimeoutSeconds: 1,
  })
  inf2.start()
  await inf2.synced
  for (let i = 0; i < 10; i++) await c.delete(resources.configmaps, 'inf', `c${i}`)
  await s.storage.compact(s.storage.revision)
  for (let i = 20; i < 25; i++) await c.create(resources.configmaps, 'inf', { metadata: { name: `c${i}` } })
  await until(() => inf2.list().length === 15)
  assert.deepEqual(
    inf2
      .list()
      .map((o) => o.metadata.name)
      .sort(),
    [...Array.from({ length: 10 }, (_, i) => `c${i + 10}`), 'c20', 'c21', 'c22', 'c23', 'c24'].sort(),
  )
  inf2.stop()
  assert.ok(seen.includes('add c19'))
})
