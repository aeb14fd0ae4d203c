// Go's formatting of values inside kube-apiserver's messages. The validator builds its messages with
// fmt.Sprintf("%v"/"%q") and encoding/json, so reproducing them byte for byte needs these three:
// strconv.Quote, %v of a float64, and json.Marshal (sorted keys, HTML-safe escapes).

/** strconv.Quote: like JSON but with Go's escapes for control characters (\x01, \a, \v, \x7f). */
export function goQuote(s: string): string {
  let out = '"'
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x22) out += '\\"'
    else if (c === 0x5c) out += '\\\\'
    else if (c >= 0x20 && c !== 0x7f) out += s[i]
    else if (c === 0x07) out += '\\a'
    else if (c === 0x08) out += '\\b'
    else if (c === 0x0c) out += '\\f'
    else if (c === 0x0a) out += '\\n'
    else if (c === 0x0d) out += '\\r'
    else if (c === 0x09) out += '\\t'
    else if (c === 0x0b) out += '\\v'
    else out += `\\x${c.toString(16).padStart(2, '0')}`
  }
  return `${out}"`
}

/**
 * fmt's %v of a float64: strconv 'g' with the shortest precision, which switches to an exponent
 * when it is < -4 or >= 6 ("1e+06", "1.5e-07"); the exponent has at least two digits.
 */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN'
  if (f === Number.POSITIVE_INFINITY) return '+Inf'
  if (f === Number.NEGATIVE_INFINITY) return '-Inf'
  if (f === 0) return Object.is(f, -0) ? '-0' : '0'
  const [mantissa, expStr] = f.toExponential().split('e')
  const exp = Number(expStr)
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+'
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`
  }
  return String(f)
}

/** %v of an int64 (the bound of a check made on an integer value is truncated like int64(x)). */
export function goInt(f: number): string {
  return String(Math.trunc(f))
}

const HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

/** encoding/json.Marshal of a decoded JSON value: object keys sorted, <>& escaped. */
export function goJSON(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'string') return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => HTML_ESCAPES[c])
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(goJSON).join(',')}]`
  const keys = Object.keys(v as object).sort()
  return `{${keys.map((k) => `${goJSON(k)}:${goJSON((v as Record<string, unknown>)[k])}`).join(',')}}`
}
