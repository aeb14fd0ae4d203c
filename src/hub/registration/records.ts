// The registration secrets and how the hub stores them (docs/registration.md "Token formats").
//
// A bootstrap token `flb_<id>.<secret>` lets an agent get its first cluster credential once; a
// cluster credential `flc_<id>.<secret>` opens tunnels and rotates itself. Both share the shape
// of the hub's kubeconfig tokens (src/hub/tokens/token.ts): the id finds the record, only
// SHA-256 of the secret is stored and compared in constant time.
//
// Records live in Secrets of the hub's flotilla-system namespace, owned by the Cluster (so
// deleting the Cluster removes them): `cluster-NAME-bootstrap` holds the one current bootstrap
// token (a new one replaces it, which invalidates the old), `cluster-NAME-agent-credentials`
// the cluster's live credentials as a JSON list (a few at most: the current one and those still
// in their rotation overlap).

import { PLATFORM_GROUP, PLATFORM_VERSION } from '../../apis/platform/cluster.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { isPlainObject } from '../../machinery/object.ts'
import { type IssuedSecret, newPrefixedSecret, parsePrefixedSecret } from '../tokens/token.ts'

export const BOOTSTRAP_PREFIX = 'flb_'
export const CREDENTIAL_PREFIX = 'flc_'

export const DEFAULT_BOOTSTRAP_TTL_SECONDS = 3600
export const MIN_BOOTSTRAP_TTL_SECONDS = 60
export const MAX_BOOTSTRAP_TTL_SECONDS = 7 * 24 * 3600
export const CREDENTIAL_TTL_SECONDS = 24 * 3600
/** After a rotation the old credential stays valid this long (at most until its own expiry). */
export const ROTATION_OVERLAP_SECONDS = 5 * 60
/** Credentials kept per cluster; beyond it the ones expiring first are dropped. */
export const MAX_CREDENTIALS = 8

/** Label on every registration Secret: which cluster, and which kind of record. */
export const CLUSTER_LABEL = 'platform.flotilla.dev/cluster'
export const REGISTRATION_LABEL = 'platform.flotilla.dev/registration'
export const ISSUED_AT_ANNOTATION = 'platform.flotilla.dev/issued-at'

export type TokenKind = 'bootstrap' | 'credential'

export function bootstrapSecretName(cluster: string): string {
  return `cluster-${cluster}-bootstrap`
}

export function credentialsSecretName(cluster: string): string {
  return `cluster-${cluster}-agent-credentials`
}

export function newBootstrapToken(): IssuedSecret {
  return newPrefixedSecret(BOOTSTRAP_PREFIX)
}

export function newClusterCredential(): IssuedSecret {
  return newPrefixedSecret(CREDENTIAL_PREFIX)
}

/** What a presented token claims to be; undefined for anything that is not one of ours. */
export function parseRegistrationToken(token: string): { kind: TokenKind; id: string; secret: string } | undefined {
  const b = parsePrefixedSecret(BOOTSTRAP_PREFIX, token)
  if (b) return { kind: 'bootstrap', ...b }
  const c = parsePrefixedSecret(CREDENTIAL_PREFIX, token)
  return c ? { kind: 'credential', ...c } : undefined
}

/** One stored token (never the secret itself). Times are ms since the epoch. */
export interface TokenRecord {
  id: string
  secretHash: string
  expiresAt: number
  /** Bootstrap tokens: when it was exchanged (then it is refused). */
  usedAt?: number
  /** Credentials: the agent instance it was issued to (informational). */
  agentID?: string
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64')
}

function unb64(v: unknown): string | undefined {
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined
}

function secretMeta(cluster: string, clusterUID: string, name: string, kind: string, now: number) {
  return {
    name,
    namespace: 'flotilla-system',
    labels: { [CLUSTER_LABEL]: cluster, [REGISTRATION_LABEL]: kind },
    annotations: { [ISSUED_AT_ANNOTATION]: rfc3339(now) },
    ownerReferences: [
      {
        apiVersion: `${PLATFORM_GROUP}/${PLATFORM_VERSION}`,
        kind: 'Cluster',
        name: cluster,
        uid: clusterUID,
        blockOwnerDeletion: false,
      },
    ],
  }
}

