// The hub's audit log against a real hub and real kubectl: changes are logged with the
// audit.k8s.io/v1 fields, reads are not, refusals and impersonation are recorded, member-proxy
// requests are logged whatever their verb, secrets and tokens never reach the file, and the
// file rotates by size.

import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Agent, fetch as undiciFetch } from 'undici'
import type { AuditEvent } from '../../src/apiserver/audit/events.ts'
import { StaticTokenAuthenticator } from '../../src/apiserver/authn.ts'
import { writeKubeconfig } from '../../src/cli/kubeconfig.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { eventually, startTestSim } from '../helpers/sim.ts'

const KUBECTL_133 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33'

function kubectlFor(kubeconfig: string): Kubectl | undefined {
  const bin = existsSync(KUBECTL_133) ? { version: '1.33', path: KUBECTL_133 } : kubectlBinaries().at(-1)
  return bin ? new Kubectl(bin, kubeconfig) : undefined
}

function readEvents(path: string): AuditEvent[] {
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditEvent)
}

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/

describe('audit log (hub)', () => {
  let hub: TestHub
  let kubectl: Kubectl | undefined
  let log: string
  const events = async (): Promise<AuditEvent[]> => {
    await hub.api.server.flushAudit()
    return readEvents(log)
  }
  const find = (evs: AuditEvent[], verb: string, resource: string, name?: string) =>
    evs.filter((e) => e.verb === verb && e.objectRef?.resource === resource && (!name || e.objectRef?.name === name))

  // A bearer-token identity besides the admin's client certificate: its token must never be logged.
  const TOKEN = randomBytes(24).toString('base64url')
  let tokenKubectl: Kubectl | undefined

  before(async () => {
    const tokens = new StaticTokenAuthenticator()
    tokens.add(TOKEN, { username: 'token-user', groups: ['system:masters', 'system:authenticated'] })
    hub = await startTestHub({ authenticators: [tokens] })
    log = join(hub.dataDir, 'audit.log')
    kubectl = kubectlFor(hub.adminKubeconfig)
    const tokenKubeconfig = join(hub.dataDir, 'token.kubeconfig')
    writeKubeconfig(tokenKubeconfig, {
      name: 'token',
      server: hub.url,
      token: TOKEN,
      certificateAuthorityData: Buffer.from(hub.caCert).toString('base64'),
    })
    tokenKubectl = kubectlFor(tokenKubeconfig)
  })
  after(async () => {
    await hub?.dispose()
  })

  it('logs creates, patches and deletes with the Event fields, and not reads', async (t) => {
    if (!kubectl) return t.skip('no kubectl')
    await kubectl.ok(['create', 'configmap', 'cm1', '--from-literal=k=v'])
    await kubectl.ok(['patch', 'configmap', 'cm1', '-p', '{"data":{"k":"v2"}}'])
    await kubectl.ok(['get', 'configmap', 'cm1'])
    await kubectl.ok(['get', 'configmaps'])
    await kubectl.ok(['delete', 'configmap', 'cm1'])
    const evs = await events()

    const [created] = find(evs, 'create', 'configmaps', 'cm1')
    assert.ok(created, JSON.stringify(evs, null, 1))
    assert.equal(created.kind, 'Event')
    assert.equal(created.apiVersion, 'audit.k8s.io/v1')
    assert.equal(created.level, 'Metadata')
    assert.equal(created.stage, 'ResponseComplete')
    assert.match(created.auditID, /^[0-9a-f-]{36}$/)
    assert.match(created.requestURI, /^\/api\/v1\/namespaces\/default\/configmaps(\?|$)/)
    assert.deepEqual(created.objectRef, { resource: 'configmaps', namespace: 'default', name: 'cm1', apiVersion: 'v1' })
    assert.deepEqual(created.responseStatus, { metadata: {}, code: 201 })
    assert.equal(created.user.username, 'flotilla-admin')
    assert.ok(created.user.groups?.includes('system:masters'))
    assert.equal(created.impersonatedUser, undefined)
    assert.deepEqual(created.sourceIPs, ['127.0.0.1'])
    assert.match(created.userAgent ?? '', /^kubectl/)
    assert.match(created.requestReceivedTimestamp, MICRO_TIME)
    assert.match(created.stageTimestamp, MICRO_TIME)
    assert.ok(created.stageTimestamp >= created.requestReceivedTimestamp)
    assert.equal(created.annotations?.['authorization.k8s.io/decision'], 'allow')
    assert.equal(typeof created.annotations?.['authorization.k8s.io/reason'], 'string')

    const [patched] = find(evs, 'patch', 'configmaps', 'cm1')
    assert.equal(patched?.responseStatus?.code, 200)
    const [deleted] = find(evs, 'delete', 'configmaps', 'cm1')
    assert.equal(deleted?.responseStatus?.code, 200)
    assert.ok(evs.indexOf(created) < evs.indexOf(patched) && evs.indexOf(patched) < evs.indexOf(deleted))

    for (const e of evs) assert.ok(!['get', 'list', 'watch'].includes(e.verb), `read logged: ${JSON.stringify(e)}`)
  })

  it('uses the Audit-Id the response carries as auditID', async () => {
    const r = await hub.request('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } }),
    })
    assert.equal(r.status, 201)
    const created = (await r.json()) as { metadata: { name: string } }
    const id = r.headers.get('audit-id')
    const ev = (await events()).find((e) => e.auditID === id)
    assert.ok(ev)
    assert.equal(ev.objectRef?.name, created.metadata.name)
  })

  it('records impersonation, and a refusal with 403', async (t) => {
    if (!kubectl) return t.skip('no kubectl')
    await kubectl.ok(['--as=bob', '--as-group=system:masters', 'create', 'configmap', 'by-bob'])
    const denied = await kubectl.run(['--as=mallory', 'create', 'configmap', 'by-mallory'])
    assert.notEqual(denied.code, 0)
    assert.match(denied.stderr, /forbidden/)
    const evs = await events()

    const [bob] = find(evs, 'create', 'configmaps', 'by-bob')
    assert.equal(bob?.user.username, 'flotilla-admin')
    assert.equal(bob.impersonatedUser?.username, 'bob')
    assert.ok(bob.impersonatedUser?.groups?.includes('system:masters'))
    assert.equal(bob.responseStatus?.code, 201)

    const refused = evs.filter((e) => e.verb === 'create' && e.impersonatedUser?.username === 'mallory')
    assert.equal(refused.length, 1, JSON.stringify(evs.slice(-3), null, 1))
    const [m] = refused
    assert.equal(m.responseStatus?.code, 403)
    assert.equal(m.responseStatus?.status, 'Failure')
    assert.equal(m.responseStatus?.reason, 'Forbidden')
    assert.match(m.responseStatus?.message ?? '', /mallory/)
    assert.equal(m.annotations?.['authorization.k8s.io/decision'], 'forbid')
    assert.equal(m.objectRef?.resource, 'configmaps')
  })

  it('records an unauthenticated change attempt with 401', async () => {
    const anonymous = new Agent({ connect: { ca: hub.caCert } })
    try {
      const r = await undiciFetch(`${hub.url}/api/v1/namespaces/default/configmaps?token=leaky`, {
        method: 'POST',
        headers: { authorization: 'Bearer not-a-real-token', 'content-type': 'application/json' },
        body: '{}',
        dispatcher: anonymous,
      })
      assert.equal(r.status, 401)
      const id = r.headers.get('audit-id')
      const ev = (await events()).find((e) => e.auditID === id)
      assert.ok(ev)
      assert.deepEqual(ev.user, {})
      assert.equal(ev.responseStatus?.code, 401)
      assert.equal(ev.requestURI, '/api/v1/namespaces/default/configmaps?token=REDACTED')
      assert.equal(readFileSync(log, 'utf8').includes('not-a-real-token'), false)
    } finally {
      await anonymous.close()
    }
  })

  it('never writes secret data or bearer tokens', async (t) => {
    if (!tokenKubectl) return t.skip('no kubectl')
    await tokenKubectl.ok(['create', 'secret', 'generic', 's', '--from-literal=password=hunter2'])
    await tokenKubectl.ok(['patch', 'secret', 's', '-p', '{"stringData":{"password":"hunter3"}}'])
    await tokenKubectl.ok(['get', 'secret', 's', '-o', 'yaml'])
    const evs = await events()
    const [created] = find(evs, 'create', 'secrets', 's')
    assert.equal(created?.user.username, 'token-user')
    assert.equal(find(evs, 'patch', 'secrets', 's').length, 1)
    const text = readFileSync(log, 'utf8')
    for (const secret of ['hunter2', 'hunter3', Buffer.from('hunter2').toString('base64').replace(/=+$/, ''), TOKEN]) {
      assert.equal(text.includes(secret), false, `the audit log contains ${secret}`)
    }
    assert.equal(/bearer/i.test(text), false)
  })

  it('logs every request to a member through the cluster proxy, reads included', async () => {
    const base = '/apis/platform.flotilla.dev/v1alpha1/clusters/x/proxy'
    const list = await hub.request(`${base}/api/v1/pods`)
    const ac = new AbortController()
    const watch = await hub
      .request(`${base}/api/v1/namespaces/default/pods?watch=true`, { signal: ac.signal })
      .catch(() => undefined)
    ac.abort()
    await watch?.body?.cancel().catch(() => {})
    const evs = await events()

    const listed = evs.find((e) => e.auditID === list.headers.get('audit-id'))
    assert.ok(listed, 'the proxied list is logged')
    assert.equal(listed.verb, 'get')
    assert.equal(listed.responseStatus?.code, list.status)
    assert.deepEqual(listed.objectRef, {
      resource: 'clusters',
      name: 'x',
      apiGroup: 'platform.flotilla.dev',
      apiVersion: 'v1alpha1',
      subresource: 'proxy',
    })
    assert.equal(listed.annotations?.['platform.flotilla.dev/cluster'], 'x')
    assert.equal(listed.annotations?.['platform.flotilla.dev/member-verb'], 'list')
    assert.equal(listed.annotations?.['platform.flotilla.dev/member-resource'], 'pods')

    const watched = evs.find((e) => e.annotations?.['platform.flotilla.dev/member-verb'] === 'watch')
    assert.ok(watched, 'the proxied watch is logged')
    assert.equal(watched.annotations?.['platform.flotilla.dev/member-namespace'], 'default')
  })
})

