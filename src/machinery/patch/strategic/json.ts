// JSON helpers for the SMP engine. Values are what JSON.parse produces: plain objects, arrays,
// strings, numbers, booleans and null.

export type JsonMap = Record<string, unknown>

export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Own-property presence, as Go's `_, ok := m[k]` (a JSON null counts as present). */
export function has(m: JsonMap, k: string): boolean {
  return Object.hasOwn(m, k) && m[k] !== undefined
}

/** Sets an own property even for "__proto__", so a patch can never reach a prototype. */
export function setKey(m: JsonMap, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true })
  else m[k] = v
}

/** Deep copy, so the result of a patch never aliases the live object. */
export function cloneJson(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) {
    const out = new Array(v.length)
    for (let i = 0; i < v.length; i++) out[i] = cloneJson(v[i])
    return out
  }
  const out: JsonMap = {}
  for (const k of Object.keys(v)) setKey(out, k, cloneJson((v as JsonMap)[k]))
  return out
}

/**
 * The Go dynamic type a JSON value decodes to in apimachinery (numbers become int64 when they
 * are whole, float64 otherwise). SMP compares these to decide between merging and replacing,
 * and checks that the elements of a merged list all share one.
 */
export type GoType = 'map' | 'list' | 'string' | 'int64' | 'float64' | 'bool' | 'nil'

export function goType(v: unknown): GoType {
  if (v === null || v === undefined) return 'nil'
  if (Array.isArray(v)) return 'list'
  switch (typeof v) {
    case 'string':
      return 'string'
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64'
    case 'boolean':
      return 'bool'
    default:
      return 'map'
  }
}
