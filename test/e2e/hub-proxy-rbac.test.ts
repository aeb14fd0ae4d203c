// Who may do what through the hub's proxy. Two gates, both RBAC: the hub's (`clusters/proxy`,
// verb from the HTTP method) and then the member's own, where the caller is the mapped hub
// identity `flotilla:hub:<user>` and can never be taken for one of the member's own users,
// ServiceAccounts or groups. Hub administrators are member administrators through the
// `flotilla:hub-admins` binding, unless the Cluster opts out.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Agent, fetch } from 'undici'
import { StaticTokenAuthenticator } from '../../src/apiserver/authn.ts'
import type { Resource } from '../../src/client/client.ts'
import { resources } from '../../src/client/client.ts'
import { HUB_ADMINS_BINDING } from '../../src/hub/identity/admin-binding.ts'
import { isNotFound } from '../../src/machinery/errors.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { importSim, proxyKubeconfig, proxyPath } from '../helpers/hub-proxy.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { startTestSim, type TestSim } from '../helpers/sim.ts'

const binaries = kubectlBinaries()
const DEV_TOKEN = 'dev-token-0123456789'
const RBAC = 'rbac.authorization.k8s.io'
const clusterRoleBindings: Resource = { group: RBAC, version: 'v1', resource: 'clusterrolebindings' }
const roleBindings: Resource = { group: RBAC, version: 'v1', resource: 'rolebindings' }

