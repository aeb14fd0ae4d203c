// The API machinery over real HTTP: object semantics, errors, paging, selectors, watch,
// lifecycle (finalizers, garbage collection, namespace deletion).

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer

before(async () => {
  s = await startTestServer({ settings: { bookmarkIntervalMs: 200 } })
})
after(async () => {
  await s?.dispose()
})

async function json(res: Response): Promise<any> {
  return res.json()
}

function post(path: string, body: unknown, type = 'application/json') {
  return s.request(path, {
    method: 'POST',
    headers: { 'content-type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

function cm(name: string, labels: Record<string, string> = {}, data: Record<string, string> = { k: 'v' }) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data }
}

describe('object semantics', () => {
  it('creates with uid, creationTimestamp, resourceVersion and defaults namespace from the URL', async () => {
    const res = await post('/api/v1/namespaces/default/configmaps', cm('a'))
    assert.equal(res.status, 201)
    const obj = await json(res)
    assert.match(obj.metadata.uid, /^[0-9a-f-]{36}$/)
    assert.equal(obj.metadata.namespace, 'default')
    assert.match(obj.metadata.resourceVersion, /^\d+$/)
    assert.match(obj.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    assert.equal(obj.metadata.generation, undefined)
  })

  it('refuses duplicates with 409 AlreadyExists', async () => {
    await post('/api/v1/namespaces/default/configmaps', cm('dup'))
    const res = await post('/api/v1/namespaces/default/configmaps', cm('dup'))
    assert.equal(res.status, 409)
    const st = await json(res)
    assert.equal(st.reason, 'AlreadyExists')
    assert.equal(st.message, 'configmaps "dup" already exists')
  })

  it('generates names from generateName', async () => {
    const res = await post('/api/v1/namespaces/default/configmaps', { metadata: { generateName: 'gen-' }, data: {} })
    assert.equal(res.status, 201)
    const obj = await json(res)
    assert.match(obj.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
  })

  it('validates names with 422 naming the field', async () => {
    const res = await post('/api/v1/namespaces/default/configmaps', cm('Not_Valid'))
    assert.equal(res.status, 422)
    const st = await json(res)
    assert.equal(st.reason, 'Invalid')
    assert.equal(st.details.causes[0].field, 'metadata.name')
  })

  it('refuses writes into missing namespaces with 404', async () => {
    const res = await post('/api/v1/namespaces/nope/configmaps', cm('x'))
    assert.equal(res.status, 404)
    assert.equal((await json(res)).message, 'namespaces "nope" not found')
  })

  it('answers 409 to a stale update and bumps generation only on spec changes', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'gen' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'gen' } },
        template: { metadata: { labels: { app: 'gen' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    }
    const created = await json(await post('/apis/apps/v1/namespaces/default/deployments', dep))
    assert.equal(created.metadata.generation, 1)
    const put = (o: unknown) =>
      s.request('/apis/apps/v1/namespaces/default/deployments/gen', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(o),
      })
    const labelled = structuredClone(created)
    labelled.metadata.labels = { a: 'b' }
    const r1 = await json(await put(labelled))
    assert.equal(r1.metadata.generation, 1)
    const scaled = structuredClone(r1)
    scaled.spec.replicas = 3
    const r2 = await json(await put(scaled))
    assert.equal(r2.metadata.generation, 2)
    const stale = await put(scaled) // carries r1's resourceVersion
    assert.equal(stale.status, 409)
    assert.equal((await json(stale)).reason, 'Conflict')
  })

  it('changes status only through /status', async () => {
    const dep = await json(await s.request('/apis/apps/v1/namespaces/default/deployments/gen'))
    dep.status = { replicas: 7 }
    delete dep.metadata.resourceVersion
    const main = await json(
      await s.request('/apis/apps/v1/namespaces/default/deployments/gen', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(dep),
      }),
    )
    assert.equal(main.status, undefined)
    const st = await json(
      await s.request('/apis/apps/v1/namespaces/default/deployments/gen/status', {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ status: { replicas: 7 }, spec: { replicas: 99 } }),
      }),
    )
    assert.equal(st.status.replicas, 7)
    assert.equal(st.spec.replicas, 3)
  })

  it('serves /scale as autoscaling/v1 Scale', async () => {
    const res = await s.request('/apis/apps/v1/namespaces/default/deployments/gen/scale', {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { replicas: 5 } }),
    })
    assert.equal(res.status, 200)
    const scale = await json(res)
    assert.equal(scale.kind, 'Scale')
    assert.equal(scale.spec.replicas, 5)
    assert.equal(scale.status.selector, 'app=gen')
  })

  it('honours dryRun=All on create, update and delete', async () => {
    const res = await post('/api/v1/namespaces/default/configmaps?dryRun=All', cm('dry'))
    assert.equal(res.status, 201)
    assert.equal((await s.request('/api/v1/namespaces/default/configmaps/dry')).status, 404)
    const del = await s.request('/api/v1/namespaces/default/configmaps/a?dryRun=All', { method: 'DELETE' })
    assert.equal(del.status, 200)
    assert.equal((await s.request('/api/v1/namespaces/default/configmaps/a')).status, 200)
  })
})

