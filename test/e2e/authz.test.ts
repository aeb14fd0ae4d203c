// Authorization on every request: RBAC decisions, impersonation, and the review APIs behind
// `kubectl auth can-i` and `kubectl auth whoami`.

import assert from 'node:assert/strict'
import { request as httpsRequest } from 'node:https'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { writeKubeconfig } from '../../src/cli/kubeconfig.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer
const ALICE = 'alice-token-0123456789'

before(async () => {
  s = await startTestServer({ users: [{ token: ALICE, username: 'alice', groups: ['dev'] }] })
  const post = (path: string, body: unknown) =>
    s.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  await post('/api/v1/namespaces', { metadata: { name: 'team-a' } })
  await post('/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings', {
    metadata: { name: 'dev-view' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'Group', name: 'dev' }],
  })
  await s.settle()
})
after(async () => {
  await s?.dispose()
})

const asAlice = (path: string, init: RequestInit = {}) =>
  s.request(path, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${ALICE}` },
  })

describe('authorization', () => {
  it('allows what RBAC grants and answers 403 with Kubernetes’ message otherwise', async () => {
    for (let i = 0; i < 50 && (await asAlice('/api/v1/namespaces/team-a/pods')).status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20))
    }
    assert.equal((await asAlice('/api/v1/namespaces/team-a/pods')).status, 200)
    const denied = await asAlice('/api/v1/namespaces/default/pods')
    assert.equal(denied.status, 403)
    const st: any = await denied.json()
    assert.equal(st.reason, 'Forbidden')
    assert.equal(
      st.message,
      'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
    )
    assert.equal((await asAlice('/apis/apps/v1')).status, 200) // discovery for every authenticated user
  })

  it('lets an admin impersonate, and refuses impersonation to others', async () => {
    const res = await s.request('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'impersonate-user': 'bob', 'impersonate-group': 'qa' },
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
    })
    const review: any = await res.json()
    assert.equal(review.status.userInfo.username, 'bob')
    assert.deepEqual(review.status.userInfo.groups, ['qa', 'system:authenticated'])
    const refused = await asAlice('/api/v1/namespaces/team-a/pods', { headers: { 'impersonate-user': 'root' } })
    assert.equal(refused.status, 403)
  })

  it('takes each Impersonate-Group line as one group, commas and all (as kube-apiserver does)', async () => {
    // Raw node:https, since fetch would fold repeated header lines into one.
    const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' })
    const review: any = await new Promise((resolve, reject) => {
      const req = httpsRequest(
        `${s.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`,
        {
          method: 'POST',
          ca: s.caCert,
          headers: {
            authorization: `Bearer ${s.token}`,
            'content-type': 'application/json',
            'impersonate-user': 'bob',
            'impersonate-group': ['team, platform', 'qa'],
          },
        },
        (res) => {
          let text = ''
          res.on('data', (d) => {
            text += d
          })
          res.on('end', () => resolve(JSON.parse(text)))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
    assert.deepEqual(review.status.userInfo.groups, ['team, platform', 'qa', 'system:authenticated'])
  })
})

for (const bin of kubectlBinaries()) {
  it(`kubectl ${bin.version} auth can-i and whoami`, async () => {
    const kc = join(s.dataDir, `alice-${bin.version}.kubeconfig`)
    writeKubeconfig(kc, {
      name: 'alice',
      server: s.url,
      token: ALICE,
      certificateAuthorityData: Buffer.from(s.caCert).toString('base64'),
    })
    const k = new Kubectl(bin, kc)
    assert.equal((await k.run(['auth', 'can-i', 'list', 'deployments', '-n', 'team-a'])).stdout.trim(), 'yes')
    const no = await k.run(['auth', 'can-i', 'create', 'deployments', '-n', 'team-a'])
    assert.equal(no.stdout.trim(), 'no')
    assert.equal(no.code, 1)
    const who = await k.ok(['auth', 'whoami', '-o', 'json'])
    assert.equal(JSON.parse(who).status.userInfo.username, 'alice')
    const list = await k.ok(['auth', 'can-i', '--list', '-n', 'team-a'])
    assert.match(list, /deployments\.apps/)
  })
}
