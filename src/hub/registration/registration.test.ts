import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parse, parseAllDocuments } from 'yaml'
import type { KubeObject } from '../../machinery/object.ts'
import { FakeClock } from '../../util/clock.ts'
import { CredentialIndex } from './credential-index.ts'
import { FailureLimiter } from './limiter.ts'
import { agentEnv, envLines, renderManifest } from './manifest.ts'
import {
  bootstrapSecret,
  credentialsSecret,
  MAX_CREDENTIALS,
  newBootstrapToken,
  newClusterCredential,
  parseRegistrationToken,
  pruneCredentials,
  readRegistrationSecret,
} from './records.ts'

test('bootstrap tokens and credentials have the documented shapes and parse back', () => {
  const b = newBootstrapToken()
  const c = newClusterCredential()
  assert.match(b.token, /^flb_[a-z2-7]{16}\.[A-Za-z0-9_-]{43}$/)
  assert.match(c.token, /^flc_[a-z2-7]{16}\.[A-Za-z0-9_-]{43}$/)
  assert.deepEqual(parseRegistrationToken(b.token)?.kind, 'bootstrap')
  assert.deepEqual(parseRegistrationToken(c.token)?.id, c.id)
  for (const bad of ['', 'flb_', `${b.token}x`, b.token.replace('flb_', 'flt_'), b.token.toUpperCase()])
    assert.equal(parseRegistrationToken(bad), undefined, bad)
})

test('the index authenticates by hash, refuses used, expired and unknown tokens, and reports revocation', () => {
  const now = Date.parse('2025-06-01T00:00:00Z')
  const index = new CredentialIndex()
  const revoked: string[] = []
  index.onRevoked = (c) => revoked.push(c)
  const b = newBootstrapToken()
  const c1 = newClusterCredential()
  const c2 = newClusterCredential()
  const boot = bootstrapSecret('a', 'uid-a', { id: b.id, secretHash: b.secretHash, expiresAt: now + 1000 }, now)
  const creds = credentialsSecret(
    'a',
    'uid-a',
    [
      { id: c1.id, secretHash: c1.secretHash, expiresAt: now + 1000 },
      { id: c2.id, secretHash: c2.secretHash, expiresAt: now - 1 },
    ],
    now,
  )
  for (const o of [boot, creds]) index.put({ ...o, metadata: { ...o.metadata } } as KubeObject)
  const ok = index.lookup(b.token, now)
  assert.ok(ok.ok && ok.token.cluster === 'a' && ok.token.kind === 'bootstrap')
  assert.ok(index.lookup(c1.token, now).ok)
  assert.deepEqual(index.lookup(c2.token, now), { ok: false, why: 'the cluster credential has expired' })
  assert.equal(index.lookup(b.token, now + 1000).ok, false)
  // A wrong secret with a known id answers as an unknown token.
  const forged = `${c1.token.slice(0, -3)}AAA`
  assert.deepEqual(index.lookup(forged, now), { ok: false, why: 'unknown or revoked cluster credential' })
  // Used bootstrap token.
  const used = bootstrapSecret(
    'a',
    'uid-a',
    { id: b.id, secretHash: b.secretHash, expiresAt: now + 1000, usedAt: now },
    now,
  )
  index.put(used)
  assert.deepEqual(index.lookup(b.token, now), { ok: false, why: 'the bootstrap token has already been used' })
  // Deleting the credentials Secret revokes them.
  index.remove(creds)
  assert.equal(index.lookup(c1.token, now).ok, false)
  assert.deepEqual(revoked, ['a'])
  index.remove(used)
  assert.deepEqual(revoked, ['a'])
})

test('a Secret that is not a well-formed registration record authenticates nothing', () => {
  const s = credentialsSecret('a', 'u', [], 0)
  assert.equal(readRegistrationSecret({ ...s, data: { credentials: 'bm90IGpzb24=' } })?.records.length ?? 0, 0)
  assert.equal(
    readRegistrationSecret({ ...s, metadata: { ...s.metadata, name: 'cluster-b-agent-credentials' } }),
    undefined,
  )
})

test('pruning keeps the live credentials expiring last, at most MAX_CREDENTIALS', () => {
  const recs = Array.from({ length: 12 }, (_, i) => ({ id: `i${i}`, secretHash: 'h', expiresAt: i * 10 }))
  const kept = pruneCredentials(recs, 15)
  assert.equal(kept.length, MAX_CREDENTIALS)
  assert.equal(kept[0].id, 'i11')
  assert.ok(kept.every((r) => r.expiresAt > 15))
})

test('the failure limiter blocks an address after too many failures, per window, in bounded memory', async () => {
  const clock = new FakeClock(0)
  const l = new FailureLimiter(clock, { maxFailures: 3, windowMs: 10_000, maxAddresses: 2 })
  for (let i = 0; i < 3; i++) l.fail('1.1.1.1')
  assert.equal(l.blockedFor('1.1.1.1'), 10)
  assert.equal(l.blockedFor('2.2.2.2'), 0)
  await clock.advance(10_000)
  assert.equal(l.blockedFor('1.1.1.1'), 0)
  l.fail('a')
  l.fail('b')
  l.fail('c')
  assert.equal(l.size, 2)
})

test('the manifest has the documented objects and the env the documented variables', () => {
  const env = agentEnv({ hubURL: 'https://hub:9443', caPEM: 'PEM', cluster: 'c1', bootstrapToken: "flb_x.y'z" })
  assert.deepEqual(Object.keys(env), [
    'FLOTILLA_HUB_URL',
    'FLOTILLA_HUB_CA_DATA',
    'FLOTILLA_CLUSTER',
    'FLOTILLA_BOOTSTRAP_TOKEN',
    'FLOTILLA_AGENT_NAMESPACE',
  ])
  assert.match(envLines(env), /^export FLOTILLA_BOOTSTRAP_TOKEN='flb_x\.y'\\''z'$/m)
  const docs = parseAllDocuments(renderManifest({ env, hubAdminAccess: true })).map((d) => d.toJS())
  assert.deepEqual(
    docs.map((d) => `${d.kind}/${d.metadata.name}`),
    [
      'Namespace/flotilla-system',
      'ServiceAccount/flotilla-agent',
      'ClusterRole/flotilla:agent',
      'ClusterRoleBinding/flotilla:agent',
      'Role/flotilla-agent',
      'RoleBinding/flotilla-agent',
      'ClusterRoleBinding/flotilla:hub-admins',
      'Secret/flotilla-agent-bootstrap',
      'Deployment/flotilla-agent',
    ],
  )
  const deploy = docs.at(-1)
  assert.equal(deploy.spec.replicas, 2)
  assert.match(deploy.spec.template.spec.containers[0].image, /^ghcr\.io\/flotilla-dev\/flotilla:\d/)
  assert.deepEqual(docs[7].stringData, env)
  const optOut = renderManifest({ env, hubAdminAccess: false })
  assert.ok(!optOut.includes('flotilla:hub-admins'))
  assert.ok(parse(optOut.split('---\n')[0]))
})
