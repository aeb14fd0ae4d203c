import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import { test } from 'node:test'
import type { Attributes } from '../../apiserver/authz/attributes.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { FakeClock } from '../../util/clock.ts'
import { AccessTokenAuthenticator, accessTokenOf } from './authn.ts'
import { OwnTokensAuthorizer } from './authz.ts'
import { newAccessToken } from './token.ts'
import { entryOf, TokenIndex } from './token-index.ts'

function tokenObject(id: string, secretHash: string, username: string, expires: number): KubeObject {
  return {
    apiVersion: 'platform.flotilla.dev/v1alpha1',
    kind: 'AccessToken',
    metadata: { name: id, resourceVersion: '1' },
    spec: {
      user: { username, uid: `uid-${username}`, groups: ['devs', 'system:authenticated'], extra: { k: ['v'] } },
      cluster: 'edge',
      expirationTimestamp: new Date(expires).toISOString(),
      secretHash,
    },
  }
}

function request(
  authorization?: string,
  url = '/apis/platform.flotilla.dev/v1alpha1/clusters/edge/proxy/api/v1/pods',
): IncomingMessage {
  return { url, headers: authorization === undefined ? {} : { authorization } } as IncomingMessage
}

test('a valid token authenticates as the stored user until it expires or is removed', async () => {
  const clock = new FakeClock()
  const index = new TokenIndex()
  const t = newAccessToken()
  const obj = tokenObject(t.id, t.secretHash, 'alice', clock.now() + 60_000)
  index.put(obj)
  const used: string[] = []
  const authn = new AccessTokenAuthenticator(index, clock, (e) => used.push(e.id))
  const req = request(`Bearer ${t.token}`)
  const user = await authn.authenticate(req)
  assert.deepEqual(user, {
    username: 'alice',
    uid: 'uid-alice',
    groups: ['devs', 'system:authenticated'],
    extra: { k: ['v'] },
  })
  assert.equal(accessTokenOf(req), t.id)
  assert.deepEqual(used, [t.id])
  // The caller gets a copy: changing it does not change the index.
  user!.groups.push('system:masters')
  assert.deepEqual((await authn.authenticate(request(`Bearer ${t.token}`)))!.groups, ['devs', 'system:authenticated'])

  await clock.advance(59_999)
  assert.ok(await authn.authenticate(request(`Bearer ${t.token}`)))
  await clock.advance(1)
  assert.equal(await authn.authenticate(request(`Bearer ${t.token}`)), undefined, 'expired at expirationTimestamp')

  index.put(tokenObject(t.id, t.secretHash, 'alice', clock.now() + 60_000))
  assert.ok(await authn.authenticate(request(`Bearer ${t.token}`)))
  index.remove(obj)
  assert.equal(await authn.authenticate(request(`Bearer ${t.token}`)), undefined, 'revoked')
})

test('wrong secrets, unknown ids, other schemes and malformed headers are not recognised', async () => {
  const clock = new FakeClock()
  const index = new TokenIndex()
  const t = newAccessToken()
  const other = newAccessToken()
  index.put(tokenObject(t.id, t.secretHash, 'alice', clock.now() + 60_000))
  const authn = new AccessTokenAuthenticator(index, clock)
  const otherSecret = other.token.split('.')[1]
  for (const h of [
    undefined,
    '',
    'Bearer',
    `Basic ${t.token}`,
    `Bearer flt_${t.id}.${otherSecret}`,
    `Bearer ${other.token}`,
    `Bearer ${t.token} more`,
    'Bearer static-token',
  ]) {
    const req = request(h)
    assert.equal(await authn.authenticate(req), undefined, String(h))
    assert.equal(accessTokenOf(req), undefined)
  }
})

test('malformed or deleting AccessToken objects never authenticate', () => {
  const t = newAccessToken()
  const good = tokenObject(t.id, t.secretHash, 'alice', Date.now() + 60_000)
  assert.ok(entryOf(good))
  const spec = good.spec as Record<string, unknown>
  for (const broken of [
    { ...good, spec: undefined },
    { ...good, spec: { ...spec, user: { username: '', groups: [] } } },
    { ...good, spec: { ...spec, user: { username: 'a', groups: 'x' } } },
    { ...good, spec: { ...spec, user: { username: 'a', groups: [1] } } },
    { ...good, spec: { ...spec, expirationTimestamp: 'soon' } },
    { ...good, spec: { ...spec, secretHash: 3 } },
    { ...good, metadata: { ...good.metadata, deletionTimestamp: new Date().toISOString() } },
  ]) {
    assert.equal(entryOf(broken as KubeObject), undefined, JSON.stringify(broken).slice(0, 200))
  }
  const index = new TokenIndex()
  index.put(good)
  index.put({ ...good, spec: { ...spec, secretHash: 3 } })
  assert.equal(index.get(t.id), undefined, 'an update to a malformed object drops the entry')
})

