// ServiceAccount tokens as kube-apiserver issues them through the TokenRequest API: JWTs signed
// RS256 with a per-server key (DATA_DIR/pki/sa.key, made on first start), with Kubernetes'
// claims, bound to the ServiceAccount's uid and optionally to a Pod, Secret or Node. Validation
// checks the signature, the time window, the audience and that every object the token names
// still exists with the same uid, so deleting a ServiceAccount revokes its tokens at once. The
// signature check, which costs most, is remembered per token until it expires (at most 5
// minutes); the objects are looked up on every request.

import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
} from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose'
import type { Client, Resource } from '../../client/client.ts'
import { isNotFound } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import type { Authenticator, UserInfo } from '../authn.ts'

/**
 * The issuer (and so the default API audience) of this server's tokens: kubeadm's default
 * --service-account-issuer. kube-apiserver's --api-audiences defaults to the issuer.
 */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local'

/** kube-apiserver's defaults and limits for TokenRequest.spec.expirationSeconds. */
export const DEFAULT_EXPIRATION_SECONDS = 3600
export const MIN_EXPIRATION_SECONDS = 600
/** Longer requests are shortened to this (kube-apiserver --service-account-max-token-expiration). */
export const MAX_EXPIRATION_SECONDS = 48 * 3600

/** Clock skew tolerated on exp/nbf, as Kubernetes' validator allows (go-jose's default leeway). */
const LEEWAY_SECONDS = 60
/** A terminating Pod's token stays valid this long after its deletionTimestamp (Kubernetes' grace). */
const POD_DELETION_GRACE_MS = 60_000
/** How long a verified signature is remembered, and for how many tokens (cleared when full). */
const SIGNATURE_CACHE_MS = 5 * 60_000
const SIGNATURE_CACHE_MAX = 4096

const SA_PREFIX = 'system:serviceaccount:'
export const CREDENTIAL_ID_KEY = 'authentication.kubernetes.io/credential-id'

const RESOURCES: Record<BoundKind, Resource> = {
  Pod: { group: '', version: 'v1', resource: 'pods' },
  Secret: { group: '', version: 'v1', resource: 'secrets' },
  Node: { group: '', version: 'v1', resource: 'nodes' },
}
const SERVICE_ACCOUNTS: Resource = { group: '', version: 'v1', resource: 'serviceaccounts' }

export type BoundKind = 'Pod' | 'Secret' | 'Node'
export const BOUND_KINDS: readonly BoundKind[] = ['Pod', 'Secret', 'Node']

/** An object a token is bound to (TokenRequest spec.boundObjectRef, resolved to a live object). */
export interface BoundObject {
  kind: BoundKind
  name: string
  uid: string
}

export interface IssueRequest {
  namespace: string
  name: string
  uid: string
  audiences: string[]
  expirationSeconds: number
  bound?: BoundObject
}

export interface IssuedToken {
  token: string
  /** Seconds since the epoch. */
  expiresAt: number
}

/** The outcome of validating a token: the user, or why it was refused (never echoing the token). */
export type Verification =
  | { ok: true; user: UserInfo; audiences: string[] }
  | { ok: false; error: string; ours: boolean }

type Refusal = Extract<Verification, { ok: false }>

/** A refusal of a token that is this server's (so no other authenticator should judge it). */
const refuse = (error: string): Refusal => ({ ok: false, error, ours: true })

/** The signing key, loaded from or created in DATA_DIR/pki/sa.key (PKCS#8 PEM, mode 0600). */
export function loadServiceAccountKey(dataDir: string): KeyObject {
  const dir = join(dataDir, 'pki')
  const path = join(dir, 'sa.key')
  if (existsSync(path)) return createPrivateKey(readFileSync(path, 'utf8'))
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  // 'wx' so two servers racing on one data dir cannot overwrite each other's key.
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' })
  // The public half is harmless and lets other components verify tokens offline (sa.pub, as kubeadm).
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 })
  return privateKey
}

/** kube-apiserver's key id: the unpadded base64url SHA-256 of the public key's DER (SPKI) encoding. */
function keyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url')
}

