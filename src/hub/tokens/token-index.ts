// The hub's in-memory view of every AccessToken, fed by an informer, so authenticating a
// token or checking who owns one costs a map lookup and no storage read.
//
// Revocation is immediate: the informer runs over the in-process client, whose watch is fed
// by storage synchronously when a write commits — before the writer (the DELETE request) is
// answered. So by the time `kubectl delete accesstoken` or `flotilla kubeconfig revoke`
// returns, the entry is gone. The watch is opened without a timeout so there is no renewal gap.

import { accessToken } from '../../apis/platform/access-token.ts'
import type { Client, Resource } from '../../client/client.ts'
import { Informer } from '../../client/informer.ts'
import type { Logger } from '../../log/logger.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { isPlainObject } from '../../machinery/object.ts'

export const accessTokens: Resource = {
  group: accessToken.group,
  version: accessToken.version,
  resource: accessToken.plural,
}

export interface TokenEntry {
  id: string
  secretHash: string
  user: { username: string; uid?: string; groups: string[]; extra?: Record<string, string[]> }
  cluster: string
  /** ms since the epoch. */
  expiresAt: number
  /** ms since the epoch, from status.lastUsedTimestamp (0 = never recorded). */
  lastUsedAt: number
}

/** The entry an AccessToken describes, or undefined for a malformed object (never authenticates). */
export function entryOf(obj: KubeObject): TokenEntry | undefined {
  const spec = obj.spec
  if (!isPlainObject(spec) || !isPlainObject(spec.user)) return undefined
  const u = spec.user
  const expiresAt = typeof spec.expirationTimestamp === 'string' ? Date.parse(spec.expirationTimestamp) : Number.NaN
  if (
    typeof obj.metadata.name !== 'string' ||
    typeof spec.secretHash !== 'string' ||
    typeof spec.cluster !== 'string' ||
    typeof u.username !== 'string' ||
    u.username === '' ||
    !Array.isArray(u.groups) ||
    !u.groups.every((g) => typeof g === 'string') ||
    Number.isNaN(expiresAt) ||
    obj.metadata.deletionTimestamp
  )
    return undefined
  const status = isPlainObject(obj.status) ? obj.status : {}
  const lastUsed = typeof status.lastUsedTimestamp === 'string' ? Date.parse(status.lastUsedTimestamp) : 0
  return {
    id: obj.metadata.name,
    secretHash: spec.secretHash,
    user: {
      username: u.username,
      ...(typeof u.uid === 'string' && u.uid ? { uid: u.uid } : {}),
      groups: [...(u.groups as string[])],
      ...(isPlainObject(u.extra) ? { extra: structuredClone(u.extra) as Record<string, string[]> } : {}),
    },
    cluster: spec.cluster,
    expiresAt,
    lastUsedAt: Number.isNaN(lastUsed) ? 0 : lastUsed,
  }
}

export class TokenIndex {
  private readonly entries = new Map<string, TokenEntry>()
  private informer?: Informer

  get(id: string): TokenEntry | undefined {
    return this.entries.get(id)
  }

  /** Entries of one user (by username). */
  ownedBy(username: string): TokenEntry[] {
    return [...this.entries.values()].filter((e) => e.user.username === username)
  }

  all(): TokenEntry[] {
    return [...this.entries.values()]
  }

  /** Records an object's current state (a deleting or malformed object removes the entry). */
  put(obj: KubeObject): void {
    const name = obj.metadata.name ?? ''
    const e = entryOf(obj)
    if (e) this.entries.set(name, e)
    else this.entries.delete(name)
  }

  remove(obj: KubeObject): void {
    this.entries.delete(obj.metadata.name ?? '')
  }

  /** Lists and watches AccessTokens through client; resolves once the first list is indexed. */
  async start(client: Client, log: Logger): Promise<void> {
    const informer = new Informer({ client, resource: accessTokens, log, watchTimeoutSeconds: 0 })
    informer.on({
      add: (o) => this.put(o),
      update: (o) => this.put(o),
      delete: (o) => this.remove(o),
    })
    this.informer = informer
    informer.start()
    await informer.synced
  }

  stop(): void {
    this.informer?.stop()
  }
}
