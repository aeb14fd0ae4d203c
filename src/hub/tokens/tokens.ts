// Hub-issued kubeconfig tokens, assembled: the index, the authenticator and the owner
// authorizer exist before the API server starts (it takes them as options); start() then
// feeds the index from the registry, serves `clusters/kubeconfig` and runs the housekeeping:
// recording when a token was last used (at most every few minutes per token, off the request
// path) and deleting tokens an hour after they expired.

import type { Authenticator } from '../../apiserver/authn.ts'
import type { Authorizer } from '../../apiserver/authz/attributes.ts'
import type { Registry } from '../../apiserver/registry/registry.ts'
import type { Connector } from '../../apiserver/server.ts'
import { LocalClient } from '../../client/local-client.ts'
import type { Logger } from '../../log/logger.ts'
import { isNotFound } from '../../machinery/errors.ts'
import type { Clock } from '../../util/clock.ts'
import { AccessTokenAuthenticator } from './authn.ts'
import { OwnTokensAuthorizer } from './authz.ts'
import { kubeconfigConnector } from './issue.ts'
import { accessTokens, type TokenEntry, TokenIndex } from './token-index.ts'

const LAST_USED_RESOLUTION_MS = 5 * 60_000
const SWEEP_INTERVAL_MS = 10 * 60_000
const KEEP_EXPIRED_MS = 60 * 60_000

export interface HubAccessTokens {
  index: TokenIndex
  authenticator: Authenticator
  authorizer: Authorizer
  start(opts: {
    registry: Registry
    connectors: Map<string, Connector>
    caCert: string
    hubURL: () => string
  }): Promise<void>
  /** Deletes tokens that expired more than an hour ago (run periodically; exposed for tests). */
  sweep(): Promise<number>
  stop(): void
}

export function hubAccessTokens(clock: Clock, log: Logger): HubAccessTokens {
  const index = new TokenIndex()
  let client: LocalClient | undefined
  const recording = new Set<string>()
  let cancelSweep: (() => void) | undefined
  let stopped = false

  const recordUse = (e: TokenEntry) => {
    const now = clock.now()
    if (!client || now - e.lastUsedAt < LAST_USED_RESOLUTION_MS || recording.has(e.id)) return
    recording.add(e.id)
    const lastUsedTimestamp = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')
    client
      .patch(accessTokens, '', e.id, 'merge', { status: { lastUsedTimestamp } }, { subresource: 'status' })
      .catch((err) => {
        if (!isNotFound(err)) log.warn('Recording access token use failed', { id: e.id, err: String(err) })
      })
      .finally(() => recording.delete(e.id))
  }

  const sweep = async () => {
    if (!client) return 0
    const cutoff = clock.now() - KEEP_EXPIRED_MS
    let n = 0
    for (const e of index.all()) {
      if (e.expiresAt >= cutoff) continue
      try {
        await client.delete(accessTokens, '', e.id)
        n++
      } catch (err) {
        if (!isNotFound(err)) log.warn('Deleting expired access token failed', { id: e.id, err: String(err) })
      }
    }
    return n
  }

  const schedule = () => {
    if (stopped) return
    cancelSweep = clock.setTimeout(() => {
      void sweep().finally(schedule)
    }, SWEEP_INTERVAL_MS)
  }

  return {
    index,
    authenticator: new AccessTokenAuthenticator(index, clock, recordUse),
    authorizer: new OwnTokensAuthorizer(index),
    async start(opts) {
      client = new LocalClient(opts.registry, 'flotilla-hub-tokens')
      await index.start(client, log)
      opts.connectors.set(
        'clusters/kubeconfig',
        kubeconfigConnector({ client, index, clock, caCert: opts.caCert, hubURL: opts.hubURL }),
      )
      schedule()
    },
    sweep,
    stop() {
      stopped = true
      cancelSweep?.()
      index.stop()
    },
  }
}
