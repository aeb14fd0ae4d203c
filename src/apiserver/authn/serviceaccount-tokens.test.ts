import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { Client, Resource } from '../../client/client.ts'
import { notFound } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { CREDENTIAL_ID_KEY, SERVICE_ACCOUNT_ISSUER, ServiceAccountTokens } from './serviceaccount-tokens.ts'

const dirs: string[] = []
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sa-tokens-'))
  dirs.push(d)
  return d
}

/** Just enough of a Client: get() from an in-memory map keyed "resource/namespace/name". */
function fakeClient(objects: Map<string, KubeObject>): Client {
  return {
    async get(r: Resource, ns: string, name: string) {
      const o = objects.get(`${r.resource}/${ns}/${name}`)
      if (!o) throw notFound({ group: r.group, resource: r.resource }, name)
      return o
    },
  } as unknown as Client
}

const sa = (ns: string, name: string, uid: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { namespace: ns, name, uid },
})

function setup(now = () => Date.now()) {
  const dir = tempDir()
  const objects = new Map<string, KubeObject>([['serviceaccounts/ns1/robot', sa('ns1', 'robot', 'uid-1')]])
  const tokens = new ServiceAccountTokens({ dataDir: dir, client: fakeClient(objects), now })
  return { dir, objects, tokens }
}