interface KubernetesClaims {
  namespace?: unknown
  serviceaccount?: { name?: unknown; uid?: unknown }
  pod?: { name?: unknown; uid?: unknown }
  secret?: { name?: unknown; uid?: unknown }
  node?: { name?: unknown; uid?: unknown }
}

export interface ServiceAccountTokensOptions {
  dataDir: string
  /** Reads ServiceAccounts and bound objects (the server's own in-process client). */
  client: Client
  issuer?: string
  /** Audiences accepted when a caller names none (kube-apiserver --api-audiences). */
  apiAudiences?: string[]
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number
}

export class ServiceAccountTokens implements Authenticator {
  readonly issuer: string
  readonly apiAudiences: string[]
  private readonly privateKey: KeyObject
  private readonly publicKey: KeyObject
  private readonly kid: string
  private readonly client: Client
  private readonly now: () => number
  /** Verified signatures (see verifySignature), by the token's SHA-256. */
  private readonly signatures = new Map<string, { payload: Record<string, unknown>; until: number }>()

  constructor(opts: ServiceAccountTokensOptions) {
    this.issuer = opts.issuer ?? SERVICE_ACCOUNT_ISSUER
    this.apiAudiences = opts.apiAudiences ?? [this.issuer]
    this.privateKey = loadServiceAccountKey(opts.dataDir)
    this.publicKey = createPublicKey(this.privateKey)
    this.kid = keyId(this.publicKey)
    this.client = opts.client
    this.now = opts.now ?? Date.now
  }