describe('audit log options (hub)', () => {
  it('rotates by size, keeping maxBackups files of whole lines', async () => {
    const hub = await startTestHub({ audit: { maxSizeMB: 4096 / (1024 * 1024), maxBackups: 2 } })
    try {
      const names: string[] = []
      for (let i = 0; i < 40; i++) {
        const name = `rot-${i}`
        names.push(name)
        const r = await hub.request('/api/v1/namespaces/default/configmaps', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }),
        })
        assert.equal(r.status, 201)
      }
      await hub.api.server.flushAudit()
      const files = readdirSync(hub.dataDir).filter((f) => f.startsWith('audit'))
      const backups = files.filter((f) => f !== 'audit.log').sort()
      assert.equal(backups.length, 2, files.join(' '))
      for (const b of backups) assert.match(b, /^audit-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}\.log$/)
      const evs = [...backups, 'audit.log'].flatMap((f) => readEvents(join(hub.dataDir, f)))
      for (const f of files) assert.ok(readFileSync(join(hub.dataDir, f)).length <= 4096, f)
      const logged = evs.map((e) => e.objectRef?.name)
      // The newest events survive, in order, ending with the last create.
      assert.deepEqual(logged, names.slice(names.length - logged.length))
    } finally {
      await hub.dispose()
    }
  })

  it('writes nothing when the path is empty, and flushes on close', async () => {
    const off = await startTestHub({ audit: { path: '' } })
    try {
      const r = await off.request('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'quiet' } }),
      })
      assert.equal(r.status, 201)
      await off.close()
      assert.equal(existsSync(join(off.dataDir, 'audit.log')), false)
    } finally {
      await off.dispose()
    }

    const on = await startTestHub()
    try {
      const r = await on.request('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'loud' } }),
      })
      assert.equal(r.status, 201)
      await r.arrayBuffer()
      await on.close()
      const evs = readEvents(join(on.dataDir, 'audit.log'))
      assert.equal(evs.filter((e) => e.objectRef?.name === 'loud').length, 1)
    } finally {
      await on.dispose()
    }
  })
})

