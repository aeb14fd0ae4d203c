// The hub's identities: the administrator's kubeconfig carries a client certificate (no token)
// that kubectl uses with TLS verification and that survives restarts; anonymous requests get
// 401; the platform roles exist, reconcile on restart and grant what admin / user / viewer
// mean; ServiceAccount tokens work on the hub; `flotilla server` serves beyond loopback with
// --tls-san names in its certificate.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { connect } from 'node:tls'
import { Agent, fetch } from 'undici'
import { parse } from 'yaml'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { eventually } from '../helpers/sim.ts'

const bins = kubectlBinaries()
const CLUSTERS = 'clusters.platform.flotilla.dev'

let hub: TestHub
let dataDir: string

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hub-identities-'))
  hub = await startTestHub({ dataDir, tlsSANs: ['hub.flotilla.test', '10.1.2.3'] })
})
after(async () => {
  await hub?.dispose()
  rmSync(dataDir, { recursive: true, force: true })
})

function adminUser(): Record<string, string> {
  const kc = parse(readFileSync(hub.adminKubeconfig, 'utf8'))
  return kc.users[0].user
}

describe('hub admin kubeconfig', () => {
  it('holds the CA and a client certificate for flotilla-admin in system:masters, and no token', () => {
    const kc = parse(readFileSync(hub.adminKubeconfig, 'utf8'))
    assert.ok(kc.clusters[0].cluster['certificate-authority-data'])
    assert.equal(kc.clusters[0].cluster['insecure-skip-tls-verify'], undefined)
    const user = adminUser()
    assert.equal(user.token, undefined)
    const cert = new X509Certificate(Buffer.from(user['client-certificate-data'], 'base64'))
    assert.match(cert.subject, /CN=flotilla-admin/)
    assert.match(cert.subject, /O=system:masters/)
    assert.ok(cert.checkIssued(new X509Certificate(hub.caCert)))
    assert.ok(user['client-key-data'])
    assert.equal(statSync(hub.adminKubeconfig).mode & 0o777, 0o600)
    assert.equal(existsSync(join(hub.dataDir, 'admin.token')), false)
  })

  for (const bin of bins) {
    it(`kubectl ${bin.version} uses it with TLS verification`, async () => {
      const k = new Kubectl(bin, hub.adminKubeconfig)
      const who = JSON.parse(await k.ok(['auth', 'whoami', '-o', 'json'])).status.userInfo
      assert.equal(who.username, 'flotilla-admin')
      assert.deepEqual(who.groups, ['system:masters', 'system:authenticated'])
      assert.match(await k.ok(['get', 'namespaces', '-o', 'name']), /namespace\/flotilla-system/)
      const clusters = await k.run(['get', CLUSTERS])
      assert.equal(clusters.code, 0, clusters.stderr)
    })
  }

  it('answers anonymous requests with 401', async () => {
    const dispatcher = new Agent({ connect: { ca: hub.caCert } })
    try {
      for (const path of ['/api/v1/namespaces', '/apis/platform.flotilla.dev/v1alpha1/clusters', '/api']) {
        const r = await fetch(`${hub.url}${path}`, { dispatcher })
        assert.equal(r.status, 401)
        assert.equal(((await r.json()) as { reason: string }).reason, 'Unauthorized')
      }
      const bogus = await fetch(`${hub.url}/api/v1/namespaces`, {
        dispatcher,
        headers: { authorization: 'Bearer not-a-token' },
      })
      assert.equal(bogus.status, 401)
      await bogus.arrayBuffer()
    } finally {
      await dispatcher.close()
    }
  })

  it('serves a certificate with the --tls-san names', async () => {
    const peer = await new Promise<X509Certificate>((done, fail) => {
      const s = connect({
        host: '127.0.0.1',
        port: hub.api.address.port,
        ca: hub.caCert,
        servername: 'hub.flotilla.test',
      })
      s.once('secureConnect', () => {
        done(s.getPeerX509Certificate()!)
        s.end()
      })
      s.once('error', fail)
    })
    assert.match(peer.subjectAltName ?? '', /DNS:hub\.flotilla\.test/)
    assert.match(peer.subjectAltName ?? '', /IP Address:10\.1\.2\.3/)
  })
})