function attrs(user: string, verb: string, extra: Partial<Attributes> = {}): Attributes {
  return {
    user: { username: user, groups: ['system:authenticated'] },
    verb,
    isResourceRequest: true,
    path: '',
    apiGroup: 'platform.flotilla.dev',
    apiVersion: 'v1alpha1',
    resource: 'accesstokens',
    subresource: '',
    namespace: '',
    name: '',
    ...extra,
  }
}

test('owners may list/watch pinned to themselves and get/delete their own tokens, nothing more', () => {
  const index = new TokenIndex()
  const a = newAccessToken()
  const b = newAccessToken()
  index.put(tokenObject(a.id, a.secretHash, 'alice', Date.now() + 60_000))
  index.put(tokenObject(b.id, b.secretHash, 'bob', Date.now() + 60_000))
  const z = new OwnTokensAuthorizer(index)
  const allowed = (x: Attributes) => z.authorize(x).allowed
  assert.ok(allowed(attrs('alice', 'list', { fieldSelector: 'spec.user.username=alice' })))
  assert.ok(allowed(attrs('alice', 'watch', { fieldSelector: 'spec.user.username==alice' })))
  assert.ok(allowed(attrs('alice', 'list', { fieldSelector: 'spec.cluster=edge,spec.user.username=alice' })))
  assert.ok(allowed(attrs('alice', 'get', { name: a.id })))
  assert.ok(allowed(attrs('alice', 'delete', { name: a.id })))

  assert.ok(!allowed(attrs('alice', 'list')))
  assert.ok(!allowed(attrs('alice', 'list', { fieldSelector: 'spec.user.username=bob' })))
  assert.ok(!allowed(attrs('alice', 'list', { fieldSelector: 'spec.user.username!=alice' })))
  assert.ok(!allowed(attrs('alice', 'list', { fieldSelector: 'spec.cluster=edge' })))
  assert.ok(!allowed(attrs('alice', 'list', { fieldSelector: 'metadata.name=alice' })))
  assert.ok(!allowed(attrs('alice', 'get', { name: b.id })))
  assert.ok(!allowed(attrs('alice', 'delete', { name: b.id })))
  assert.ok(!allowed(attrs('alice', 'delete', { name: 'kt-missing' })))
  assert.ok(!allowed(attrs('alice', 'update', { name: a.id })))
  assert.ok(!allowed(attrs('alice', 'patch', { name: a.id })))
  assert.ok(!allowed(attrs('alice', 'deletecollection', { fieldSelector: 'spec.user.username=alice' })))
  assert.ok(!allowed(attrs('alice', 'get', { name: a.id, subresource: 'status' })))
  assert.ok(!allowed(attrs('alice', 'get', { name: a.id, apiGroup: 'other.example.com' })))
  assert.ok(!allowed(attrs('alice', 'get', { name: a.id, resource: 'clusters' })))
  assert.ok(!allowed(attrs('', 'list', { fieldSelector: 'spec.user.username=' })))
})

test('a token is a credential only within its scope: its cluster proxy, discovery, self-service', async () => {
  const clock = new FakeClock()
  const index = new TokenIndex()
  const t = newAccessToken()
  index.put(tokenObject(t.id, t.secretHash, 'alice', clock.now() + 60_000))
  const authn = new AccessTokenAuthenticator(index, clock)
  const P = '/apis/platform.flotilla.dev/v1alpha1'
  const inside = [
    `${P}/clusters/edge/proxy`,
    `${P}/clusters/edge/proxy/api/v1/namespaces/default/pods?watch=1`,
    '/api',
    '/apis',
    '/apis/apps/v1',
    '/version',
    '/openapi/v3',
    `${P}/accesstokens?fieldSelector=spec.user.username%3Dalice`,
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
  ]
  const outside = [
    `${P}/clusters/edge`,
    `${P}/clusters/edge/kubeconfig`,
    `${P}/clusters/edgex/proxy/api`,
    `${P}/clusters/other/proxy/api/v1/pods`,
    '/api/v1/secrets',
    '/api/v1/namespaces/default/pods',
    `${P}/clusters`,
  ]
  for (const url of inside) assert.ok(await authn.authenticate(request(`Bearer ${t.token}`, url)), url)
  for (const url of outside) assert.equal(await authn.authenticate(request(`Bearer ${t.token}`, url)), undefined, url)
})