describe('audit log (simulated member)', () => {
  it('is off by default, and when enabled logs exec sessions with 101', async (t) => {
    const plain = await startTestSim({ name: 'quiet' })
    try {
      assert.equal(existsSync(join(plain.dataDir, 'audit.log')), false)
    } finally {
      await plain.dispose()
    }

    const dir = mkdtempSync(join(tmpdir(), 'flotilla-audit-'))
    const path = join(dir, 'member', 'audit.log')
    const sim = await startTestSim({ name: 'audited', nodes: 1, audit: { path } })
    try {
      const k = kubectlFor(sim.kubeconfig)
      if (!k) return t.skip('no kubectl')
      await k.ok(['run', 'shell', '--image=busybox'])
      await k.ok(['wait', '--for=condition=Ready', 'pod/shell', '--timeout=60s'], { timeoutMs: 90_000 })
      assert.equal((await k.ok(['exec', 'shell', '--', 'hostname'])).trim(), 'shell')
      await k.ok(['logs', 'shell'])
      await sim.server.server.flushAudit()
      const evs = await eventually(
        () => {
          const all = readEvents(path)
          return all.some((e) => e.objectRef?.subresource === 'exec') && all
        },
        { what: 'the exec session in the audit log' },
      )
      const exec = evs.find((e) => e.objectRef?.subresource === 'exec')
      // kubectl 1.33 execs over WebSocket, a GET; older ones over SPDY, a POST.
      if (k.bin.version === '1.33') assert.equal(exec?.verb, 'get')
      else assert.ok(exec?.verb === 'get' || exec?.verb === 'create', exec?.verb)
      assert.deepEqual(exec?.objectRef, {
        resource: 'pods',
        namespace: 'default',
        name: 'shell',
        apiVersion: 'v1',
        subresource: 'exec',
      })
      assert.equal(exec?.responseStatus?.code, 101)
      assert.ok(
        evs.some((e) => e.verb === 'create' && e.objectRef?.resource === 'pods' && e.objectRef.name === 'shell'),
      )
      assert.equal(
        evs.some((e) => e.objectRef?.subresource === 'log'),
        false,
      )
    } finally {
      await sim.dispose()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