describe('platform roles', () => {
  const bin = bins[bins.length - 1]

  before(async () => {
    if (!bin) return
    const k = new Kubectl(bin, hub.adminKubeconfig)
    for (const [user, role] of [
      ['pat-admin', 'flotilla:platform-admin'],
      ['uma-user', 'flotilla:platform-user'],
      ['vic-viewer', 'flotilla:platform-viewer'],
    ]) {
      await k.ok(['create', 'clusterrolebinding', `${user}-binding`, '--clusterrole', role, '--user', user])
    }
    await hub.settle()
  })

  it('exist with the kubeconfig-requester binding for every authenticated user', async (t) => {
    if (!bin) return t.skip('no kubectl')
    const k = new Kubectl(bin, hub.adminKubeconfig)
    const names = await k.ok(['get', 'clusterroles', '-o', 'name'])
    for (const r of ['platform-admin', 'platform-user', 'platform-viewer', 'kubeconfig-requester']) {
      assert.match(names, new RegExp(`clusterrole\\.rbac\\.authorization\\.k8s\\.io/flotilla:${r}\\n`))
    }
    const b = JSON.parse(await k.ok(['get', 'clusterrolebinding', 'flotilla:kubeconfig-requester', '-o', 'json']))
    assert.equal(b.roleRef.name, 'flotilla:kubeconfig-requester')
    assert.deepEqual(
      b.subjects.map((s: { kind: string; name: string }) => `${s.kind}/${s.name}`),
      ['Group/system:authenticated'],
    )
  })

  // [as, verb, resource, subresource, expected]
  const cases: [string, string, string, string, boolean][] = [
    ['pat-admin', 'create', CLUSTERS, '', true],
    ['pat-admin', 'delete', CLUSTERS, 'proxy', true],
    ['pat-admin', 'delete', 'clusterroles', '', true],
    ['pat-admin', 'create', 'secrets', '', true],
    ['uma-user', 'list', CLUSTERS, '', true],
    ['uma-user', 'watch', CLUSTERS, '', true],
    ['uma-user', 'create', CLUSTERS, '', false],
    ['uma-user', 'delete', CLUSTERS, '', false],
    ['uma-user', 'get', CLUSTERS, 'proxy', true],
    ['uma-user', 'create', CLUSTERS, 'proxy', true],
    ['uma-user', 'patch', CLUSTERS, 'proxy', true],
    ['uma-user', 'delete', CLUSTERS, 'proxy', true],
    ['uma-user', 'create', CLUSTERS, 'kubeconfig', true],
    ['uma-user', 'list', 'namespaces', '', true],
    ['uma-user', 'create', 'namespaces', '', false],
    ['uma-user', 'list', 'events', '', true],
    ['uma-user', 'list', 'secrets', '', false],
    ['uma-user', 'create', 'clusterrolebindings', '', false],
    ['vic-viewer', 'get', CLUSTERS, '', true],
    ['vic-viewer', 'list', CLUSTERS, '', true],
    ['vic-viewer', 'update', CLUSTERS, '', false],
    ['vic-viewer', 'get', CLUSTERS, 'proxy', true],
    ['vic-viewer', 'create', CLUSTERS, 'proxy', false],
    ['vic-viewer', 'delete', CLUSTERS, 'proxy', false],
    ['vic-viewer', 'list', 'events', '', true],
    ['vic-viewer', 'list', 'secrets', '', false],
    ['vic-viewer', 'create', CLUSTERS, 'kubeconfig', true], // any authenticated user
    ['nobody', 'create', CLUSTERS, 'kubeconfig', true],
    ['nobody', 'list', CLUSTERS, '', false],
    ['nobody', 'get', CLUSTERS, 'proxy', false],
  ]
  for (const b of bins) {
    it(`kubectl ${b.version} auth can-i --as answers for each role`, async () => {
      const k = new Kubectl(b, hub.adminKubeconfig)
      const wrong: string[] = []
      for (const [as, verb, resource, sub, want] of cases) {
        const args = ['auth', 'can-i', verb, resource, '--as', as, ...(sub ? ['--subresource', sub] : [])]
        if (resource === 'events' || resource === 'secrets') args.push('-n', 'default')
        const r = await k.run(args)
        const got = r.stdout.trim()
        if (got !== (want ? 'yes' : 'no')) wrong.push(`${as} ${verb} ${resource}/${sub}: ${got} ${r.stderr.trim()}`)
      }
      assert.deepEqual(wrong, [])
    })
  }
})

