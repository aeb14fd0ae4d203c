// The RBAC authorizer's decisions against real roles and bindings in a server's stores.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Attributes } from '../../src/apiserver/authz/attributes.ts'
import { ensureBootstrapPolicy } from '../../src/apiserver/authz/bootstrap-policy.ts'
import { forbiddenMessage, RBACAuthorizer } from '../../src/apiserver/authz/rbac.ts'
import { LocalClient } from '../../src/client/local-client.ts'
import { ControllerManager } from '../../src/controllers/manager.ts'
import { clusterRoleAggregation } from '../../src/controllers/rbac/aggregation-controller.ts'
import { silentLogger } from '../../src/log/logger.ts'
import { realClock } from '../../src/util/clock.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer
let authz: RBACAuthorizer
const manager = new ControllerManager()
const rbacGroup = 'rbac.authorization.k8s.io'

before(async () => {
  s = await startTestServer()
  const client = new LocalClient(s.registry, 'test')
  await ensureBootstrapPolicy(client)
  await manager.start({ client, log: silentLogger, clock: realClock }, [clusterRoleAggregation])
  await manager.idle()
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, '', { metadata: { name: 'team-a' } })
  await client.create({ group: rbacGroup, version: 'v1', resource: 'rolebindings' }, 'team-a', {
    metadata: { name: 'alice-view' },
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', name: 'alice' }],
  })
  await client.create({ group: rbacGroup, version: 'v1', resource: 'roles' }, 'team-a', {
    metadata: { name: 'cm-reader' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'], verbs: ['get'] }],
  })
  await client.create({ group: rbacGroup, version: 'v1', resource: 'rolebindings' }, 'team-a', {
    metadata: { name: 'bot-cm' },
    roleRef: { apiGroup: rbacGroup, kind: 'Role', name: 'cm-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'bot' }],
  })
  authz = new RBACAuthorizer({ client, log: silentLogger })
  await authz.start()
})
after(async () => {
  authz?.stop()
  manager.stop()
  await s?.dispose()
})

function attrs(
  user: string,
  groups: string[],
  verb: string,
  resource: string,
  ns = '',
  name = '',
  group = '',
  sub = '',
): Attributes {
  return {
    user: { username: user, groups },
    verb,
    isResourceRequest: true,
    path: '',
    apiGroup: group,
    apiVersion: 'v1',
    resource,
    subresource: sub,
    namespace: ns,
    name,
  }
}

describe('RBAC', () => {
  it('lets system:masters do anything through the cluster-admin binding', () => {
    const d = authz.authorize(attrs('root', ['system:masters'], 'delete', 'nodes', '', 'n1'))
    assert.equal(d.allowed, true)
    assert.match(d.reason, /ClusterRoleBinding "cluster-admin"/)
  })

  it('aggregates view into a namespace-scoped read grant, without secrets or writes', () => {
    assert.equal(
      authz.authorize(attrs('alice', ['system:authenticated'], 'list', 'deployments', 'team-a', '', 'apps')).allowed,
      true,
    )
    assert.equal(
      authz.authorize(attrs('alice', ['system:authenticated'], 'get', 'pods', 'team-a', 'p', '', 'log')).allowed,
      true,
    )
    assert.equal(
      authz.authorize(attrs('alice', ['system:authenticated'], 'get', 'secrets', 'team-a', 's')).allowed,
      false,
    )
    assert.equal(
      authz.authorize(attrs('alice', ['system:authenticated'], 'create', 'configmaps', 'team-a')).allowed,
      false,
    )
    assert.equal(authz.authorize(attrs('alice', ['system:authenticated'], 'list', 'pods', 'team-b')).allowed, false)
  })

  it('honours resourceNames and ServiceAccount subjects', () => {
    const bot = 'system:serviceaccount:team-a:bot'
    assert.equal(authz.authorize(attrs(bot, [], 'get', 'configmaps', 'team-a', 'settings')).allowed, true)
    assert.equal(authz.authorize(attrs(bot, [], 'get', 'configmaps', 'team-a', 'other')).allowed, false)
    assert.equal(authz.authorize(attrs(bot, [], 'list', 'configmaps', 'team-a')).allowed, false)
  })

  it('allows discovery to every authenticated user, and says why it denies', () => {
    const a = { ...attrs('bob', ['system:authenticated'], 'get', ''), isResourceRequest: false, path: '/apis/apps/v1' }
    assert.equal(authz.authorize(a).allowed, true)
    const denied = attrs('bob', ['system:authenticated'], 'list', 'pods', 'default')
    assert.equal(authz.authorize(denied).allowed, false)
    assert.equal(
      forbiddenMessage(denied),
      'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"',
    )
  })
})