describe('bad input', () => {
  it('400 on malformed JSON and YAML, 415 on unknown media types, 400 on kind mismatch', async () => {
    assert.equal((await post('/api/v1/namespaces/default/configmaps', '{"metadata":')).status, 400)
    assert.equal((await post('/api/v1/namespaces/default/configmaps', 'a: [b', 'application/yaml')).status, 400)
    assert.equal((await post('/api/v1/namespaces/default/configmaps', '{}', 'application/x-unknown')).status, 415)
    // Kubernetes protobuf is decoded; a body without its envelope is malformed.
    const pb = await post('/api/v1/namespaces/default/configmaps', '{}', 'application/vnd.kubernetes.protobuf')
    assert.equal(pb.status, 400)
    const wrongKind = await post('/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'w' },
    })
    assert.equal(wrongKind.status, 400)
  })

  it('413 on bodies over 3 MiB, and objects over 1.5 MiB are refused', async () => {
    const huge = await post(
      '/api/v1/namespaces/default/configmaps',
      cm('huge', {}, { k: 'x'.repeat(3.2 * 1024 * 1024) }),
    )
    assert.equal(huge.status, 413)
    const big = await post('/api/v1/namespaces/default/configmaps', cm('big', {}, { k: 'x'.repeat(2 * 1024 * 1024) }))
    assert.equal(big.status, 413)
    assert.equal((await s.request('/api/v1/namespaces/default/configmaps/big')).status, 404)
  })

  it('401 without credentials', async () => {
    const res = await s.request(`/api/v1/namespaces`, { headers: { authorization: '' } })
    assert.equal(res.status, 401)
    assert.equal((await json(res)).reason, 'Unauthorized')
  })

  it('415 for strategic merge patch on custom kinds', async () => {
    // Placeholder until CRDs are served: unknown patch types are refused with 415.
    const res = await s.request('/api/v1/namespaces/default/configmaps/a', {
      method: 'PATCH',
      headers: { 'content-type': 'application/x-unknown' },
      body: '{}',
    })
    assert.equal(res.status, 415)
  })
})