function recordJson(r: TokenRecord): Record<string, unknown> {
  return {
    id: r.id,
    secretHash: r.secretHash,
    expirationTimestamp: rfc3339(r.expiresAt),
    ...(r.usedAt !== undefined ? { usedTimestamp: rfc3339(r.usedAt) } : {}),
    ...(r.agentID ? { agentID: r.agentID } : {}),
  }
}

function recordOf(v: unknown): TokenRecord | undefined {
  if (!isPlainObject(v)) return undefined
  const expiresAt = typeof v.expirationTimestamp === 'string' ? Date.parse(v.expirationTimestamp) : Number.NaN
  if (typeof v.id !== 'string' || typeof v.secretHash !== 'string' || Number.isNaN(expiresAt)) return undefined
  const usedAt = typeof v.usedTimestamp === 'string' ? Date.parse(v.usedTimestamp) : undefined
  return {
    id: v.id,
    secretHash: v.secretHash,
    expiresAt,
    ...(usedAt !== undefined && !Number.isNaN(usedAt) ? { usedAt } : {}),
    ...(typeof v.agentID === 'string' ? { agentID: v.agentID } : {}),
  }
}

/** The Secret holding a cluster's (one) bootstrap token. */
export function bootstrapSecret(cluster: string, clusterUID: string, rec: TokenRecord, now: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: secretMeta(cluster, clusterUID, bootstrapSecretName(cluster), 'bootstrap', now),
    type: 'platform.flotilla.dev/bootstrap-token',
    data: { token: b64(JSON.stringify(recordJson(rec))) },
  }
}

/** The Secret holding a cluster's credentials. */
export function credentialsSecret(cluster: string, clusterUID: string, recs: TokenRecord[], now: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: secretMeta(cluster, clusterUID, credentialsSecretName(cluster), 'credentials', now),
    type: 'platform.flotilla.dev/cluster-credentials',
    data: { credentials: b64(JSON.stringify(recs.map(recordJson))) },
  }
}

/** Replaces the records of a stored credentials Secret (keeps its metadata for compare-and-swap). */
export function withCredentials(secret: KubeObject, recs: TokenRecord[]): KubeObject {
  return { ...secret, data: { credentials: b64(JSON.stringify(recs.map(recordJson))) } }
}

export function withBootstrap(secret: KubeObject, rec: TokenRecord): KubeObject {
  return { ...secret, data: { token: b64(JSON.stringify(recordJson(rec))) } }
}

/** What a registration Secret holds: its cluster, kind and records (malformed entries are skipped). */
export function readRegistrationSecret(
  obj: KubeObject,
): { cluster: string; kind: TokenKind; records: TokenRecord[] } | undefined {
  const labels = obj.metadata.labels ?? {}
  const cluster = labels[CLUSTER_LABEL]
  const kind = labels[REGISTRATION_LABEL]
  if (!cluster || obj.metadata.deletionTimestamp) return undefined
  const data = isPlainObject(obj.data) ? obj.data : {}
  try {
    if (kind === 'bootstrap' && obj.metadata.name === bootstrapSecretName(cluster)) {
      const r = recordOf(JSON.parse(unb64(data.token) ?? 'null'))
      return { cluster, kind: 'bootstrap', records: r ? [r] : [] }
    }
    if (kind === 'credentials' && obj.metadata.name === credentialsSecretName(cluster)) {
      const list = JSON.parse(unb64(data.credentials) ?? '[]')
      const records = Array.isArray(list) ? list.map(recordOf).filter((r): r is TokenRecord => r !== undefined) : []
      return { cluster, kind: 'credential', records }
    }
  } catch {
    // Not JSON: nothing in it authenticates.
  }
  return undefined
}

/** Live credentials after adding `fresh`: expired ones dropped, at most MAX_CREDENTIALS kept. */
export function pruneCredentials(recs: TokenRecord[], now: number): TokenRecord[] {
  return recs
    .filter((r) => r.expiresAt > now)
    .sort((a, b) => b.expiresAt - a.expiresAt)
    .slice(0, MAX_CREDENTIALS)
}
