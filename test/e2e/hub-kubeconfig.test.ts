// Hub-issued kubeconfig tokens end to end: a real hub (TLS), static-token users alice and bob
// (non-admins) and the admin; tokens issued through the API and through the `flotilla
// kubeconfig` CLI run as a separate process; real kubectl (1.28 and 1.33) authenticating
// with them. Covers identity, owner-only list/revoke, immediate revocation and expiry,
// malformed tokens and bad lifetimes.

import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Agent, fetch as undiciFetch } from 'undici'
import { parse as parseYaml } from 'yaml'
import { StaticTokenAuthenticator, type UserInfo } from '../../src/apiserver/authn.ts'
import { renderKubeconfig } from '../../src/cli/kubeconfig.ts'
import { postJson } from '../helpers/clusters.ts'
import { type ExecResult, execCollect } from '../helpers/exec.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { importSim } from '../helpers/hub-proxy.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { startTestSim, type TestSim } from '../helpers/sim.ts'

const REPO = resolve(import.meta.dirname, '..', '..')
const BIN = join(REPO, 'bin', 'flotilla.ts')
const API = '/apis/platform.flotilla.dev/v1alpha1'

const ALICE: UserInfo = {
  username: 'alice',
  uid: 'uid-alice',
  groups: ['devs', 'system:authenticated'],
  extra: { 'example.com/team': ['blue'] },
}
const BOB: UserInfo = { username: 'bob', groups: ['system:authenticated'] }
const ALICE_TOKEN = 'alice-static-token-0123456789'
const BOB_TOKEN = 'bob-static-token-0123456789'

interface Json {
  [k: string]: any
}

let hub: TestHub
let dir: string
let agent: Agent
let aliceKubeconfig: string
let bobKubeconfig: string

/** fetch() against the hub with a bearer token (only the CA: no client certificate). */
async function call(
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; text: string }> {
  const h: Record<string, string> = { ...headers }
  if (token !== undefined) h.authorization = `Bearer ${token}`
  if (body !== undefined && !h['content-type']) h['content-type'] = 'application/json'
  const res = await undiciFetch(hub.url + path, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    dispatcher: agent,
  })
  const text = await res.text()
  let parsed: Json = {}
  try {
    parsed = JSON.parse(text)
  } catch {}
  return { status: res.status, body: parsed, text }
}

async function issue(token: string, cluster: string, spec: Json = {}) {
  return call(token, 'POST', `${API}/clusters/${cluster}/kubeconfig`, {
    apiVersion: 'platform.flotilla.dev/v1alpha1',
    kind: 'ClusterKubeconfigRequest',
    spec,
  })
}

async function issueOk(
  token: string,
  cluster: string,
  spec: Json = {},
): Promise<{ id: string; token: string; kubeconfig: string; expiration: string }> {
  const r = await issue(token, cluster, spec)
  assert.equal(r.status, 201, r.text)
  return {
    id: r.body.status.tokenID,
    token: r.body.status.token,
    kubeconfig: r.body.status.kubeconfig,
    expiration: r.body.status.expirationTimestamp,
  }
}

/** A kubeconfig for the hub itself (not the proxy) with a bearer token. */
function hubKubeconfig(name: string, token: string): string {
  const path = join(dir, `${name}.kubeconfig`)
  writeFileSync(
    path,
    renderKubeconfig({
      name: 'hub',
      server: hub.url,
      token,
      certificateAuthorityData: Buffer.from(hub.caCert).toString('base64'),
    }),
    { mode: 0o600 },
  )
  return path
}