describe('lists', () => {
  before(async () => {
    await post('/api/v1/namespaces', { metadata: { name: 'paging' } })
    for (let i = 0; i < 25; i++) {
      await post(
        '/api/v1/namespaces/paging/configmaps',
        cm(`cm-${String(i).padStart(2, '0')}`, { i: String(i), parity: i % 2 ? 'odd' : 'even' }),
      )
    }
  })

  it('pages with limit/continue over one consistent snapshot', async () => {
    const names: string[] = []
    let cont = ''
    let rv = ''
    let pages = 0
    do {
      const page = await json(
        await s.request(`/api/v1/namespaces/paging/configmaps?limit=10${cont ? `&continue=${cont}` : ''}`),
      )
      if (!rv) rv = page.metadata.resourceVersion
      else assert.equal(page.metadata.resourceVersion, rv)
      names.push(...page.items.map((o: any) => o.metadata.name))
      if (pages === 0) {
        assert.equal(page.metadata.remainingItemCount, 15)
        // A write between pages must not show up in later pages of the same list.
        await post('/api/v1/namespaces/paging/configmaps', cm('cm-99'))
      }
      cont = page.metadata.continue ?? ''
      pages++
    } while (cont)
    assert.equal(pages, 3)
    assert.equal(names.length, 25)
    assert.ok(!names.includes('cm-99'))
  })

  it('filters by label and field selectors', async () => {
    const odd = await json(
      await s.request('/api/v1/namespaces/paging/configmaps?labelSelector=parity%3Dodd,i%20notin%20(1,3)'),
    )
    assert.equal(odd.items.length, 10)
    const byName = await json(
      await s.request('/api/v1/namespaces/paging/configmaps?fieldSelector=metadata.name%3Dcm-03'),
    )
    assert.deepEqual(
      byName.items.map((o: any) => o.metadata.name),
      ['cm-03'],
    )
    const bad = await s.request('/api/v1/namespaces/paging/configmaps?fieldSelector=spec.foo%3Dx')
    assert.equal(bad.status, 400)
    const badLabel = await s.request('/api/v1/namespaces/paging/configmaps?labelSelector=a%20in%20(')
    assert.equal(badLabel.status, 400)
  })

  it('returns Tables with the list resourceVersion', async () => {
    const res = await s.request('/api/v1/namespaces/paging/configmaps?limit=5', {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    })
    const t = await json(res)
    assert.equal(t.kind, 'Table')
    assert.equal(t.columnDefinitions[0].name, 'Name')
    assert.equal(t.rows.length, 5)
    assert.equal(t.rows[0].object.kind, 'PartialObjectMetadata')
    assert.match(t.metadata.resourceVersion, /^\d+$/)
    assert.ok(t.metadata.continue)
  })
})

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED from a resourceVersion, and DELETED when leaving a selector', async () => {
    await post('/api/v1/namespaces', { metadata: { name: 'watching' } })
    const list = await json(await s.request('/api/v1/namespaces/watching/configmaps'))
    const ctrl = new AbortController()
    const res = await s.request(
      `/api/v1/namespaces/watching/configmaps?watch=true&labelSelector=w%3Dyes&resourceVersion=${list.metadata.resourceVersion}`,
      { signal: ctrl.signal },
    )
    const events: any[] = []
    const reading = (async () => {
      const decoder = new TextDecoder()
      let buf = ''
      for await (const chunk of res.body as any) {
        buf += decoder.decode(chunk, { stream: true })
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          events.push(JSON.parse(buf.slice(0, i)))
          buf = buf.slice(i + 1)
        }
        if (events.length >= 3) break
      }
    })()
    await post('/api/v1/namespaces/watching/configmaps', cm('w1', { w: 'yes' }))
    await s.request('/api/v1/namespaces/watching/configmaps/w1', {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ data: { k: 'v2' } }),
    })
    await s.request('/api/v1/namespaces/watching/configmaps/w1', {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { w: 'no' } } }),
    })
    await reading
    ctrl.abort()
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    )
    assert.equal(events[1].object.data.k, 'v2')
  })

  it('answers an expired resourceVersion with an ERROR event carrying 410', async () => {
    await post('/api/v1/namespaces/default/configmaps', cm('compact-me'))
    await s.storage.compact(s.storage.revision)
    const res = await s.request('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1')
    assert.equal(res.status, 200)
    const text = await res.text()
    const ev = JSON.parse(text.trim())
    assert.equal(ev.type, 'ERROR')
    assert.equal(ev.object.code, 410)
    assert.equal(ev.object.reason, 'Expired')
  })
})

