// ServiceAccount tokens end to end: `kubectl create token` (TokenRequest), the token used by
// kubectl (identity, RBAC), and every way a token must be refused with 401 (expired, wrong
// audience, deleted ServiceAccount, another server's key, tampering), plus TokenReview.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { importPKCS8, SignJWT } from 'jose'
import { writeKubeconfig } from '../../src/cli/kubeconfig.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

const NS = 'robots'
const ISSUER = 'https://kubernetes.default.svc.cluster.local'

let s: TestServer
let other: TestServer

const post = (server: TestServer, path: string, body: unknown, token?: string) =>
  server.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })

async function createToken(name: string, spec: Record<string, unknown> = {}, server = s): Promise<Response> {
  return post(server, `/api/v1/namespaces/${NS}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec,
  })
}

async function tokenFor(name: string, spec: Record<string, unknown> = {}): Promise<string> {
  const r = await createToken(name, spec)
  assert.equal(r.status, 201, await r.clone().text())
  return ((await r.json()) as { status: { token: string } }).status.token
}

/** Status of a request carrying `token` (undici, not kubectl: kubectl retries 401s for seconds). */
async function statusWith(token: string, path = `/api/v1/namespaces/${NS}/pods`): Promise<number> {
  const r = await s.request(path, { headers: { authorization: `Bearer ${token}` } })
  await r.arrayBuffer()
  return r.status
}

async function review(token: string, audiences?: string[]): Promise<any> {
  const r = await post(s, '/apis/authentication.k8s.io/v1/tokenreviews', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token, ...(audiences ? { audiences } : {}) },
  })
  assert.equal(r.status, 201)
  return r.json()
}

before(async () => {
  s = await startTestServer({ users: [{ token: 'static-user-token', username: 'carol', groups: ['qa'] }] })
  other = await startTestServer()
  for (const server of [s, other]) {
    await post(server, '/api/v1/namespaces', { metadata: { name: NS } })
    for (const name of ['builder', 'doomed']) {
      const r = await post(server, `/api/v1/namespaces/${NS}/serviceaccounts`, { metadata: { name } })
      assert.equal(r.status, 201)
    }
  }
})
after(async () => {
  await s?.dispose()
  await other?.dispose()
})

describe('kubectl create token', () => {
  for (const bin of kubectlBinaries()) {
    it(`kubectl ${bin.version}: the token authenticates as the ServiceAccount and RBAC applies`, async () => {
      const admin = new Kubectl(bin, s.kubeconfig)
      const sa = `bot-${bin.version.replace('.', '-')}`
      await admin.ok(['create', 'serviceaccount', sa, '-n', NS])
      const token = (await admin.ok(['create', 'token', sa, '-n', NS, '--duration', '20m'])).trim()
      assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/)
      const kc = join(s.dataDir, `${sa}.kubeconfig`)
      writeKubeconfig(kc, {
        name: sa,
        server: s.url,
        token,
        certificateAuthorityData: Buffer.from(s.caCert).toString('base64'),
      })
      const k = new Kubectl(bin, kc)
      const who = JSON.parse(await k.ok(['auth', 'whoami', '-o', 'json'])).status.userInfo
      assert.equal(who.username, `system:serviceaccount:${NS}:${sa}`)
      assert.deepEqual(who.groups, ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'])
      const uid = (await admin.ok(['get', 'sa', sa, '-n', NS, '-o', 'jsonpath={.metadata.uid}'])).trim()
      assert.equal(who.uid, uid)
      assert.match(who.extra['authentication.kubernetes.io/credential-id'][0], /^JTI=[0-9a-f-]{36}$/)

      const denied = await k.run(['get', 'pods', '-n', NS])
      assert.notEqual(denied.code, 0)
      assert.match(denied.stderr, /forbidden/i)
      assert.match(denied.stderr, new RegExp(`system:serviceaccount:${NS}:${sa}`))
      await admin.ok([
        'create',
        'rolebinding',
        `${sa}-view`,
        '-n',
        NS,
        '--clusterrole',
        'view',
        '--serviceaccount',
        `${NS}:${sa}`,
      ])
      let ok = await k.run(['get', 'pods', '-n', NS])
      for (let i = 0; i < 50 && ok.code !== 0; i++) {
        await new Promise((r) => setTimeout(r, 50))
        ok = await k.run(['get', 'pods', '-n', NS])
      }
      assert.equal(ok.code, 0, ok.stderr)
      assert.equal((await k.run(['auth', 'can-i', 'delete', 'pods', '-n', NS])).stdout.trim(), 'no')
    })

    it(`kubectl ${bin.version}: --audience, too short a duration, a missing ServiceAccount`, async () => {
      const admin = new Kubectl(bin, s.kubeconfig)
      const t = (
        await admin.ok(['create', 'token', 'builder', '-n', NS, '--audience', 'vault', '--audience', 'x'])
      ).trim()
      const claims = JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString())
      assert.deepEqual(claims.aud, ['vault', 'x'])
      assert.equal(claims.exp - claims.iat, 3600)
      const short = await admin.run(['create', 'token', 'builder', '-n', NS, '--duration', '1m'])
      assert.notEqual(short.code, 0)
      assert.match(
        short.stderr,
        /spec\.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes/,
      )
      const missing = await admin.run(['create', 'token', 'nobody', '-n', NS])
      assert.notEqual(missing.code, 0)
      assert.match(missing.stderr, /serviceaccounts "nobody" not found/)
    })
  }
})

describe('TokenRequest API', () => {
  it('answers with a TokenRequest carrying the token and its expiry; long durations are capped', async () => {
    const r = await createToken('builder', { expirationSeconds: 7 * 24 * 3600 })
    assert.equal(r.status, 201)
    const tr: any = await r.json()
    assert.equal(tr.kind, 'TokenRequest')
    assert.equal(tr.apiVersion, 'authentication.k8s.io/v1')
    assert.equal(tr.metadata.name, 'builder')
    assert.deepEqual(tr.spec.audiences, [ISSUER])
    assert.equal(tr.spec.expirationSeconds, 48 * 3600)
    const exp = Date.parse(tr.status.expirationTimestamp)
    assert.ok(Math.abs(exp - (Date.now() + 48 * 3600_000)) < 5000)
    const claims = JSON.parse(Buffer.from(tr.status.token.split('.')[1], 'base64url').toString())
    assert.equal(claims.exp * 1000, exp)
  })

  it('refuses invalid requests with Kubernetes statuses', async () => {
    const bad = await createToken('builder', { expirationSeconds: 2 ** 33 })
    assert.equal(bad.status, 422)
    const st: any = await bad.json()
    assert.equal(st.reason, 'Invalid')
    assert.equal(st.details.group, 'authentication.k8s.io')
    assert.equal(st.details.kind, 'TokenRequest')
    const kind = await createToken('builder', {
      boundObjectRef: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'd' },
    })
    assert.equal(kind.status, 422)
    assert.match(((await kind.json()) as any).message, /spec\.boundObjectRef\.kind: Unsupported value: "Deployment"/)
    const noPod = await createToken('builder', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'ghost' } })
    assert.equal(noPod.status, 404)
    const get = await s.request(`/api/v1/namespaces/${NS}/serviceaccounts/builder/token`)
    assert.equal(get.status, 405)
  })

  it('binds a token to a Secret; deleting the Secret invalidates the token', async () => {
    const sec = await post(s, `/api/v1/namespaces/${NS}/secrets`, { metadata: { name: 'anchor' } })
    const uid = ((await sec.json()) as any).metadata.uid
    const wrong = await createToken('builder', {
      boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'anchor', uid: 'nope' },
    })
    assert.equal(wrong.status, 409)
    const token = await tokenFor('builder', {
      boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'anchor', uid },
    })
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())
    assert.deepEqual(claims['kubernetes.io'].secret, { name: 'anchor', uid })
    assert.equal(await statusWith(token), 403) // authenticated, no grants
    await s.request(`/api/v1/namespaces/${NS}/secrets/anchor`, { method: 'DELETE' })
    assert.equal(await statusWith(token), 401)
  })

  it('needs create on serviceaccounts/token', async () => {
    const token = await tokenFor('builder')
    const r = await post(s, `/api/v1/namespaces/${NS}/serviceaccounts/builder/token`, { spec: {} }, token)
    assert.equal(r.status, 403)
  })
})

describe('refused tokens', () => {
  it('expired → 401', async () => {
    // Signed with the server's own key, so only the expiry is wrong.
    const key = await importPKCS8(readFileSync(join(s.dataDir, 'pki', 'sa.key'), 'utf8'), 'RS256')
    const sa: any = await (await s.request(`/api/v1/namespaces/${NS}/serviceaccounts/builder`)).json()
    const now = Math.floor(Date.now() / 1000)
    const sign = (exp: number) =>
      new SignJWT({ 'kubernetes.io': { namespace: NS, serviceaccount: { name: 'builder', uid: sa.metadata.uid } } })
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuer(ISSUER)
        .setSubject(`system:serviceaccount:${NS}:builder`)
        .setAudience(ISSUER)
        .setIssuedAt(now - 7200)
        .setExpirationTime(exp)
        .sign(key)
    assert.equal(await statusWith(await sign(now + 600)), 403, 'the hand-made token is otherwise valid')
    assert.equal(await statusWith(await sign(now - 600)), 401)
  })

  it('wrong audience → 401', async () => {
    assert.equal(await statusWith(await tokenFor('builder', { audiences: ['not-the-api'] })), 401)
  })

  it('deleted ServiceAccount → 401 at once', async () => {
    const token = await tokenFor('doomed')
    assert.equal(await statusWith(token), 403)
    const del = await s.request(`/api/v1/namespaces/${NS}/serviceaccounts/doomed`, { method: 'DELETE' })
    assert.equal(del.status, 200)
    assert.equal(await statusWith(token), 401)
    // Recreating the ServiceAccount (new uid) does not revive old tokens.
    await post(s, `/api/v1/namespaces/${NS}/serviceaccounts`, { metadata: { name: 'doomed' } })
    assert.equal(await statusWith(token), 401)
  })

  it("another server's token → 401", async () => {
    const r = await createToken('builder', {}, other)
    const token = ((await r.json()) as any).status.token
    assert.equal(await statusWith(token), 401)
  })

  it('tampered and garbage tokens → 401, never 500', async () => {
    const token = await tokenFor('builder')
    const [h, p, sig] = token.split('.')
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString())
    claims.sub = 'system:serviceaccount:kube-system:admin'
    claims['kubernetes.io'].namespace = 'kube-system'
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`
    for (const t of [forged, unsigned, `${h}.${p}.${sig.slice(0, -4)}AAAA`, 'x.y.z', 'not-a-jwt', `${token}.extra`]) {
      assert.equal(await statusWith(t), 401, t.slice(0, 30))
    }
    const r = await s.request('/api/v1/namespaces', { headers: { authorization: 'Bearer' } })
    assert.equal(r.status, 401)
    assert.equal(((await r.json()) as any).reason, 'Unauthorized')
  })

  it('anonymous → 401', async () => {
    assert.equal(await statusWith(''), 401)
  })
})