/** A token for ns1/robot (uid-1), for the API audience and 10 minutes unless `over` says otherwise. */
function issueRobot(tokens: ServiceAccountTokens, over: Partial<Parameters<ServiceAccountTokens['issue']>[0]> = {}) {
  return tokens.issue({
    namespace: 'ns1',
    name: 'robot',
    uid: 'uid-1',
    audiences: [SERVICE_ACCOUNT_ISSUER],
    expirationSeconds: 600,
    ...over,
  })
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as unknown as IncomingMessage

describe('ServiceAccountTokens', () => {
  it('issues JWTs with the claims Kubernetes puts in them', async () => {
    const { tokens } = setup()
    const { token, expiresAt } = await issueRobot(tokens, { audiences: ['a1', 'a2'], expirationSeconds: 3600 })
    const header = decodeProtectedHeader(token)
    assert.equal(header.alg, 'RS256')
    assert.match(String(header.kid), /^[A-Za-z0-9_-]{43}$/)
    const c = decodeJwt(token)
    assert.equal(c.iss, SERVICE_ACCOUNT_ISSUER)
    assert.equal(c.sub, 'system:serviceaccount:ns1:robot')
    assert.deepEqual(c.aud, ['a1', 'a2'])
    assert.equal(c.exp, expiresAt)
    assert.equal(c.exp! - c.iat!, 3600)
    assert.equal(c.nbf, c.iat)
    assert.match(String(c.jti), /^[0-9a-f-]{36}$/)
    assert.deepEqual(c['kubernetes.io'], { namespace: 'ns1', serviceaccount: { name: 'robot', uid: 'uid-1' } })
  })

  it('authenticates a valid token as the ServiceAccount', async () => {
    const { tokens } = setup()
    const { token } = await issueRobot(tokens)
    const user = await tokens.authenticate(bearer(token))
    assert.ok(user)
    assert.equal(user.username, 'system:serviceaccount:ns1:robot')
    assert.equal(user.uid, 'uid-1')
    assert.deepEqual(user.groups, ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'])
    assert.deepEqual(user.extra, { [CREDENTIAL_ID_KEY]: [`JTI=${decodeJwt(token).jti}`] })
  })

  it('refuses expired tokens (after the leeway), tokens not yet valid, and wrong audiences', async () => {
    let now = Date.now()
    const { tokens } = setup(() => now)
    const { token } = await issueRobot(tokens)
    now += 600_000 + 30_000 // within the minute of leeway Kubernetes allows
    assert.ok(await tokens.authenticate(bearer(token)))
    now += 60_000
    const v = await tokens.verify(token)
    assert.equal(v.ok, false)
    assert.match(!v.ok ? v.error : '', /expired/)
    assert.equal(await tokens.authenticate(bearer(token)), undefined)

    now = Date.now() - 3600_000 // issued "in the future" relative to the verifier
    const { token: future } = await issueRobot(tokens, { audiences: ['other'], expirationSeconds: 7200 })
    now = Date.now()
    assert.equal(await tokens.authenticate(bearer(future)), undefined, 'audience "other" is not the API audience')
    const ok = await tokens.verify(future, ['x', 'other'])
    assert.ok(ok.ok)
    assert.deepEqual(ok.ok && ok.audiences, ['other'])
    now = Date.now() - 2 * 3600_000
    assert.equal((await tokens.verify(future, ['other'])).ok, false, 'not valid before nbf')
  })

  it('stops accepting tokens once the ServiceAccount is deleted or recreated', async () => {
    const { tokens, objects } = setup()
    const { token } = await issueRobot(tokens)
    objects.set('serviceaccounts/ns1/robot', sa('ns1', 'robot', 'uid-2'))
    assert.equal(await tokens.authenticate(bearer(token)), undefined)
    objects.delete('serviceaccounts/ns1/robot')
    assert.equal(await tokens.authenticate(bearer(token)), undefined)
  })

  it('remembers a verified signature, but still revokes at once when the ServiceAccount goes', async () => {
    const { tokens, objects } = setup()
    const { token } = await issueRobot(tokens)
    const first = await tokens.authenticate(bearer(token))
    const second = await tokens.authenticate(bearer(token))
    assert.deepEqual(second, first)
    assert.notEqual(second, first, 'each request gets its own UserInfo')
    objects.delete('serviceaccounts/ns1/robot')
    assert.equal(await tokens.authenticate(bearer(token)), undefined)
    // A tampered token shares no cache entry with the real one.
    const [h, p, sig] = token.split('.')
    const tampered = `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`
    objects.set('serviceaccounts/ns1/robot', sa('ns1', 'robot', 'uid-1'))
    assert.ok(await tokens.authenticate(bearer(token)))
    assert.equal(await tokens.authenticate(bearer(tampered)), undefined)
  })

  it('checks the object a token is bound to', async () => {
    const { tokens, objects } = setup()
    objects.set('pods/ns1/p1', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p1', namespace: 'ns1', uid: 'pod-1' },
    })
    const { token } = await issueRobot(tokens, { bound: { kind: 'Pod', name: 'p1', uid: 'pod-1' } })
    assert.deepEqual((decodeJwt(token)['kubernetes.io'] as Record<string, unknown>).pod, { name: 'p1', uid: 'pod-1' })
    const user = await tokens.authenticate(bearer(token))
    assert.deepEqual(user?.extra?.['authentication.kubernetes.io/pod-name'], ['p1'])
    assert.deepEqual(user?.extra?.['authentication.kubernetes.io/pod-uid'], ['pod-1'])
    objects.delete('pods/ns1/p1')
    assert.equal(await tokens.authenticate(bearer(token)), undefined)
  })

  it('keeps its key in DATA_DIR/pki/sa.key (0600) across restarts; another server’s key is refused', async () => {
    const { dir, tokens, objects } = setup()
    assert.equal(statSync(join(dir, 'pki', 'sa.key')).mode & 0o777, 0o600)
    const { token } = await issueRobot(tokens)
    const again = new ServiceAccountTokens({ dataDir: dir, client: fakeClient(objects) })
    assert.ok(await again.authenticate(bearer(token)))
    const other = new ServiceAccountTokens({ dataDir: tempDir(), client: fakeClient(objects) })
    assert.equal(await other.authenticate(bearer(token)), undefined)
    const v = await other.verify(token)
    assert.deepEqual(v, { ok: false, error: 'invalid service account token', ours: true })
  })

  it('treats tampered and malformed tokens as not authenticated, without throwing', async () => {
    const { tokens } = setup()
    const { token } = await issueRobot(tokens)
    const [h, p, s] = token.split('.')
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString())
    claims['kubernetes.io'].serviceaccount.name = 'admin'
    claims.sub = 'system:serviceaccount:ns1:admin'
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`
    const hs = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${p}.${s}`
    for (const t of [forged, none, hs, `${h}.${p}.AAAA`, 'a.b.c', '...', 'garbage', `${token}x`, '\u00ff.\u00fe.x']) {
      assert.equal(await tokens.authenticate(bearer(t)), undefined, t.slice(0, 40))
    }
    assert.equal(await tokens.authenticate({ headers: {} } as IncomingMessage), undefined)
    assert.equal(tokens.isOurs('static-token'), false)
  })
})