function cli(args: string[], env: Record<string, string> = {}): Promise<ExecResult> {
  return execCollect(process.execPath, ['--disable-warning=ExperimentalWarning', BIN, 'kubeconfig', ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    timeout: 60_000,
  })
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-kubeconfig-'))
  const users = new StaticTokenAuthenticator()
  users.add(ALICE_TOKEN, ALICE)
  users.add(BOB_TOKEN, BOB)
  hub = await startTestHub({ authenticators: [users] })
  agent = new Agent({ connect: { ca: hub.caCert } })
  // Every authenticated user may ask for a kubeconfig (the hub's platform roles grant this;
  // created here when this hub does not have them yet).
  for (const [path, obj] of [
    [
      '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'flotilla:kubeconfig-requester' },
        rules: [{ apiGroups: ['platform.flotilla.dev'], resources: ['clusters/kubeconfig'], verbs: ['create'] }],
      },
    ],
    [
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'flotilla:kubeconfig-requester' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'flotilla:kubeconfig-requester' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
      },
    ],
  ] as const) {
    const r = await postJson(hub, path, obj)
    assert.ok(r.status === 201 || r.status === 409, await r.text())
  }
  for (const name of ['edge-1', 'edge-2']) {
    const r = await postJson(hub, `${API}/clusters`, {
      apiVersion: 'platform.flotilla.dev/v1alpha1',
      kind: 'Cluster',
      metadata: { name },
      spec: { connection: { mode: 'Import', kubeconfigSecretRef: { name: `${name}-kubeconfig` } } },
    })
    assert.equal(r.status, 201, await r.text())
  }
  await hub.settle()
  aliceKubeconfig = hubKubeconfig('alice', ALICE_TOKEN)
  bobKubeconfig = hubKubeconfig('bob', BOB_TOKEN)
})