describe('TokenReview', () => {
  it('answers authenticated true with the user, or false with an error', async () => {
    const token = await tokenFor('builder')
    const yes = await review(token)
    assert.equal(yes.kind, 'TokenReview')
    assert.equal(yes.status.authenticated, true)
    assert.equal(yes.status.user.username, `system:serviceaccount:${NS}:builder`)
    assert.deepEqual(yes.status.audiences, [ISSUER])
    assert.ok(yes.status.user.uid)
    assert.deepEqual((await review(token, ['elsewhere'])).status.authenticated, false)
    const aud = await review(await tokenFor('builder', { audiences: ['elsewhere'] }), ['x', 'elsewhere'])
    assert.equal(aud.status.authenticated, true)
    assert.deepEqual(aud.status.audiences, ['elsewhere'])
    const no = await review('garbage.token.here')
    assert.equal(no.status.authenticated, false)
    assert.ok(no.status.error)
    // Tokens of the server's other authenticators are reviewed too.
    const carol = await review('static-user-token')
    assert.equal(carol.status.authenticated, true)
    assert.equal(carol.status.user.username, 'carol')
    assert.deepEqual(carol.status.user.groups, ['qa', 'system:authenticated'])
  })

  it('requires a token, and create on tokenreviews', async () => {
    const r = await post(s, '/apis/authentication.k8s.io/v1/tokenreviews', { spec: {} })
    assert.equal(r.status, 400)
    const token = await tokenFor('builder')
    const denied = await post(s, '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token } }, token)
    assert.equal(denied.status, 403)
  })

  it('system:auth-delegator lets a component review tokens once bound', async () => {
    const sa = await post(s, `/api/v1/namespaces/${NS}/serviceaccounts`, { metadata: { name: 'delegate' } })
    assert.equal(sa.status, 201, await sa.text())
    const bound = await post(s, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'delegate-reviews' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ kind: 'ServiceAccount', name: 'delegate', namespace: NS }],
    })
    assert.equal(bound.status, 201, await bound.text())
    const delegate = await tokenFor('delegate')
    const subject = await tokenFor('builder')
    let r: Response | undefined
    for (let i = 0; i < 50; i++) {
      r = await post(s, '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: subject } }, delegate)
      if (r.status === 201) break
      await new Promise((res) => setTimeout(res, 20)) // the RBAC cache follows the binding
    }
    assert.equal(r?.status, 201)
    assert.equal(((await r!.json()) as any).status.user.username, `system:serviceaccount:${NS}:builder`)
  })
})