  async issue(r: IssueRequest): Promise<IssuedToken> {
    const iat = Math.floor(this.now() / 1000)
    const exp = iat + r.expirationSeconds
    const k8s: Record<string, unknown> = {
      namespace: r.namespace,
      serviceaccount: { name: r.name, uid: r.uid },
    }
    if (r.bound) k8s[r.bound.kind.toLowerCase()] = { name: r.bound.name, uid: r.bound.uid }
    const token = await new SignJWT({ 'kubernetes.io': k8s })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .setIssuer(this.issuer)
      .setSubject(`${SA_PREFIX}${r.namespace}:${r.name}`)
      .setAudience(r.audiences)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.privateKey)
    return { token, expiresAt: exp }
  }

  /** True when the token claims to come from this issuer (so no other authenticator should judge it). */
  isOurs(token: string): boolean {
    if (token.split('.').length !== 3) return false
    try {
      return decodeJwt(token).iss === this.issuer && decodeProtectedHeader(token).alg === 'RS256'
    } catch {
      return false
    }
  }

  /**
   * Validates a token for one of `audiences` (the API audiences when none are given). Every
   * failure is an answer, never an exception: garbage must cost the caller a 401, not a 500.
   */
  async verify(token: string, audiences: string[] = this.apiAudiences): Promise<Verification> {
    const signed = await this.verifySignature(token, audiences)
    if (!signed.ok) return signed
    const payload = signed.payload
    const k8s = payload['kubernetes.io'] as KubernetesClaims | undefined
    const ns = k8s?.namespace
    const sa = k8s?.serviceaccount
    if (typeof ns !== 'string' || !ns || typeof sa?.name !== 'string' || !sa.name || typeof sa.uid !== 'string') {
      return refuse('service account token has no kubernetes.io claims')
    }
    if (payload.sub !== `${SA_PREFIX}${ns}:${sa.name}`) return refuse('service account token subject does not match')
    const live = await this.lookup(SERVICE_ACCOUNTS, ns, sa.name)
    if (!live || live.metadata.uid !== sa.uid || live.metadata.deletionTimestamp) {
      return refuse(`service account ${ns}/${sa.name} has been deleted`)
    }
    const extra: Record<string, string[]> = {}
    if (typeof payload.jti === 'string' && payload.jti) extra[CREDENTIAL_ID_KEY] = [`JTI=${payload.jti}`]
    for (const kind of BOUND_KINDS) {
      const ref = k8s[kind.toLowerCase() as 'pod' | 'secret' | 'node']
      if (ref === undefined) continue
      if (typeof ref?.name !== 'string' || typeof ref.uid !== 'string') return refuse('malformed bound object claim')
      const obj = await this.lookup(RESOURCES[kind], kind === 'Node' ? '' : ns, ref.name)
      if (!obj || obj.metadata.uid !== ref.uid || this.terminated(kind, obj)) {
        return refuse(`${kind.toLowerCase()} ${ref.name} the token is bound to no longer exists`)
      }
      // The same extra keys kube-apiserver adds, so authorizers (NodeRestriction...) can use them.
      if (kind === 'Pod') {
        extra['authentication.kubernetes.io/pod-name'] = [ref.name]
        extra['authentication.kubernetes.io/pod-uid'] = [ref.uid]
      } else if (kind === 'Node') {
        extra['authentication.kubernetes.io/node-name'] = [ref.name]
        extra['authentication.kubernetes.io/node-uid'] = [ref.uid]
      }
    }
    const aud = Array.isArray(payload.aud) ? (payload.aud as string[]) : [String(payload.aud)]
    return {
      ok: true,
      audiences: audiences.filter((a) => aud.includes(a)),
      user: {
        username: `${SA_PREFIX}${ns}:${sa.name}`,
        uid: sa.uid,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
        extra,
      },
    }
  }

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
    if (!m) return undefined
    const v = await this.verify(m[1])
    return v.ok ? v.user : undefined
  }

  /**
   * The signature, issuer, time window and audience of a token: what depends on the token alone
   * and costs most (an RS256 verification through jose, ~0.3 ms a request). For the API
   * audiences, a success is remembered until the token expires (at most SIGNATURE_CACHE_MS),
   * keyed by the token's digest. The objects it names are still looked up on every request, so
   * deleting a ServiceAccount revokes its tokens at once.
   */
  private async verifySignature(
    token: string,
    audiences: string[],
  ): Promise<{ ok: true; payload: Record<string, unknown> } | Refusal> {
    const cacheable = audiences === this.apiAudiences
    const key = cacheable ? createHash('sha256').update(token).digest('base64') : ''
    const now = this.now()
    if (cacheable) {
      const hit = this.signatures.get(key)
      if (hit && hit.until > now) return { ok: true, payload: hit.payload }
    }
    if (!this.isOurs(token)) return { ok: false, error: 'not a service account token of this server', ours: false }
    let payload: Record<string, unknown>
    try {
      const r = await jwtVerify(token, this.publicKey, {
        issuer: this.issuer,
        algorithms: ['RS256'],
        audience: audiences,
        clockTolerance: LEEWAY_SECONDS,
        currentDate: new Date(now),
        requiredClaims: ['exp', 'sub'],
      })
      payload = r.payload as Record<string, unknown>
    } catch (e) {
      const code = (e as { code?: string }).code
      if (code === 'ERR_JWT_EXPIRED') return refuse('service account token has expired')
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (e as { claim?: string }).claim === 'aud')
        return refuse('token audiences do not match the requested audiences')
      return refuse('invalid service account token')
    }
    if (cacheable) {
      // Valid until exp (plus the leeway jwtVerify allows), and not remembered longer than the cap.
      const until = Math.min(now + SIGNATURE_CACHE_MS, (Number(payload.exp) + LEEWAY_SECONDS) * 1000)
      if (this.signatures.size >= SIGNATURE_CACHE_MAX) this.signatures.clear()
      this.signatures.set(key, { payload, until })
    }
    return { ok: true, payload }
  }

  /** A Pod that finished terminating (past a short grace) no longer vouches for its tokens. */
  private terminated(kind: BoundKind, obj: KubeObject): boolean {
    const ts = obj.metadata.deletionTimestamp
    if (!ts) return false
    if (kind !== 'Pod') return true
    return Date.parse(String(ts)) + POD_DELETION_GRACE_MS < this.now()
  }

  private async lookup(r: Resource, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.client.get(r, namespace, name)
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
  }
}
