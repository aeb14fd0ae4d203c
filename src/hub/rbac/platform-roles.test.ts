import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ruleAllows } from '../../apiserver/authz/rules.ts'
import type { Client, Resource } from '../../client/client.ts'
import { notFound } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import {
  ensurePlatformRoles,
  KUBECONFIG_REQUESTER,
  PLATFORM_ADMIN,
  PLATFORM_USER,
  PLATFORM_VIEWER,
  platformRoles,
} from './platform-roles.ts'

/** An in-memory Client with get/create/patch (merge), counting writes. */
function memoryClient() {
  const objects = new Map<string, KubeObject>()
  const writes: string[] = []
  const client = {
    async get(r: Resource, _ns: string, name: string) {
      const o = objects.get(`${r.resource}/${name}`)
      if (!o) throw notFound({ group: r.group, resource: r.resource }, name)
      return structuredClone(o)
    },
    async create(r: Resource, _ns: string, obj: KubeObject) {
      writes.push(`create ${r.resource}/${obj.metadata.name}`)
      objects.set(`${r.resource}/${obj.metadata.name}`, structuredClone(obj))
      return obj
    },
    async patch(r: Resource, _ns: string, name: string, _type: string, patch: Record<string, unknown>) {
      writes.push(`patch ${r.resource}/${name}`)
      const o = objects.get(`${r.resource}/${name}`)!
      Object.assign(o, structuredClone(patch))
      return o
    },
  }
  return { client: client as unknown as Client, objects, writes }
}

const rulesOf = (name: string) => platformRoles().find((o) => o.metadata.name === name)!.rules as never[]

function allows(role: string, verb: string, group: string, resource: string, subresource = ''): boolean {
  const a = {
    user: { username: 'u', groups: [] },
    verb,
    isResourceRequest: true,
    path: '',
    apiGroup: group,
    apiVersion: 'v1',
    resource,
    subresource,
    namespace: '',
    name: '',
  }
  return rulesOf(role).some((r) => ruleAllows(r, a))
}

const P = 'platform.flotilla.dev'

describe('platform roles', () => {
  it('mean what admin, user and viewer mean', () => {
    assert.ok(allows(PLATFORM_ADMIN, 'delete', P, 'clusters'))
    assert.ok(allows(PLATFORM_ADMIN, 'create', 'rbac.authorization.k8s.io', 'clusterrolebindings'))
    for (const verb of ['get', 'create', 'update', 'patch', 'delete', 'list', 'watch']) {
      assert.ok(allows(PLATFORM_USER, verb, P, 'clusters', 'proxy'), verb)
    }
    assert.ok(allows(PLATFORM_USER, 'create', P, 'clusters', 'kubeconfig'))
    assert.ok(allows(PLATFORM_USER, 'watch', '', 'namespaces'))
    assert.ok(!allows(PLATFORM_USER, 'create', P, 'clusters'))
    assert.ok(!allows(PLATFORM_USER, 'update', P, 'clusters', 'status'))
    assert.ok(allows(PLATFORM_VIEWER, 'list', P, 'clusters'))
    assert.ok(allows(PLATFORM_VIEWER, 'get', P, 'clusters', 'proxy'))
    assert.ok(!allows(PLATFORM_VIEWER, 'create', P, 'clusters', 'proxy'))
    assert.ok(allows(PLATFORM_VIEWER, 'list', 'events.k8s.io', 'events'))
    assert.ok(!allows(PLATFORM_VIEWER, 'create', P, 'clusters', 'kubeconfig'))
    assert.ok(allows(KUBECONFIG_REQUESTER, 'create', P, 'clusters', 'kubeconfig'))
    assert.ok(!allows(KUBECONFIG_REQUESTER, 'get', P, 'clusters'))
  })

  it('are created once, then left alone unless they drifted', async () => {
    const { client, objects, writes } = memoryClient()
    await ensurePlatformRoles(client)
    assert.equal(writes.length, 5)
    assert.ok(writes.every((w) => w.startsWith('create ')))
    writes.length = 0
    await ensurePlatformRoles(client)
    assert.deepEqual(writes, [])

    objects.get(`clusterroles/${PLATFORM_USER}`)!.rules = []
    const b = objects.get(`clusterrolebindings/${KUBECONFIG_REQUESTER}`)!
    b.subjects = [{ kind: 'User', name: 'extra' }]
    const viewer = objects.get(`clusterroles/${PLATFORM_VIEWER}`)!
    viewer.metadata.annotations = { 'rbac.authorization.kubernetes.io/autoupdate': 'false' }
    viewer.rules = []
    await ensurePlatformRoles(client)
    assert.deepEqual(writes.sort(), [
      `patch clusterrolebindings/${KUBECONFIG_REQUESTER}`,
      `patch clusterroles/${PLATFORM_USER}`,
    ])
    assert.deepEqual(objects.get(`clusterroles/${PLATFORM_USER}`)!.rules, rulesOf(PLATFORM_USER))
    assert.deepEqual(
      (objects.get(`clusterrolebindings/${KUBECONFIG_REQUESTER}`)!.subjects as { name: string }[]).map((s) => s.name),
      ['extra', 'system:authenticated'],
    )
    assert.deepEqual(objects.get(`clusterroles/${PLATFORM_VIEWER}`)!.rules, [])
  })
})