describe('lifecycle', () => {
  it('keeps objects with finalizers until the last one is removed', async () => {
    await post('/api/v1/namespaces/default/configmaps', { metadata: { name: 'fin', finalizers: ['example.com/x'] } })
    const del = await s.request('/api/v1/namespaces/default/configmaps/fin', { method: 'DELETE' })
    assert.equal(del.status, 200)
    const pending = await json(await s.request('/api/v1/namespaces/default/configmaps/fin'))
    assert.ok(pending.metadata.deletionTimestamp)
    const patched = await s.request('/api/v1/namespaces/default/configmaps/fin', {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { finalizers: null } }),
    })
    assert.equal(patched.status, 200)
    assert.equal((await s.request('/api/v1/namespaces/default/configmaps/fin')).status, 404)
  })

  async function ownerWithDependent(name: string) {
    const owner = await json(await post('/api/v1/namespaces/default/configmaps', cm(name)))
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name, uid: owner.metadata.uid, blockOwnerDeletion: true }
    await post('/api/v1/namespaces/default/configmaps', { metadata: { name: `${name}-dep`, ownerReferences: [ref] } })
  }

  it('collects dependents in the background, foreground and leaves them with Orphan', async () => {
    await ownerWithDependent('bg')
    await s.request('/api/v1/namespaces/default/configmaps/bg', { method: 'DELETE' })
    await ownerWithDependent('fg')
    await s.request('/api/v1/namespaces/default/configmaps/fg', {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ propagationPolicy: 'Foreground' }),
    })
    await ownerWithDependent('or')
    await s.request('/api/v1/namespaces/default/configmaps/or?propagationPolicy=Orphan', { method: 'DELETE' })
    await s.settle()
    for (const gone of ['bg', 'bg-dep', 'fg', 'fg-dep', 'or']) {
      assert.equal((await s.request(`/api/v1/namespaces/default/configmaps/${gone}`)).status, 404, gone)
    }
    const orphan = await json(await s.request('/api/v1/namespaces/default/configmaps/or-dep'))
    assert.equal(orphan.metadata.ownerReferences, undefined)
  })

  it('deletes a namespace with its contents, and has a default ServiceAccount in each namespace', async () => {
    await post('/api/v1/namespaces', { metadata: { name: 'doomed' } })
    await post('/api/v1/namespaces/doomed/configmaps', cm('c1'))
    // An object with a finalizer keeps the namespace Terminating until it is released.
    await post('/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'held', finalizers: ['example.com/hold'] } })
    await s.settle()
    assert.equal((await s.request('/api/v1/namespaces/doomed/serviceaccounts/default')).status, 200)
    const del = await json(await s.request('/api/v1/namespaces/doomed', { method: 'DELETE' }))
    assert.equal(del.status.phase, 'Terminating')
    const refused = await post('/api/v1/namespaces/doomed/configmaps', cm('c2'))
    assert.equal(refused.status, 403)
    assert.equal(
      (await json(refused)).message,
      'unable to create new content in namespace doomed because it is being terminated',
    )
    await s.settle()
    assert.equal((await s.request('/api/v1/namespaces/doomed/configmaps/c1')).status, 404)
    assert.equal((await json(await s.request('/api/v1/namespaces/doomed'))).status.phase, 'Terminating')
    await s.request('/api/v1/namespaces/doomed/configmaps/held', {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { finalizers: null } }),
    })
    for (let i = 0; i < 100 && (await s.request('/api/v1/namespaces/doomed')).status !== 404; i++) {
      await new Promise((r) => setTimeout(r, 50))
    }
    assert.equal((await s.request('/api/v1/namespaces/doomed')).status, 404)
  })
})
