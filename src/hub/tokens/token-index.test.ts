// The index against a real registry (SQLite, in-process client): revocation is visible the
// moment the delete resolves, updates (a shortened expiry) likewise, and a restarted hub
// rebuilds the index from storage. Housekeeping records use and sweeps long-expired tokens.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { builtinKinds } from '../../apis/index.ts'
import { platformKinds } from '../../apis/platform/index.ts'
import { StaticTokenAuthenticator } from '../../apiserver/authn.ts'
import { startApiServer } from '../../apiserver/start.ts'
import { LocalClient } from '../../client/local-client.ts'
import { silentLogger } from '../../log/logger.ts'
import { FakeClock } from '../../util/clock.ts'
import { newAccessToken } from './token.ts'
import { accessTokens, TokenIndex } from './token-index.ts'
import { hubAccessTokens } from './tokens.ts'

/** An API server with the platform kinds on loopback, for the index and the housekeeping to use. */
function startApi(dataDir: string) {
  return startApiServer({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    authenticator: new StaticTokenAuthenticator(),
    log: silentLogger,
    kinds: [...builtinKinds, ...platformKinds],
    sync: 'normal',
  })
}

async function start(dataDir: string) {
  const api = await startApi(dataDir)
  const client = new LocalClient(api.registry, 'test')
  const index = new TokenIndex()
  await index.start(client, silentLogger)
  return { api, client, index }
}

function object(id: string, secretHash: string, expires: string) {
  return {
    apiVersion: 'platform.flotilla.dev/v1alpha1',
    kind: 'AccessToken',
    metadata: { name: id },
    spec: {
      user: { username: 'alice', groups: ['system:authenticated'] },
      cluster: 'edge',
      expirationTimestamp: expires,
      secretHash,
    },
  }
}

test('the index follows creates, updates and deletes before the writer is answered, and survives a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'token-index-'))
  try {
    let { api, client, index } = await start(dir)
    const t = newAccessToken()
    const kept = newAccessToken()
    await client.create(accessTokens, '', object(t.id, t.secretHash, '2030-01-01T00:00:00Z'))
    assert.equal(index.get(t.id)?.user.username, 'alice', 'indexed when create resolves')
    await client.create(accessTokens, '', object(kept.id, kept.secretHash, '2030-01-01T00:00:00Z'))

    const live = await client.get(accessTokens, '', t.id)
    ;(live.spec as Record<string, unknown>).expirationTimestamp = '2029-01-01T00:00:00Z'
    await client.update(accessTokens, '', live)
    assert.equal(index.get(t.id)?.expiresAt, Date.parse('2029-01-01T00:00:00Z'), 'updated when update resolves')

    await client.delete(accessTokens, '', t.id)
    assert.equal(index.get(t.id), undefined, 'gone when delete resolves')

    index.stop()
    await api.close()
    ;({ api, client, index } = await start(dir))
    assert.equal(index.get(t.id), undefined)
    assert.equal(index.get(kept.id)?.secretHash, kept.secretHash, 'rebuilt from storage')
    assert.deepEqual(
      index.ownedBy('alice').map((e) => e.id),
      [kept.id],
    )
    index.stop()
    await api.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('housekeeping: use is recorded in status; tokens expired over an hour ago are swept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'token-sweep-'))
  const clock = new FakeClock(Date.parse('2026-01-01T12:00:00Z'))
  const tokens = hubAccessTokens(clock, silentLogger)
  const api = await startApi(dir)
  try {
    const connectors = new Map()
    await tokens.start({ registry: api.registry, connectors, caCert: '', hubURL: () => api.url })
    assert.ok(connectors.has('clusters/kubeconfig'))
    const client = new LocalClient(api.registry, 'test')
    const old = newAccessToken()
    const recent = newAccessToken()
    await client.create(accessTokens, '', object(old.id, old.secretHash, '2026-01-01T10:59:59Z'))
    await client.create(accessTokens, '', object(recent.id, recent.secretHash, '2026-01-01T13:00:00Z'))

    const req = {
      url: '/apis/platform.flotilla.dev/v1alpha1/clusters/edge/proxy/api',
      headers: { authorization: `Bearer ${recent.token}` },
    } as IncomingMessage
    assert.ok(await tokens.authenticator.authenticate(req))
    for (let i = 0; i < 50 && !tokens.index.get(recent.id)?.lastUsedAt; i++) await new Promise((r) => setTimeout(r, 10))
    assert.equal(tokens.index.get(recent.id)?.lastUsedAt, clock.now())
    const stored = await client.get(accessTokens, '', recent.id)
    assert.equal((stored.status as Record<string, unknown>).lastUsedTimestamp, '2026-01-01T12:00:00Z')

    assert.equal(await tokens.sweep(), 1)
    assert.equal(tokens.index.get(old.id), undefined)
    assert.ok(tokens.index.get(recent.id))
    await clock.advance(2 * 3600_000 + 1000)
    assert.equal(await tokens.sweep(), 1)
    assert.equal(tokens.index.all().length, 0)
  } finally {
    tokens.stop()
    await api.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
