// x509 client-certificate authentication with real kubectl: CN is the user, O the groups; a
// certificate from another CA is ignored (the request is anonymous: 401).

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Agent, fetch } from 'undici'
import { stringify } from 'yaml'
import { ensureServingCertificate, issueClientCertificate } from '../../src/security/pki.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

const b64 = (s: string) => Buffer.from(s).toString('base64')

function certKubeconfig(path: string, server: string, ca: string, cert: { cert: string; key: string }): string {
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 't', cluster: { server, 'certificate-authority-data': b64(ca) } }],
      users: [{ name: 'u', user: { 'client-certificate-data': b64(cert.cert), 'client-key-data': b64(cert.key) } }],
      contexts: [{ name: 't', context: { cluster: 't', user: 'u' } }],
      'current-context': 't',
    }),
    { mode: 0o600 },
  )
  return path
}

describe('x509 client certificates', () => {
  let server: TestServer
  let dir: string
  before(async () => {
    server = await startTestServer()
    dir = mkdtempSync(join(tmpdir(), 'x509-'))
  })
  after(async () => {
    await server.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  for (const bin of kubectlBinaries()) {
    test(`kubectl ${bin.version}: CN is the user and O the groups`, async () => {
      const alice = issueClientCertificate(server.dataDir, 'alice', ['devs', 'ops'])
      const k = new Kubectl(bin, certKubeconfig(join(dir, `alice-${bin.version}`), server.url, server.caCert, alice))
      const who = await k.run(['auth', 'whoami', '-o', 'json'])
      assert.equal(who.code, 0, who.stderr)
      const info = JSON.parse(who.stdout).status.userInfo
      assert.equal(info.username, 'alice')
      assert.deepEqual(info.groups, ['devs', 'ops', 'system:authenticated'])
      // Authenticated but without grants: RBAC forbids.
      const pods = await k.run(['get', 'pods'])
      assert.notEqual(pods.code, 0)
      assert.match(pods.stderr, /forbidden/i)
      // A master certificate can do anything.
      const admin = issueClientCertificate(server.dataDir, 'root', ['system:masters'])
      const ka = new Kubectl(bin, certKubeconfig(join(dir, `root-${bin.version}`), server.url, server.caCert, admin))
      const ns = await ka.run(['get', 'namespaces', '-o', 'name'])
      assert.equal(ns.code, 0, ns.stderr)
      assert.match(ns.stdout, /namespace\/default/)
    })
  }

  test('a certificate signed by another CA is not accepted', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'x509-other-'))
    try {
      ensureServingCertificate(otherDir, ['localhost'])
      const mallory = issueClientCertificate(otherDir, 'mallory', ['system:masters'])
      // undici rather than kubectl: kubectl retries discovery on 401 for seconds.
      const dispatcher = new Agent({ connect: { ca: server.caCert, cert: mallory.cert, key: mallory.key } })
      const r = await fetch(`${server.url}/api/v1/namespaces`, { dispatcher })
      assert.equal(r.status, 401)
      assert.equal(((await r.json()) as { reason: string }).reason, 'Unauthorized')
      await dispatcher.close()
    } finally {
      rmSync(otherDir, { recursive: true, force: true })
    }
  })
})