describe('RBAC through the hub proxy', { concurrency: false }, () => {
  let hub: TestHub
  let sim: TestSim
  let optedOut: TestSim
  let devDispatcher: Agent

  before(async () => {
    const users = new StaticTokenAuthenticator()
    users.add(DEV_TOKEN, { username: 'dev', groups: ['devs', 'system:authenticated'] })
    hub = await startTestHub({ authenticators: [users] })
    devDispatcher = new Agent({ connect: { ca: hub.caCert } })
    ;[sim, optedOut] = await Promise.all([
      startTestSim({ name: 'm1', nodes: 1 }),
      startTestSim({ name: 'm2', nodes: 1, workloads: false }),
    ])
    await importSim(hub, sim, 'm1')
    await importSim(hub, optedOut, 'm2', { annotations: { 'platform.flotilla.dev/hub-admin-access': 'false' } })
  })
  after(async () => {
    await Promise.all([sim?.dispose(), optedOut?.dispose()])
    await hub?.dispose()
    await devDispatcher?.close()
  })

  /** A request through the proxy to m1 as `dev` (no client certificate: hub.request's is the admin's). */
  const asDev = (path: string, init: RequestInit = {}) =>
    fetch(`${hub.url}${proxyPath('m1')}${path}`, {
      ...(init as object),
      dispatcher: devDispatcher,
      headers: { authorization: `Bearer ${DEV_TOKEN}`, 'content-type': 'application/json', ...init.headers },
    } as never) as unknown as Promise<Response>
  const createCm = (name: string) =>
    asDev('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }),
    })
  const message = async (r: Response) => ((await r.json()) as { message: string }).message
  const hubProxyRole = async (verbs: string[]) => {
    const role = {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'm1-proxy' },
      rules: [{ apiGroups: ['platform.flotilla.dev'], resources: ['clusters/proxy'], resourceNames: ['m1'], verbs }],
    }
    let r = await hub.request(`/apis/${RBAC}/v1/clusterroles`, {
      method: 'POST',
      body: JSON.stringify(role),
      headers: { 'content-type': 'application/json' },
    })
    if (r.status === 409) {
      r = await hub.request(`/apis/${RBAC}/v1/clusterroles/m1-proxy`, {
        method: 'PATCH',
        body: JSON.stringify({ rules: role.rules }),
        headers: { 'content-type': 'application/merge-patch+json' },
      })
    }
    assert.ok(r.status === 200 || r.status === 201, await r.text())
  }

  it('without a hub grant on clusters/proxy the hub refuses (403 from the hub)', async () => {
    const r = await asDev('/api/v1/namespaces/default/pods')
    assert.equal(r.status, 403)
    assert.equal(
      await message(r),
      'clusters.platform.flotilla.dev "m1" is forbidden: User "dev" cannot get resource "clusters/proxy" in API group "platform.flotilla.dev" at the cluster scope',
    )
    for (const bin of binaries) {
      const out = await new Kubectl(bin, proxyKubeconfig(hub, 'm1', { token: DEV_TOKEN })).run(['get', 'pods'])
      assert.notEqual(out.code, 0)
      assert.match(out.stderr, /Forbidden|forbidden/)
    }
  })

  it('a hub grant lets the request reach the member, whose RBAC then refuses the mapped identity', async () => {
    await hubProxyRole(['get'])
    const binding = {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'dev-m1-proxy' },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'm1-proxy' },
      subjects: [{ apiGroup: RBAC, kind: 'User', name: 'dev' }],
    }
    const b = await hub.request(`/apis/${RBAC}/v1/clusterrolebindings`, {
      method: 'POST',
      body: JSON.stringify(binding),
      headers: { 'content-type': 'application/json' },
    })
    assert.equal(b.status, 201, await b.text())
    await hub.settle()
    let r = await asDev('/api/v1/namespaces/default/pods')
    assert.equal(r.status, 403)
    assert.equal(
      await message(r),
      'pods is forbidden: User "flotilla:hub:dev" cannot list resource "pods" in API group "" in the namespace "default"',
    )
    // The verb on the hub follows the HTTP method: a POST is "create" on clusters/proxy.
    r = await createCm('denied')
    assert.equal(r.status, 403)
    assert.match(await message(r), /User "dev" cannot create resource "clusters\/proxy"/)
    await hubProxyRole(['get', 'create'])
    await hub.settle()
    r = await createCm('denied')
    assert.equal(r.status, 403)
    assert.match(await message(r), /User "flotilla:hub:dev" cannot create resource "configmaps"/)
  })

  it('`view` in the member lets the hub user read but not create', async () => {
    await sim.client.create(roleBindings, 'default', {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'hub-dev-view' },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: RBAC, kind: 'User', name: 'flotilla:hub:dev' }],
    })
    await sim.settle()
    for (const bin of binaries) {
      const k = new Kubectl(bin, proxyKubeconfig(hub, 'm1', { token: DEV_TOKEN }))
      const pods = await k.run(['get', 'configmaps', '-n', 'default', '-o', 'name'])
      assert.equal(pods.code, 0, pods.stderr)
      const created = await k.run(['create', 'configmap', `from-${bin.version.replace('.', '')}`, '-n', 'default'])
      assert.notEqual(created.code, 0)
      assert.match(created.stderr, /User "flotilla:hub:dev" cannot create resource "configmaps"/)
      const can = await k.run(['auth', 'can-i', 'create', 'configmaps', '-n', 'default'])
      assert.equal(can.stdout.trim(), 'no')
      const who = await k.ok(['auth', 'whoami'])
      assert.match(who, /Username\s+flotilla:hub:dev/)
      assert.match(who, /flotilla:hub:devs/)
    }
  })

  it("a hub ServiceAccount never gets the rights of the member's ServiceAccount of the same name", async () => {
    // In the member, default/robot is cluster-admin.
    await sim.client.create(resources.serviceaccounts, 'default', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'robot' },
    })
    await sim.client.create(clusterRoleBindings, '', {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'robot-admin' },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'default' }],
    })
    // On the hub, default/robot may use the proxy to m1.
    await hub.request(`/apis/${RBAC}/v1/clusterrolebindings`, {
      method: 'POST',
      body: JSON.stringify({
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'robot-m1-proxy' },
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'm1-proxy' },
        subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'default' }],
      }),
      headers: { 'content-type': 'application/json' },
    })
    await Promise.all([sim.settle(), hub.settle()])
    // The hub admin acts as the hub's default/robot (impersonation, applied by the hub).
    const asRobot = { 'Impersonate-User': 'system:serviceaccount:default:robot' }
    let r = await hub.request(`${proxyPath('m1')}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'robot' } }),
      headers: { 'content-type': 'application/json', ...asRobot },
    })
    assert.equal(r.status, 403)
    assert.match(
      await message(r),
      /User "flotilla:hub:system:serviceaccount:default:robot" cannot create resource "configmaps"/,
    )
    r = await hub.request(`${proxyPath('m1')}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
      method: 'POST',
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
      headers: { 'content-type': 'application/json', ...asRobot },
    })
    const user = ((await r.json()) as { status: { userInfo: { username: string; groups: string[] } } }).status.userInfo
    assert.equal(user.username, 'flotilla:hub:system:serviceaccount:default:robot')
    assert.deepEqual(user.groups, [
      'flotilla:hub:system:serviceaccounts',
      'flotilla:hub:system:serviceaccounts:default',
      'flotilla:hub:system:authenticated',
      'system:authenticated',
    ])
  })

  it('hub administrators are member administrators through flotilla:hub-admins, unless the Cluster opts out', async () => {
    const admin = new Kubectl(binaries[binaries.length - 1], proxyKubeconfig(hub, 'm1'))
    await admin.ok(['create', 'configmap', 'by-hub-admin', '-n', 'default'])
    const binding = await sim.client.get(clusterRoleBindings, '', HUB_ADMINS_BINDING)
    assert.deepEqual(binding.subjects, [{ apiGroup: RBAC, kind: 'Group', name: 'flotilla:hub:system:masters' }])
    assert.deepEqual(binding.roleRef, { apiGroup: RBAC, kind: 'ClusterRole', name: 'cluster-admin' })
    // The admin is not the member's system:masters: without the binding it is nobody special.
    const r = await hub.request(`${proxyPath('m2')}/api/v1/namespaces/default/configmaps`)
    assert.equal(r.status, 403)
    assert.match(await message(r), /User "flotilla:hub:flotilla-admin" cannot list resource "configmaps"/)
    await assert.rejects(optedOut.client.get(clusterRoleBindings, '', HUB_ADMINS_BINDING), isNotFound)
    // Discovery still works for any authenticated identity.
    const d = await hub.request(`${proxyPath('m2')}/api`)
    assert.equal(d.status, 200)
  })
})
