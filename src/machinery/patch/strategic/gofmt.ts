// Go's fmt rendering of decoded JSON, so that SMP error messages read exactly like
// apimachinery's (`map: map[image:q] does not contain declared merge key: name`). Clients and
// tests compare these strings with what a real API server or `kubectl patch --local` prints.

import { goType, isMap } from './json.ts'

/** Go's %v of a float64 (%g, shortest): exponent form when the exponent is < -4 or >= 6. */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN'
  if (n === 0) return '0'
  const exp = Math.floor(Math.log10(Math.abs(n)))
  if (exp < -4 || exp >= 6) {
    const [mant, e] = n.toExponential().split('e')
    const sign = e.startsWith('-') ? '-' : '+'
    const digits = e.replace(/^[-+]/, '').padStart(2, '0')
    return `${mant}e${sign}${digits}`
  }
  return String(n)
}

/** fmt.Sprintf("%v", v) for a value decoded from JSON into interface{}. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>'
  if (typeof v === 'string') return v
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v)
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`
  if (isMap(v)) {
    // fmt prints map keys sorted.
    const keys = Object.keys(v).sort()
    return `map[${keys.map((k) => `${k}:${goFormat(v[k])}`).join(' ')}]`
  }
  return String(v)
}

/** fmt.Sprintf("%s", v): strings as-is, anything else in Go's %!s(type=value) form. */
export function goFormatS(v: unknown): string {
  if (typeof v === 'string') return v
  if (v === null || v === undefined) return '%!s(<nil>)'
  if (typeof v === 'number' || typeof v === 'boolean') return `%!s(${goType(v)}=${goFormat(v)})`
  return goFormat(v)
}

/** reflect.TypeOf(v) printed with %s. */
export function goTypeName(v: unknown): string {
  switch (goType(v)) {
    case 'map':
      return 'map[string]interface {}'
    case 'list':
      return '[]interface {}'
    case 'nil':
      return '%!s(<nil>)'
    default:
      return goType(v)
  }
}