describe('restarts', () => {
  it('keep the admin certificate and reconcile the platform roles', async (t) => {
    const bin = bins[bins.length - 1]
    if (!bin) return t.skip('no kubectl')
    const before = adminUser()['client-certificate-data']
    const k = new Kubectl(bin, hub.adminKubeconfig)
    // An edited role with autoupdate on goes back to the defaults; with it off it is kept.
    await k.ok(['patch', 'clusterrole', 'flotilla:platform-user', '--type', 'merge', '-p', '{"rules":[]}'])
    await k.ok([
      'annotate',
      'clusterrole',
      'flotilla:platform-viewer',
      '--overwrite',
      'rbac.authorization.kubernetes.io/autoupdate=false',
    ])
    await k.ok(['patch', 'clusterrole', 'flotilla:platform-viewer', '--type', 'merge', '-p', '{"rules":[]}'])
    await k.ok(['delete', 'clusterrolebinding', 'flotilla:kubeconfig-requester'])
    await hub.close()
    await hub.dispatcher.close()
    hub = await startTestHub({ dataDir })
    assert.equal(adminUser()['client-certificate-data'], before)
    const k2 = new Kubectl(bin, hub.adminKubeconfig)
    const user = JSON.parse(await k2.ok(['get', 'clusterrole', 'flotilla:platform-user', '-o', 'json']))
    assert.ok(user.rules.length >= 5)
    const viewer = JSON.parse(await k2.ok(['get', 'clusterrole', 'flotilla:platform-viewer', '-o', 'json']))
    assert.deepEqual(viewer.rules ?? [], [])
    await k2.ok(['get', 'clusterrolebinding', 'flotilla:kubeconfig-requester'])
  })
})

describe('ServiceAccount tokens on the hub', () => {
  it('kubectl create token gives a token the hub accepts', async (t) => {
    const bin = bins[bins.length - 1]
    if (!bin) return t.skip('no kubectl')
    const k = new Kubectl(bin, hub.adminKubeconfig)
    await k.ok(['create', 'serviceaccount', 'ci', '-n', 'default'])
    const token = (await k.ok(['create', 'token', 'ci', '-n', 'default'])).trim()
    // Without the admin's client certificate: it would be the identity otherwise (x509 goes first).
    const dispatcher = new Agent({ connect: { ca: hub.caCert } })
    try {
      const r = await fetch(`${hub.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
        dispatcher,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
      })
      assert.equal(r.status, 201)
      assert.equal(((await r.json()) as any).status.userInfo.username, 'system:serviceaccount:default:ci')
    } finally {
      await dispatcher.close()
    }
  })
})

describe('flotilla server', () => {
  it('listens beyond loopback with --tls-san, and its admin kubeconfig works', async (t) => {
    const bin = bins[bins.length - 1]
    if (!bin) return t.skip('no kubectl')
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-server-cli-'))
    const BIN = join(resolve(import.meta.dirname, '..', '..'), 'bin', 'flotilla.ts')
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        BIN,
        'server',
        '--listen',
        '0.0.0.0:0',
        '--tls-san',
        'flotilla.example.test',
        '--data-dir',
        dir,
        '--log-level',
        'warn',
        '--storage-sync',
        'normal',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    try {
      const url = await eventually(() => /listening on (https:\/\/\S+)/.exec(out)?.[1], {
        what: `listening line; stderr: ${err}`,
        timeoutMs: 60_000,
      })
      assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/)
      const k = new Kubectl(bin, join(dir, 'admin.kubeconfig'))
      assert.match(await k.ok(['get', 'namespaces', '-o', 'name']), /namespace\/default/)
      const serving = new X509Certificate(readFileSync(join(dir, 'pki', 'serving.crt')))
      assert.match(serving.subjectAltName ?? '', /DNS:flotilla\.example\.test/)
    } finally {
      child.kill('SIGTERM')
      assert.equal(await exited, 0, err)
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('rejects a malformed --tls-san with exit code 2', async () => {
    const BIN = join(resolve(import.meta.dirname, '..', '..'), 'bin', 'flotilla.ts')
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', BIN, 'server', '--tls-san', 'not a name!'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let err = ''
    child.stderr.on('data', (d) => {
      err += d
    })
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)))
    assert.equal(code, 2)
    assert.match(err, /--tls-san must be a DNS name or an IP address/)
  })
})
