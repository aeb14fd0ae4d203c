import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ensureServingCertificate } from '../security/pki.ts'
import { AgentConfigError, agentConfigFromEnv, parseHubCA } from './config.ts'

const dir = mkdtempSync(join(tmpdir(), 'flotilla-agent-config-'))
const { caCert } = ensureServingCertificate(dir, ['127.0.0.1'])
rmSync(dir, { recursive: true, force: true })
const TOKEN = 'flb_abcdefghijklmnop.c2VjcmV0LXNlY3JldC1zZWNyZXQ'

function env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    FLOTILLA_HUB_URL: 'https://hub.example.com:9443/',
    FLOTILLA_HUB_CA_DATA: Buffer.from(caCert).toString('base64'),
    FLOTILLA_CLUSTER: 'edge-1',
    FLOTILLA_BOOTSTRAP_TOKEN: TOKEN,
    ...extra,
  }
}

function fails(e: NodeJS.ProcessEnv, pattern: RegExp) {
  assert.throws(
    () => agentConfigFromEnv(e),
    (err: Error) => {
      assert.ok(err instanceof AgentConfigError, err.message)
      assert.match(err.message, pattern)
      assert.ok(!err.message.includes(TOKEN), 'the token must never appear in a message')
      return true
    },
  )
}

test('a complete environment gives the configuration with defaults', () => {
  const c = agentConfigFromEnv(env({ HOSTNAME: 'flotilla-agent-7d9f-x2x' }))
  assert.equal(c.hubURL, 'https://hub.example.com:9443')
  assert.equal(c.cluster, 'edge-1')
  assert.equal(c.namespace, 'flotilla-system')
  assert.equal(c.bootstrapToken, TOKEN)
  assert.equal(c.agentId, 'flotilla-agent-7d9f-x2x')
  assert.match(c.hubCA, /^-----BEGIN CERTIFICATE-----/)
})

test('agent id: FLOTILLA_AGENT_ID, else HOSTNAME, else random', () => {
  assert.equal(agentConfigFromEnv(env({ FLOTILLA_AGENT_ID: 'a1', HOSTNAME: 'pod' })).agentId, 'a1')
  const random = agentConfigFromEnv(env({ HOSTNAME: undefined })).agentId
  assert.match(random, /^agent-[0-9a-f]{12}$/)
  assert.notEqual(agentConfigFromEnv(env({ HOSTNAME: undefined })).agentId, random)
  fails(env({ FLOTILLA_AGENT_ID: 'bad id' }), /FLOTILLA_AGENT_ID/)
})

test('missing variables are all named at once', () => {
  fails({}, /missing FLOTILLA_HUB_URL, FLOTILLA_HUB_CA_DATA, FLOTILLA_CLUSTER.*cluster register NAME -o env/)
  fails(env({ FLOTILLA_CLUSTER: ' ' }), /missing FLOTILLA_CLUSTER/)
})

test('the bootstrap token is optional (a stored credential may exist) and never echoed', () => {
  assert.equal(agentConfigFromEnv(env({ FLOTILLA_BOOTSTRAP_TOKEN: undefined })).bootstrapToken, undefined)
  fails(env({ FLOTILLA_BOOTSTRAP_TOKEN: `${TOKEN} x` }), /FLOTILLA_BOOTSTRAP_TOKEN holds characters/)
})

test('bad values say which variable and why', () => {
  fails(env({ FLOTILLA_HUB_URL: 'hub:9443' }), /FLOTILLA_HUB_URL .* is not a URL|https:\/\//)
  fails(env({ FLOTILLA_HUB_URL: 'http://hub:9443' }), /must be an https:\/\/ URL/)
  fails(env({ FLOTILLA_HUB_URL: 'https://u:p@hub:9443' }), /must not carry credentials/)
  fails(env({ FLOTILLA_CLUSTER: 'Edge_1' }), /FLOTILLA_CLUSTER "Edge_1" is not a cluster name/)
  fails(env({ FLOTILLA_AGENT_NAMESPACE: 'Flotilla System' }), /FLOTILLA_AGENT_NAMESPACE/)
  assert.equal(agentConfigFromEnv(env({ FLOTILLA_AGENT_NAMESPACE: 'agents' })).namespace, 'agents')
})

test('the hub CA: base64 of PEM or PEM itself; garbage is refused clearly', () => {
  assert.match(parseHubCA(caCert), /BEGIN CERTIFICATE/)
  fails(env({ FLOTILLA_HUB_CA_DATA: 'not base64 at all!' }), /FLOTILLA_HUB_CA_DATA is not base64/)
  fails(env({ FLOTILLA_HUB_CA_DATA: Buffer.from('hello world').toString('base64') }), /does not hold a PEM certificate/)
  const broken = '-----BEGIN CERTIFICATE-----\nTUlJQmdhcmJhZ2U=\n-----END CERTIFICATE-----\n'
  fails(env({ FLOTILLA_HUB_CA_DATA: Buffer.from(broken).toString('base64') }), /certificate 1 cannot be parsed/)
})
