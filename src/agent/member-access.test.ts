import assert from 'node:assert/strict'
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startTestSim, type TestSim } from '../../test/helpers/sim.ts'
import { HttpClient } from '../client/http-client.ts'
import { AgentConfigError } from './config.ts'
import { inClusterMemberAccess, type MemberAccess, memberAccessFromKubeconfig, TokenFile } from './member-access.ts'

let sim: TestSim
let dir: string

before(async () => {
  sim = await startTestSim({ name: 'access', nodes: 1 })
  dir = mkdtempSync(join(tmpdir(), 'flotilla-sa-'))
})

after(async () => {
  rmSync(dir, { recursive: true, force: true })
  await sim.dispose()
})

async function whoCanList(access: MemberAccess): Promise<number> {
  const client = HttpClient.fromConfig(access.config)
  try {
    return (await client.raw('GET', '/api/v1/nodes', { headers: access.authHeaders() })).status
  } finally {
    client.close()
  }
}

test('a token file is read again when it changes (projected tokens rotate)', async () => {
  const file = join(dir, 'rot-token')
  writeFileSync(file, 'one\n')
  const t = new TokenFile(file, 0)
  assert.equal(t.current(), 'one')
  // The kubelet swaps a new file in atomically.
  writeFileSync(`${file}.new`, 'two-longer')
  renameSync(`${file}.new`, file)
  assert.equal(t.current(), 'two-longer')
  // Briefly missing mid-rotation: the last token is kept.
  rmSync(file)
  assert.equal(t.current(), 'two-longer')
})

test('in-cluster configuration from the ServiceAccount directory and KUBERNETES_SERVICE_*', async () => {
  const url = new URL(sim.url)
  writeFileSync(join(dir, 'ca.crt'), sim.caCert)
  writeFileSync(join(dir, 'token'), 'not-a-valid-token')
  const env = {
    KUBERNETES_SERVICE_HOST: url.hostname,
    KUBERNETES_SERVICE_PORT: url.port,
    FLOTILLA_SERVICEACCOUNT_DIR: dir,
  }
  const access = inClusterMemberAccess(env, { tokenCheckEveryMs: 0 })
  assert.equal(access.config.server, sim.url)
  assert.equal(access.config.token, undefined, 'the token is not frozen into the config')
  assert.equal(await whoCanList(access), 401)
  // The kubelet rotates the token: the next request presents the new one.
  writeFileSync(join(dir, 'token.tmp'), sim.token)
  renameSync(join(dir, 'token.tmp'), join(dir, 'token'))
  assert.equal(await whoCanList(access), 200)
})

test('in-cluster configuration problems are clear', () => {
  assert.throws(() => inClusterMemberAccess({}), /not running inside a cluster .*--kubeconfig/)
  const base = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }
  assert.throws(
    () => inClusterMemberAccess({ ...base, FLOTILLA_SERVICEACCOUNT_DIR: join(dir, 'nope') }),
    (e: Error) => e instanceof AgentConfigError && /cannot read the cluster CA .*ENOENT/.test(e.message),
  )
  const empty = mkdtempSync(join(dir, 'empty-'))
  writeFileSync(join(empty, 'ca.crt'), sim.caCert)
  writeFileSync(join(empty, 'token'), '\n')
  assert.throws(() => inClusterMemberAccess({ ...base, FLOTILLA_SERVICEACCOUNT_DIR: empty }), /token file .* is empty/)
})

test('--kubeconfig: the token goes to the headers, TLS settings to the config; errors name the file', async () => {
  const access = memberAccessFromKubeconfig(sim.kubeconfig)
  assert.equal(access.config.token, undefined)
  assert.equal(await whoCanList(access), 200)
  assert.throws(() => memberAccessFromKubeconfig(join(dir, 'missing')), /cannot read --kubeconfig .*ENOENT/)
  writeFileSync(join(dir, 'bad.kubeconfig'), 'apiVersion: v1\nkind: Config\n')
  assert.throws(
    () => memberAccessFromKubeconfig(join(dir, 'bad.kubeconfig')),
    /--kubeconfig .*bad.kubeconfig: kubeconfig has no current-context/,
  )
  assert.throws(() => memberAccessFromKubeconfig(sim.kubeconfig, 'other'), /no context named "other"/)
})
