// Authenticates hub-issued kubeconfig tokens (`Authorization: Bearer flt_<id>.<secret>`).
// The id selects the entry in the in-memory index; the secret's SHA-256 is compared in
// constant time; an expired, revoked (deleted) or unknown token is simply not recognised, so
// the request ends as 401 like any bad credential. The user returned is the identity stored
// when the token was issued — exactly the issuer's, never more.

import type { IncomingMessage } from 'node:http'
import type { Authenticator, UserInfo } from '../../apiserver/authn.ts'
import type { Clock } from '../../util/clock.ts'
import { parseAccessToken, secretMatches } from './token.ts'
import type { TokenEntry, TokenIndex } from './token-index.ts'

/**
 * Requests authenticated by an AccessToken (the connector refuses to issue a token from a
 * token). Kept beside the request rather than in the user's `extra`, so the identity a token
 * yields stays identical to the issuer's.
 */
const viaAccessToken = new WeakMap<IncomingMessage, string>()

/** The id of the AccessToken that authenticated req, if one did. */
export function accessTokenOf(req: IncomingMessage): string | undefined {
  return viaAccessToken.get(req)
}

export class AccessTokenAuthenticator implements Authenticator {
  private readonly index: TokenIndex
  private readonly clock: Clock
  private readonly onUse?: (entry: TokenEntry) => void

  constructor(index: TokenIndex, clock: Clock, onUse?: (entry: TokenEntry) => void) {
    this.index = index
    this.clock = clock
    this.onUse = onUse
  }

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const header = req.headers.authorization
    if (typeof header !== 'string') return undefined
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!m) return undefined
    const parsed = parseAccessToken(m[1])
    if (!parsed) return undefined
    const entry = this.index.get(parsed.id)
    if (!entry || !secretMatches(parsed.secret, entry.secretHash)) return undefined
    if (this.clock.now() >= entry.expiresAt) return undefined
    if (!withinScope(req.url ?? '/', entry.cluster)) return undefined
    viaAccessToken.set(req, entry.id)
    this.onUse?.(entry)
    const u = entry.user
    // A copy: whatever later stages do to the user must not reach the index.
    return {
      username: u.username,
      ...(u.uid ? { uid: u.uid } : {}),
      groups: [...u.groups],
      ...(u.extra ? { extra: structuredClone(u.extra) } : {}),
    }
  }
}

const PLATFORM = '/apis/platform.flotilla.dev/v1alpha1'
/** Hub paths any kubeconfig token may use besides its cluster's proxy. */
const SELF_SERVICE = [
  `${PLATFORM}/accesstokens`, // list and revoke one's own tokens
  '/apis/authentication.k8s.io/', // selfsubjectreviews (whoami); other kinds there are create-only reviews RBAC guards
  '/apis/authorization.k8s.io/', // self-subject access and rules reviews (can-i)
]
/** Discovery documents, which kubectl reads before anything else. */
const DISCOVERY = /^\/api(\/[^/]+)?$|^\/apis(\/[^/]+){0,2}$|^\/version$|^\/openapi(\/.*)?$/

/**
 * A kubeconfig token is for reaching one member: it opens that cluster's proxy, discovery and
 * the self-service endpoints above, and nothing else on the hub, so a leaked kubeconfig file
 * exposes one cluster rather than everything its owner can do on the hub. Elsewhere it is not
 * recognised at all (401), like any credential that is not valid for the request.
 */
export function withinScope(url: string, cluster: string): boolean {
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  const proxy = `${PLATFORM}/clusters/${cluster}/proxy`
  if (path === proxy || path.startsWith(`${proxy}/`)) return true
  if (DISCOVERY.test(path) && !path.startsWith(`${PLATFORM}/`)) return true
  if (path === PLATFORM) return true
  return SELF_SERVICE.some((p) => path.startsWith(p))
}
