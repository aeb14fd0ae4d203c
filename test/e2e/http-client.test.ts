// HttpClient against a real Flotilla API server over HTTPS: CRUD, patches, paging, watches,
// server Status errors passed through as StatusErrors, and network errors with their codes.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { resources, type WatchEvent } from '../../src/client/client.ts'
import { HttpClient } from '../../src/client/http-client.ts'
import { restConfigFromKubeconfig } from '../../src/client/rest-config.ts'
import { StatusError } from '../../src/machinery/errors.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { eventually } from '../helpers/sim.ts'

describe('HttpClient', () => {
  let server: TestServer
  let client: HttpClient
  before(async () => {
    server = await startTestServer()
    client = HttpClient.fromConfig(restConfigFromKubeconfig(readFileSync(server.kubeconfig, 'utf8')))
  })
  after(async () => {
    client.close()
    await server.dispose()
  })

  const cm = (name: string, data: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { app: 'x' } },
    data,
  })

  test('create, get, update, patch (all four types), delete', async () => {
    const created = await client.create(resources.configmaps, 'default', cm('a', { k: 'v' }))
    assert.ok(created.metadata.uid)
    const got = await client.get(resources.configmaps, 'default', 'a')
    assert.equal((got.data as Record<string, string>).k, 'v')
    got.data = { k: 'v2' }
    const updated = await client.update(resources.configmaps, 'default', got)
    assert.equal((updated.data as Record<string, string>).k, 'v2')
    await client.patch(resources.configmaps, 'default', 'a', 'merge', { data: { m: '1' } })
    await client.patch(resources.configmaps, 'default', 'a', 'strategic', { data: { s: '1' } })
    await client.patch(resources.configmaps, 'default', 'a', 'json', [{ op: 'add', path: '/data/j', value: '1' }])
    const applied = await client.patch(
      resources.configmaps,
      'default',
      'a',
      'apply',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { ap: '1' } },
      { fieldManager: 'test', force: true },
    )
    assert.deepEqual(Object.keys(applied.data as object).sort(), ['ap', 'j', 'k', 'm', 's'])
    await client.delete(resources.configmaps, 'default', 'a')
    await assert.rejects(client.get(resources.configmaps, 'default', 'a'), (e: StatusError) => {
      assert.ok(e instanceof StatusError)
      assert.equal(e.code, 404)
      assert.equal(e.reason, 'NotFound')
      return true
    })
  })

  test('server errors arrive as the server Status', async () => {
    await client.create(resources.configmaps, 'default', cm('dup'))
    await assert.rejects(client.create(resources.configmaps, 'default', cm('dup')), (e: StatusError) => {
      assert.equal(e.code, 409)
      assert.equal(e.reason, 'AlreadyExists')
      assert.match(e.message, /already exists/)
      return true
    })
    await assert.rejects(client.create(resources.configmaps, 'default', cm('Bad_Name')), (e: StatusError) => {
      assert.equal(e.code, 422)
      assert.equal(e.reason, 'Invalid')
      return true
    })
  })

  test('list with selectors and paging', async () => {
    for (let i = 0; i < 7; i++) await client.create(resources.configmaps, 'default', cm(`page-${i}`))
    const first = await client.list(resources.configmaps, 'default', { labelSelector: 'app=x', limit: 3 })
    assert.equal(first.items.length, 3)
    assert.ok(first.continue)
    const names = first.items.map((o) => o.metadata.name)
    let cont: string | undefined = first.continue
    while (cont) {
      const page = await client.list(resources.configmaps, 'default', {
        labelSelector: 'app=x',
        limit: 3,
        continue: cont,
      })
      names.push(...page.items.map((o) => o.metadata.name))
      cont = page.continue
    }
    for (let i = 0; i < 7; i++) assert.ok(names.includes(`page-${i}`))
  })

  test('watch delivers events in order and stops', async () => {
    const list = await client.list(resources.configmaps, 'default')
    const events: WatchEvent[] = []
    const w = await client.watch(resources.configmaps, 'default', { resourceVersion: list.resourceVersion }, (ev) =>
      events.push(ev),
    )
    await client.create(resources.configmaps, 'default', cm('w1'))
    await client.patch(resources.configmaps, 'default', 'w1', 'merge', { data: { a: '1' } })
    await client.delete(resources.configmaps, 'default', 'w1')
    await eventually(() => events.length >= 3, { what: 'three watch events' })
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    )
    w.stop()
    await w.done
  })

  test('network errors reject with their code', async () => {
    const dead = new HttpClient({ server: 'https://127.0.0.1:1', agent: undefined as never })
    await assert.rejects(dead.raw('GET', '/readyz'), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED')
    // Wrong CA: a TLS verification error.
    const cfg = restConfigFromKubeconfig(readFileSync(server.kubeconfig, 'utf8'))
    const untrusting = HttpClient.fromConfig({ ...cfg, ca: undefined })
    await assert.rejects(untrusting.raw('GET', '/readyz'), (e: NodeJS.ErrnoException) =>
      /CERT|SELF_SIGNED|VERIFY/.test(String(e.code)),
    )
    untrusting.close()
    // Wrong token: 401 as a status, not a rejection, from raw(); a StatusError from get().
    const wrong = HttpClient.fromConfig({ ...cfg, token: 'nope' })
    assert.equal((await wrong.raw('GET', '/api/v1/namespaces')).status, 401)
    await assert.rejects(wrong.get(resources.namespaces, '', 'default'), (e: StatusError) => e.code === 401)
    wrong.close()
  })
})
