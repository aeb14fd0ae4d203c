// Template hashes and comparisons. Kubernetes hashes the Go struct of a pod template with
// FNV-32a and safe-encodes the decimal value (rand.SafeEncodeString), giving names such as
// "web-7c5ddbdf54". Here the template is hashed as canonical JSON after dropping what Go's
// semantic equality ignores (nulls, empty lists and maps), so a template that made a round trip
// through kubectl (creationTimestamp: null, resources: {}) hashes and compares the same.

import { isPlainObject } from '../../../machinery/object.ts'

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789'

/** rand.SafeEncodeString: every byte mapped into an alphabet without vowels or look-alikes. */
export function safeEncode(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length]
  return out
}

/** Drops nulls, empty arrays and empty objects, recursively. */
export function normalize(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out = v.map(normalize).filter((x) => x !== undefined)
    return out.length === 0 ? undefined : out
  }
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v)) {
      const n = normalize(v[k])
      if (n !== undefined) out[k] = n
    }
    return Object.keys(out).length === 0 ? undefined : out
  }
  return v === null ? undefined : v
}

/** JSON with object keys sorted. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x ?? null)).join(',')}]`
  if (isPlainObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`
  }
  return JSON.stringify(v ?? null)
}

function fnv32a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) {
    h ^= b
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** controller.ComputeHash: FNV-32a of the template (and collision count), safe-encoded. */
export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(normalize(template) ?? {})))
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(4)
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true)
    h = fnv32a(b, h)
  }
  return safeEncode(String(h))
}

/** Semantic equality: equal after normalize(). */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(normalize(a)) === canonicalJson(normalize(b))
}