after(async () => {
  await agent?.close()
  await hub?.dispose()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('issuing through the API', () => {
  test('returns a kubeconfig for the cluster proxy with the hub CA and a flt_ token', async () => {
    const r = await issue(ALICE_TOKEN, 'edge-1', { ttl: '2h', description: 'debugging' })
    assert.equal(r.status, 201, r.text)
    assert.equal(r.body.kind, 'ClusterKubeconfigRequest')
    const st = r.body.status
    assert.match(st.tokenID, /^kt-[a-z2-7]{16}$/)
    assert.match(st.token, new RegExp(`^flt_${st.tokenID}\\.[A-Za-z0-9_-]{43}$`))
    const exp = Date.parse(st.expirationTimestamp)
    assert.ok(Math.abs(exp - (Date.now() + 2 * 3600_000)) < 10_000, st.expirationTimestamp)
    const kc = parseYaml(st.kubeconfig)
    assert.equal(kc['current-context'], 'edge-1')
    assert.equal(kc.contexts[0].name, 'edge-1')
    const cluster = kc.clusters[0].cluster
    assert.equal(cluster.server, `${hub.url}${API}/clusters/edge-1/proxy`)
    assert.equal(Buffer.from(cluster['certificate-authority-data'], 'base64').toString(), hub.caCert)
    assert.equal(kc.users[0].user.token, st.token)

    // The hub stores the hash, never the secret.
    const stored = await hub.request(`${API}/accesstokens/${st.tokenID}`)
    const text = await stored.text()
    assert.equal(stored.status, 200, text)
    const secret = st.token.split('.')[1]
    assert.ok(!text.includes(secret), 'stored object contains the secret')
    const obj = JSON.parse(text)
    assert.match(obj.spec.secretHash, /^sha256:[0-9a-f]{64}$/)
    assert.deepEqual(obj.spec.user, ALICE)
    assert.equal(obj.spec.cluster, 'edge-1')
    assert.equal(obj.spec.description, 'debugging')
    assert.equal(obj.metadata.ownerReferences[0].kind, 'Cluster')
    // Nor does the audit log.
    await hub.api.server.flushAudit()
    assert.ok(!readFileSync(join(hub.dataDir, 'audit.log'), 'utf8').includes(secret), 'audit log contains the secret')
  })

  test('the token authenticates to the hub as the issuing user (kubectl auth whoami)', async () => {
    const t = await issueOk(ALICE_TOKEN, 'edge-1')
    const path = hubKubeconfig('alice-issued', t.token)
    for (const bin of kubectlBinaries()) {
      const k = new Kubectl(bin, path)
      const out = JSON.parse(await k.ok(['auth', 'whoami', '-o', 'json']))
      assert.deepEqual(out.status.userInfo, ALICE, `kubectl ${bin.version}`)
    }
    // Scoped to its cluster: elsewhere on the hub the token is not a credential at all, even
    // for paths alice herself is allowed or refused (401, where her own credential gets 403).
    assert.equal((await call(ALICE_TOKEN, 'GET', '/api/v1/namespaces/default/secrets')).status, 403)
    for (const path of [
      '/api/v1/namespaces/default/secrets',
      '/apis/platform.flotilla.dev/v1alpha1/clusters/edge-1',
      '/apis/platform.flotilla.dev/v1alpha1/clusters/edge-2/proxy/api/v1/pods',
      '/apis/platform.flotilla.dev/v1alpha1/clusters/edge-1/proxyx',
    ]) {
      const r = await call(t.token, 'GET', path)
      assert.equal(r.status, 401, `${path}: ${r.text}`)
    }
    // Use is recorded (off the request path, so it may trail the response a little).
    let lastUsed: string | undefined
    for (let i = 0; i < 100 && !lastUsed; i++) {
      const obj = (await (await hub.request(`${API}/accesstokens/${t.id}`)).json()) as Json
      lastUsed = obj.status?.lastUsedTimestamp
      if (!lastUsed) await new Promise((res) => setTimeout(res, 20))
    }
    assert.ok(lastUsed && Math.abs(Date.parse(lastUsed) - Date.now()) < 60_000, String(lastUsed))
  })

  test('404 for a cluster that does not exist', async () => {
    const r = await issue(ALICE_TOKEN, 'nope')
    assert.equal(r.status, 404, r.text)
    assert.equal(r.body.kind, 'Status')
    assert.match(r.body.message, /"nope" not found/)
  })

  test('bad lifetimes and bodies get 422/400 with the field', async () => {
    const cases: [Json | string, number, RegExp][] = [
      [{ ttl: 'abc' }, 422, /spec\.ttl: Invalid value: "abc": must be a duration/],
      [{ ttl: '0s' }, 422, /spec\.ttl.*at least 1m/],
      [{ ttl: '30s' }, 422, /spec\.ttl.*at least 1m/],
      [{ ttl: '31d' }, 422, /spec\.ttl.*at most 30d/],
      [{ ttl: 8 }, 422, /spec\.ttl/],
      [{ ttl: '-5m' }, 422, /spec\.ttl/],
      [{ expirationSeconds: -1 }, 422, /spec\.expirationSeconds.*at least 60/],
      [{ expirationSeconds: 1.5 }, 422, /spec\.expirationSeconds.*whole number/],
      [{ expirationSeconds: '3600' }, 422, /spec\.expirationSeconds.*whole number/],
      [{ expirationSeconds: 99999999999 }, 422, /spec\.expirationSeconds.*at most 2592000/],
      [{ ttl: '1h', expirationSeconds: 3600 }, 422, /not both/],
    ]
    for (const [spec, code, msg] of cases) {
      const r = await issue(ALICE_TOKEN, 'edge-1', spec as Json)
      assert.equal(r.status, code, `${JSON.stringify(spec)}: ${r.text}`)
      assert.equal(r.body.kind, 'Status')
      assert.match(r.body.message, msg)
    }
    const notJson = await call(ALICE_TOKEN, 'POST', `${API}/clusters/edge-1/kubeconfig`, '{nope')
    assert.equal(notJson.status, 400, notJson.text)
    const wrongKind = await call(ALICE_TOKEN, 'POST', `${API}/clusters/edge-1/kubeconfig`, { kind: 'Pod' })
    assert.equal(wrongKind.status, 400, wrongKind.text)
    const array = await call(ALICE_TOKEN, 'POST', `${API}/clusters/edge-1/kubeconfig`, [])
    assert.equal(array.status, 400, array.text)
    const get = await call(ALICE_TOKEN, 'GET', `${API}/clusters/edge-1/kubeconfig`)
    assert.ok(get.status === 403 || get.status === 405, get.text)
    // An empty body takes the defaults (8h).
    const empty = await call(ALICE_TOKEN, 'POST', `${API}/clusters/edge-1/kubeconfig`)
    assert.equal(empty.status, 201, empty.text)
    assert.ok(Math.abs(Date.parse(empty.body.status.expirationTimestamp) - (Date.now() + 8 * 3600_000)) < 10_000)
  })

  test('a kubeconfig token cannot issue another one', async () => {
    const t = await issueOk(ALICE_TOKEN, 'edge-1')
    // Out of the token's scope (401); the connector also refuses chaining (403) should the
    // scope ever widen.
    const r = await issue(t.token, 'edge-1')
    assert.equal(r.status, 401, r.text)
  })

  test('tokens cannot be created or re-bound through the API', async () => {
    const t = await issueOk(ALICE_TOKEN, 'edge-1')
    const post = await postJson(hub, `${API}/accesstokens`, {
      apiVersion: 'platform.flotilla.dev/v1alpha1',
      kind: 'AccessToken',
      metadata: { name: 'kt-aaaaaaaaaaaaaaaa' },
    })
    assert.equal(post.status, 405, await post.text())
    const apply = await hub.request(`${API}/accesstokens/kt-aaaaaaaaaaaaaaaa?fieldManager=x`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: JSON.stringify({
        apiVersion: 'platform.flotilla.dev/v1alpha1',
        kind: 'AccessToken',
        metadata: { name: 'kt-aaaaaaaaaaaaaaaa' },
      }),
    })
    assert.equal(apply.status, 405, await apply.text())
    const obj = (await (await hub.request(`${API}/accesstokens/${t.id}`)).json()) as Json
    obj.spec.user = { username: 'root', groups: ['system:masters'] }
    const put = await hub.request(`${API}/accesstokens/${t.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(obj),
    })
    assert.equal(put.status, 422, await put.text())
    const who = await call(t.token, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    })
    assert.equal(who.body.status.userInfo.username, 'alice')
  })
})

describe('owners list and revoke their own tokens', () => {
  test('a non-admin lists only their own; an unfiltered list is forbidden', async () => {
    const a = await issueOk(ALICE_TOKEN, 'edge-2')
    const b = await issueOk(BOB_TOKEN, 'edge-2')
    for (const bin of kubectlBinaries()) {
      const k = new Kubectl(bin, aliceKubeconfig)
      const out = JSON.parse(
        await k.ok(['get', 'accesstokens', '--field-selector', 'spec.user.username=alice', '-o', 'json']),
      )
      const names = out.items.map((i: Json) => i.metadata.name)
      assert.ok(names.includes(a.id), `kubectl ${bin.version}`)
      assert.ok(!names.includes(b.id))
      assert.ok(out.items.every((i: Json) => i.spec.user.username === 'alice'))
      const table = await k.ok(['get', 'accesstokens', '--field-selector', 'spec.user.username=alice'])
      assert.match(table, /CLUSTER\s+USER\s+EXPIRES/)
      const denied = await k.run(['get', 'accesstokens'])
      assert.notEqual(denied.code, 0)
      assert.match(denied.stderr, /forbidden/i)
      const other = await k.run(['get', 'accesstokens', '--field-selector', 'spec.user.username=bob'])
      assert.notEqual(other.code, 0)
      const notEq = await k.run(['get', 'accesstokens', '--field-selector', 'spec.user.username!=alice'])
      assert.notEqual(notEq.code, 0)
    }
    // Watches pinned to oneself work too.
    const w = await call(
      ALICE_TOKEN,
      'GET',
      `${API}/accesstokens?watch=1&timeoutSeconds=1&fieldSelector=spec.user.username%3Dalice`,
    )
    assert.equal(w.status, 200, w.text)
    assert.ok(w.text.includes(a.id) && !w.text.includes(b.id))
    // Get of one's own token, not of another's.
    assert.equal((await call(ALICE_TOKEN, 'GET', `${API}/accesstokens/${a.id}`)).status, 200)
    assert.equal((await call(ALICE_TOKEN, 'GET', `${API}/accesstokens/${b.id}`)).status, 403)
  })

  test("a non-admin cannot revoke another user's token (403) but revokes their own; revoked fails at once", async () => {
    const a = await issueOk(ALICE_TOKEN, 'edge-1')
    const b = await issueOk(BOB_TOKEN, 'edge-1')
    const denied = await call(BOB_TOKEN, 'DELETE', `${API}/accesstokens/${a.id}`)
    assert.equal(denied.status, 403, denied.text)
    assert.equal(denied.body.reason, 'Forbidden')
    // Nor with bob's kubeconfig token.
    assert.equal((await call(b.token, 'DELETE', `${API}/accesstokens/${a.id}`)).status, 403)
    const who = () =>
      call(a.token, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
      })
    assert.equal((await who()).status, 201)
    const del = await call(ALICE_TOKEN, 'DELETE', `${API}/accesstokens/${a.id}`)
    assert.equal(del.status, 200, del.text)
    // The very next request, no waiting.
    const after = await who()
    assert.equal(after.status, 401, after.text)
    assert.equal(after.body.reason, 'Unauthorized')
    // Bob's token is untouched; bob revokes his own with his kubeconfig token.
    const del2 = await call(b.token, 'DELETE', `${API}/accesstokens/${b.id}`)
    assert.equal(del2.status, 200, del2.text)
    assert.equal((await call(b.token, 'GET', '/api')).status, 401)
  })

  test('revoking with kubectl takes effect before kubectl returns', async () => {
    for (const bin of kubectlBinaries()) {
      const t = await issueOk(ALICE_TOKEN, 'edge-1')
      const k = new Kubectl(bin, aliceKubeconfig)
      await k.ok(['delete', 'accesstokens', t.id])
      assert.equal((await call(t.token, 'GET', '/api')).status, 401, `kubectl ${bin.version}`)
    }
  })

  test("an administrator lists and revokes everyone's", async () => {
    const a = await issueOk(ALICE_TOKEN, 'edge-2')
    const all = (await (await hub.request(`${API}/accesstokens`)).json()) as Json
    const users = new Set(all.items.map((i: Json) => i.spec.user.username))
    assert.ok(users.has('alice') && users.has('bob'))
    const del = await hub.request(`${API}/accesstokens/${a.id}`, { method: 'DELETE' })
    assert.equal(del.status, 200)
    assert.equal((await call(a.token, 'GET', '/api')).status, 401)
  })
})

describe('expiry and malformed tokens', () => {
  test('deleting a cluster revokes its kubeconfigs (the token is owned by the Cluster)', async () => {
    const created = await postJson(hub, `${API}/clusters`, {
      apiVersion: 'platform.flotilla.dev/v1alpha1',
      kind: 'Cluster',
      metadata: { name: 'short-lived' },
      spec: { connection: { mode: 'Import', kubeconfigSecretRef: { name: 'short-lived-kubeconfig' } } },
    })
    assert.equal(created.status, 201, await created.text())
    const t = await issueOk(ALICE_TOKEN, 'short-lived')
    const other = await issueOk(ALICE_TOKEN, 'edge-1')
    const del = await hub.request(`${API}/clusters/short-lived`, { method: 'DELETE' })
    assert.ok(del.status === 200 || del.status === 202, await del.text())
    // The cluster controller releases its cleanup finalizer; do it here in case it is not running.
    const release = await hub.request(`${API}/clusters/short-lived`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { finalizers: null } }),
    })
    assert.ok(release.status === 200 || release.status === 404, await release.text())
    let status = 0
    for (let i = 0; i < 200; i++) {
      status = (await call(t.token, 'GET', '/api')).status
      if (status === 401) break
      await new Promise((r) => setTimeout(r, 25))
    }
    assert.equal(status, 401)
    assert.equal((await call(other.token, 'GET', '/api')).status, 200)
  })

  test('an expired token fails at once with 401; expiry can be moved earlier, never later', async () => {
    const t = await issueOk(ALICE_TOKEN, 'edge-1', { ttl: '1h' })
    assert.equal((await call(t.token, 'GET', '/api')).status, 200)
    const obj = (await (await hub.request(`${API}/accesstokens/${t.id}`)).json()) as Json
    const later = {
      ...obj,
      spec: { ...obj.spec, expirationTimestamp: new Date(Date.now() + 48 * 3600_000).toISOString() },
    }
    const extend = await hub.request(`${API}/accesstokens/${t.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(later),
    })
    assert.equal(extend.status, 422, await extend.text())
    obj.spec.expirationTimestamp = new Date(Date.now() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const put = await hub.request(`${API}/accesstokens/${t.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(obj),
    })
    assert.equal(put.status, 200, await put.text())
    const r = await call(t.token, 'GET', '/api')
    assert.equal(r.status, 401, r.text)
    assert.equal(r.body.kind, 'Status')
  })

  test('garbage and malformed tokens get 401, never 500', async () => {
    const t = await issueOk(ALICE_TOKEN, 'edge-1')
    const [, secret] = t.token.split('.')
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1)
    const bad = [
      'flt_',
      'flt_.',
      `flt_${t.id}`,
      `flt_${t.id}.`,
      `flt_${t.id}.${flip(secret)}`,
      `flt_${t.id}.${secret}x`,
      `flt_${t.id}.${secret.slice(1)}`,
      `flt_kt-aaaaaaaaaaaaaaaa.${secret}`,
      `flt_${t.id.toUpperCase()}.${secret}`,
      `flt_${t.id}..${secret}`,
      `FLT_${t.id}.${secret}`,
      `flt_${'x'.repeat(5000)}.${secret}`,
      `flt_${t.id}.${'%'.repeat(43)}`,
      `flt_../../${t.id}.${secret}`,
      'flt_constructor.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'flt___proto__.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ]
    for (const token of bad) {
      const r = await call(token, 'GET', '/api')
      assert.equal(r.status, 401, `${token.slice(0, 60)}: ${r.text}`)
      assert.equal(r.body.reason, 'Unauthorized')
    }
    for (const header of [`Basic ${t.token}`, `Bearer`, `Bearer ${t.token} extra`, `bearer  ${t.token}x`]) {
      const r = await undiciFetch(`${hub.url}/api`, { headers: { authorization: header }, dispatcher: agent })
      assert.equal(r.status, 401, header.slice(0, 30))
      await r.text()
    }
    // The genuine one still works.
    assert.equal((await call(t.token, 'GET', '/api')).status, 200)
  })
})

describe('flotilla kubeconfig (CLI)', () => {
  test('cluster prints a working kubeconfig, -o writes it 0600; list and revoke', async () => {
    const printed = await cli(['cluster', 'edge-1', '--ttl', '90m', '--hub-kubeconfig', aliceKubeconfig])
    assert.equal(printed.code, 0, printed.stderr)
    const kc = parseYaml(printed.stdout)
    assert.equal(kc['current-context'], 'edge-1')
    assert.match(printed.stderr, /Issued token kt-[a-z2-7]{16} for cluster "edge-1"/)
    assert.ok(!printed.stderr.includes(kc.users[0].user.token), 'token echoed on stderr')

    const file = join(dir, 'edge-1.kubeconfig')
    writeFileSync(file, 'old', { mode: 0o644 })
    const written = await cli(['cluster', 'edge-1', '-o', file, '--description', 'cli test'], {
      FLOTILLA_HUB_KUBECONFIG: aliceKubeconfig,
    })
    assert.equal(written.code, 0, written.stderr)
    assert.equal(written.stdout, '')
    assert.equal(statSync(file).mode & 0o777, 0o600)
    const token = parseYaml(readFileSync(file, 'utf8')).users[0].user.token as string
    const id = /^flt_(kt-[a-z2-7]{16})\./.exec(token)![1]
    // The written token is alice.
    const who = JSON.parse(
      await new Kubectl(kubectlBinaries()[0], hubKubeconfig('cli-issued', token)).ok(['auth', 'whoami', '-o', 'json']),
    )
    assert.equal(who.status.userInfo.username, 'alice')

    const listed = await cli(['list', '--hub-kubeconfig', aliceKubeconfig])
    assert.equal(listed.code, 0, listed.stderr)
    const lines = listed.stdout.trim().split('\n')
    assert.match(lines[0], /^ID\s+CLUSTER\s+USER\s+EXPIRES\s+LAST USED\s+AGE\s+DESCRIPTION$/)
    assert.ok(lines.some((l) => l.startsWith(id) && l.includes('cli test')))
    assert.ok(
      lines.slice(1).every((l) => /\salice\s/.test(l)),
      listed.stdout,
    )

    // Bob sees none of alice's, cannot revoke hers, and --all is for administrators.
    const bobList = await cli(['list', '--hub-kubeconfig', bobKubeconfig])
    assert.equal(bobList.code, 0, bobList.stderr)
    assert.ok(!bobList.stdout.includes(id))
    const bobRevoke = await cli(['revoke', id, '--hub-kubeconfig', bobKubeconfig])
    assert.equal(bobRevoke.code, 1)
    assert.match(bobRevoke.stderr, /forbidden/)
    const bobAll = await cli(['list', '--all', '--hub-kubeconfig', bobKubeconfig])
    assert.equal(bobAll.code, 1)
    assert.match(bobAll.stderr, /forbidden/)
    const adminAll = await cli(['list', '--all', '--hub-kubeconfig', hub.adminKubeconfig])
    assert.equal(adminAll.code, 0, adminAll.stderr)
    assert.ok(adminAll.stdout.includes(id))

    const revoked = await cli(['revoke', id, '--hub-kubeconfig', aliceKubeconfig])
    assert.equal(revoked.code, 0, revoked.stderr)
    assert.match(revoked.stdout, new RegExp(`Revoked ${id}`))
    assert.equal((await call(token, 'GET', '/api')).status, 401)
    const again = await cli(['revoke', id, '--hub-kubeconfig', hub.adminKubeconfig])
    assert.equal(again.code, 1)
    assert.match(again.stderr, /not found/)
  })

  test('clear errors: bad flags (exit 2), missing cluster, bad credentials, unreachable hub (exit 1)', async () => {
    const badTtl = await cli(['cluster', 'edge-1', '--ttl', 'forever', '--hub-kubeconfig', aliceKubeconfig])
    assert.equal(badTtl.code, 2)
    assert.match(badTtl.stderr, /--ttl must be a duration/)
    const tooLong = await cli(['cluster', 'edge-1', '--ttl', '400d', '--hub-kubeconfig', aliceKubeconfig])
    assert.equal(tooLong.code, 2)
    assert.match(tooLong.stderr, /at most 30d/)
    assert.equal((await cli(['cluster', '--hub-kubeconfig', aliceKubeconfig])).code, 2)
    assert.equal((await cli(['frobnicate'])).code, 2)
    assert.equal((await cli(['revoke', 'not-an-id', '--hub-kubeconfig', aliceKubeconfig])).code, 2)

    const missing = await cli(['cluster', 'nope', '--hub-kubeconfig', aliceKubeconfig])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /cluster "nope" not found/)

    const wrong = await cli(['list', '--hub-kubeconfig', hubKubeconfig('wrong', 'not-a-valid-token')])
    assert.equal(wrong.code, 1)
    assert.match(wrong.stderr, /401 Unauthorized/)

    const noFile = await cli(['list'])
    assert.equal(noFile.code, 1)
    assert.match(noFile.stderr, /no hub kubeconfig at .*\.flotilla\/admin\.kubeconfig/)

    const down = join(dir, 'down.kubeconfig')
    writeFileSync(
      down,
      renderKubeconfig({
        name: 'hub',
        server: 'https://127.0.0.1:1',
        token: ALICE_TOKEN,
        certificateAuthorityData: Buffer.from(hub.caCert).toString('base64'),
      }),
    )
    const unreachable = await cli(['list', '--hub-kubeconfig', down])
    assert.equal(unreachable.code, 1)
    assert.match(unreachable.stderr, /cannot reach the hub at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/)
    assert.ok(!unreachable.stderr.includes(ALICE_TOKEN))
  })
})

describe('through the proxy to a member', () => {
  let sim: TestSim

  before(async () => {
    sim = await startTestSim({ name: 'sim-k', nodes: 1 })
    await importSim(hub, sim, 'sim-k')
    // On the hub alice may use the proxy (platform user); in the member her mapped identity
    // may only read.
    const hubBinding = await postJson(hub, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'alice-platform-user' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'flotilla:platform-user' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
    })
    assert.equal(hubBinding.status, 201, await hubBinding.text())
    for (const [path, obj] of [
      [
        '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'hub-alice-view' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'flotilla:hub:alice' }],
        },
      ],
      [
        '/api/v1/namespaces/default/pods',
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'web-0', namespace: 'default' },
          spec: { containers: [{ name: 'web', image: 'nginx' }] },
        },
      ],
    ] as const) {
      const r = await sim.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(obj),
      })
      assert.equal(r.status, 201, await r.text())
    }
    await sim.settle()
  })

  after(async () => {
    await sim?.dispose()
  })

  test('kubectl with an issued kubeconfig gets pods in the member as the hub user; revoked, it gets 401', async () => {
    const out = await cli([
      'cluster',
      'sim-k',
      '--ttl',
      '1h',
      '-o',
      join(dir, 'sim-k.kubeconfig'),
      '--hub-kubeconfig',
      aliceKubeconfig,
    ])
    assert.equal(out.code, 0, out.stderr)
    const path = join(dir, 'sim-k.kubeconfig')
    const id = /Wrote .* \(token (kt-[a-z2-7]{16}) /.exec(out.stderr)![1]
    for (const bin of kubectlBinaries()) {
      const k = new Kubectl(bin, path)
      const pods = await k.ok(['get', 'pods', '-n', 'default'])
      assert.match(pods, /web-0/, `kubectl ${bin.version}`)
      const who = JSON.parse(await k.ok(['auth', 'whoami', '-o', 'json']))
      assert.equal(who.status.userInfo.username, 'flotilla:hub:alice')
      // The member's own RBAC still decides: view does not allow creating.
      const create = await k.run(['create', 'configmap', 'nope', '-n', 'default'])
      assert.notEqual(create.code, 0)
      assert.match(create.stderr, /forbidden/i)
    }
    const revoked = await cli(['revoke', id, '--hub-kubeconfig', aliceKubeconfig])
    assert.equal(revoked.code, 0, revoked.stderr)
    for (const bin of kubectlBinaries()) {
      const r = await new Kubectl(bin, path).run(['get', 'pods', '-n', 'default'])
      assert.notEqual(r.code, 0)
      assert.match(r.stderr, /Unauthorized|must be logged in/i, `kubectl ${bin.version}`)
    }
  })
})
