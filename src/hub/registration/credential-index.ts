// The hub's in-memory view of every bootstrap token and cluster credential, fed by an informer
// on the registration Secrets, so authenticating a tunnel costs a map lookup and no storage
// read (as src/hub/tokens/token-index.ts does for kubeconfig tokens). The in-process watch is
// fed when a write commits, before the writer is answered, so a credential is usable as soon as
// the exchange returns and revoked as soon as the DELETE returns; and a restarted hub rebuilds
// the index from storage before it accepts any tunnel.

import type { Client } from '../../client/client.ts'
import { resources } from '../../client/client.ts'
import { Informer } from '../../client/informer.ts'
import type { Logger } from '../../log/logger.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { secretMatches } from '../tokens/token.ts'
import {
  parseRegistrationToken,
  REGISTRATION_LABEL,
  readRegistrationSecret,
  type TokenKind,
  type TokenRecord,
} from './records.ts'

export interface IndexedToken extends TokenRecord {
  kind: TokenKind
  cluster: string
}

/** Why a presented token does not authenticate (for 401 messages; never the token itself). */
export type Lookup = { ok: true; token: IndexedToken } | { ok: false; why: string }

export class CredentialIndex {
  private readonly tokens = new Map<string, IndexedToken>()
  /** Secret key (namespace/name) → the token keys it contributed, to drop them on change. */
  private readonly bySecret = new Map<string, string[]>()
  private informer?: Informer
  /** Called when a cluster's credentials Secret is deleted: every credential of it is revoked. */
  onRevoked?: (cluster: string) => void

  private static key(kind: TokenKind, id: string): string {
    return `${kind}:${id}`
  }

  get(kind: TokenKind, id: string): IndexedToken | undefined {
    return this.tokens.get(CredentialIndex.key(kind, id))
  }

  /** Whether the cluster credential with this id is still known and unexpired (tunnel sweeps). */
  credentialValid(id: string, now: number): boolean {
    const t = this.get('credential', id)
    return t !== undefined && t.expiresAt > now
  }

  /** Checks a presented bearer token: well-formed, known, matching hash, unused, unexpired. */
  lookup(presented: string, now: number): Lookup {
    const p = parseRegistrationToken(presented)
    if (!p) return { ok: false, why: 'not a bootstrap token or cluster credential' }
    const t = this.get(p.kind, p.id)
    // Unknown and wrong-secret answer alike, so the answer tells nothing about which ids exist.
    if (!t || !secretMatches(p.secret, t.secretHash))
      return { ok: false, why: `unknown or revoked ${kindText(p.kind)}` }
    if (t.usedAt !== undefined) return { ok: false, why: 'the bootstrap token has already been used' }
    if (t.expiresAt <= now) return { ok: false, why: `the ${kindText(p.kind)} has expired` }
    return { ok: true, token: t }
  }

  put(obj: KubeObject): void {
    const skey = `${obj.metadata.namespace}/${obj.metadata.name}`
    for (const k of this.bySecret.get(skey) ?? []) this.tokens.delete(k)
    this.bySecret.delete(skey)
    const read = readRegistrationSecret(obj)
    if (!read) return
    const keys: string[] = []
    for (const r of read.records) {
      const k = CredentialIndex.key(read.kind, r.id)
      this.tokens.set(k, { ...r, kind: read.kind, cluster: read.cluster })
      keys.push(k)
    }
    this.bySecret.set(skey, keys)
  }

  remove(obj: KubeObject): void {
    const skey = `${obj.metadata.namespace}/${obj.metadata.name}`
    for (const k of this.bySecret.get(skey) ?? []) this.tokens.delete(k)
    this.bySecret.delete(skey)
    const labels = obj.metadata.labels ?? {}
    if (labels[REGISTRATION_LABEL] === 'credentials' && labels['platform.flotilla.dev/cluster']) {
      this.onRevoked?.(labels['platform.flotilla.dev/cluster'])
    }
  }

  /** Lists and watches the registration Secrets; resolves once the first list is indexed. */
  async start(client: Client, namespace: string, log: Logger): Promise<void> {
    const informer = new Informer({
      client,
      resource: resources.secrets,
      namespace,
      labelSelector: REGISTRATION_LABEL,
      log,
      watchTimeoutSeconds: 0,
    })
    informer.on({ add: (o) => this.put(o), update: (o) => this.put(o), delete: (o) => this.remove(o) })
    this.informer = informer
    informer.start()
    await informer.synced
  }

  stop(): void {
    this.informer?.stop()
  }
}

function kindText(kind: TokenKind): string {
  return kind === 'bootstrap' ? 'bootstrap token' : 'cluster credential'
}
