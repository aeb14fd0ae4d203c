// The hub-issued kubeconfig token and its lifetime.
//
// A token reads `flt_<id>.<secret>`: the id ("kt-" and 16 base32 characters) names the
// AccessToken object, so authentication is one map lookup; the secret is 256 random bits,
// base64url. Only SHA-256(secret) is stored, and the comparison is constant-time, so neither
// the stored records nor response timing help anyone guess a secret. The `flt_` prefix lets
// secret scanners and humans recognise a leaked token.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { parseDurationTerms } from '../../util/duration.ts'

export const TOKEN_PREFIX = 'flt_'
const TOKEN_RE = /^flt_(kt-[a-z2-7]{16})\.([A-Za-z0-9_-]{43})$/
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

export interface IssuedSecret {
  id: string
  /** The whole bearer token; shown once, to the caller who asked for it. */
  token: string
  /** What is stored: "sha256:<hex>" of the secret part. */
  secretHash: string
}

export function newAccessToken(): IssuedSecret {
  return newPrefixedSecret(TOKEN_PREFIX, 'kt-')
}

/**
 * A new `<prefix><idPrefix><16 base32>.<secret>` token: the shape shared by kubeconfig tokens
 * and the registration tokens (src/hub/registration), so all of them are looked up by id and
 * checked by hash the same way.
 */
export function newPrefixedSecret(prefix: string, idPrefix = ''): IssuedSecret {
  let id = idPrefix
  for (const b of randomBytes(16)) id += BASE32[b & 31]
  const secret = randomBytes(32).toString('base64url')
  return { id, token: `${prefix}${id}.${secret}`, secretHash: hashSecret(secret) }
}

/** The id and secret of a token made by newPrefixedSecret(prefix) (no id prefix), else undefined. */
export function parsePrefixedSecret(prefix: string, token: string): { id: string; secret: string } | undefined {
  if (!token.startsWith(prefix)) return undefined
  const m = /^([a-z2-7]{16})\.([A-Za-z0-9_-]{43})$/.exec(token.slice(prefix.length))
  return m ? { id: m[1], secret: m[2] } : undefined
}

export function hashSecret(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex')}`
}

/** The id and secret of a well-formed token, else undefined (any other bearer token). */
export function parseAccessToken(token: string): { id: string; secret: string } | undefined {
  const m = TOKEN_RE.exec(token)
  return m ? { id: m[1], secret: m[2] } : undefined
}

/** Whether secret hashes to the stored "sha256:<hex>", in time independent of where they differ. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const want = Buffer.from(storedHash.slice('sha256:'.length), 'hex')
  const got = createHash('sha256').update(secret).digest()
  return want.length === got.length && timingSafeEqual(want, got)
}

// Lifetimes. Short enough that a forgotten kubeconfig dies on its own, long enough for a
// working day by default; a month at most (issue a new one rather than keep one forever).
export const DEFAULT_TTL_SECONDS = 8 * 3600
export const MIN_TTL_SECONDS = 60
export const MAX_TTL_SECONDS = 30 * 24 * 3600

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/**
 * Parses a duration such as "8h", "90m", "1h30m" or "7d" (Go's time.ParseDuration units
 * s/m/h plus d for days; whole numbers only) into seconds; undefined when malformed.
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim()
  // At most nine digits a term: a lifetime no one means must not become a huge number.
  if (!/^(\d{1,9}[smhd])+$/.test(s)) return undefined
  return parseDurationTerms(s, UNIT_SECONDS, { fractions: false })
}

/**
 * A problem with a requested lifetime, phrased for the user (bounds as durations, or as
 * seconds for a field given in seconds); undefined when acceptable.
 */
export function ttlProblem(seconds: number, unit: 'duration' | 'seconds' = 'duration'): string | undefined {
  if (!Number.isSafeInteger(seconds)) return 'must be a whole number of seconds'
  if (seconds < MIN_TTL_SECONDS) return `must be at least ${unit === 'seconds' ? MIN_TTL_SECONDS : '1m'}`
  if (seconds > MAX_TTL_SECONDS) return `must be at most ${unit === 'seconds' ? MAX_TTL_SECONDS : '30d (720h)'}`
  return undefined
}
