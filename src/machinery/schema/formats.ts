// `format` for CRD schemas. apiextensions-apiserver keeps only the formats it supports and blanks
// every other one before validating (StripUnsupportedFormatsPostProcess), so "int32", "int64",
// "float", "double" or a typo have no effect at all on a custom resource. The supported ones are
// checked by kube-openapi's strfmt registry (itself go-openapi/strfmt + govalidator). Names are
// normalized by dropping dashes, so "date-time" and "datetime" are the same format.
//
// The set is Kubernetes 1.31's (the version this server reports). Later releases added
// "quantity" and, from 1.34, "k8s-short-name"/"k8s-long-name"; here those are still stripped.
//
// The checkers follow the Go implementations; where Go delegates to a parser (net/url, net/mail,
// net.ParseCIDR, time.ParseDuration) we reimplement the accepting grammar closely enough for
// realistic values, and say so next to each one.

import { isIPv4, isIPv6 } from 'node:net'

type Checker = (s: string) => boolean

const re =
  (r: RegExp): Checker =>
  (s) =>
    r.test(s)

/** time.Parse("2006-01-02", s): exact widths, real calendar days. */
function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  if (mo < 1 || mo > 12 || d < 1) return false
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return d <= days[mo - 1]
}

// strfmt.IsDateTime: lower-case, split on "t", a full-date before and a partial time + offset
// after (the "." of the fraction is unescaped in Go's pattern, so any character is accepted there).
const DATE_TIME_TAIL = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/
function isDateTime(s: string): boolean {
  if (s.length < 4) return false
  const parts = s.toLowerCase().split('t')
  if (parts.length < 2 || !isDate(parts[0])) return false
  const m = DATE_TIME_TAIL.exec(parts[1])
  return m !== null && m[1] <= '23' && m[2] <= '59' && m[3] <= '59'
}

// time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+, or "0".
const GO_DURATION = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/
// strfmt.ParseDuration's fallback: "3 days", "1h 30min", units matched by name or prefix.
const SCALA_DURATION = /^\s*(?:\d+\s*[A-Za-zµ]+\s*)+$/
const DURATION_PART = /(\d+)\s*([A-Za-zµ]+)/g
const TIME_UNITS = [
  ['ns', 'nano'],
  ['us', 'µs', 'micro'],
  ['ms', 'milli'],
  ['s', 'sec'],
  ['m', 'min'],
  ['h', 'hr', 'hour'],
  ['d', 'day'],
  ['w', 'wk', 'week'],
]
function isDuration(s: string): boolean {
  if (s === '0' || s === '+0' || s === '-0' || GO_DURATION.test(s)) return true
  if (!SCALA_DURATION.test(s)) return false
  for (const m of s.matchAll(DURATION_PART)) {
    const unit = m[2].toLowerCase()
    for (const variants of TIME_UNITS) {
      const last = variants.length - 1
      if (variants.some((v, i) => (i === last && unit.startsWith(v)) || v === unit)) return true
    }
  }
  return false
}

// HostnamePattern of strfmt (RFC 1034 plus Unicode letters and symbols), ≤255 bytes, labels ≤63.
const L = 'a-zA-Z0-9\\p{S}\\p{L}'
const HOSTNAME = new RegExp(
  `^([${L}]((-?[${L}]{0,62})?)|([${L}](([${L}\\-]{0,61}[${L}])?)(\\.)){1,}([${L}])(-?[${L}]){1,62})$`,
  'u',
)
function isHostname(s: string): boolean {
  return HOSTNAME.test(s) && Buffer.byteLength(s) <= 255 && s.split('.').every((p) => Buffer.byteLength(p) <= 63)
}

// govalidator.IsRequestURI (url.ParseRequestURI): an absolute URI or an absolute path, no
// control characters; an authority must not contain spaces.
function isRequestURI(s: string): boolean {
  if (s === '' || /[\x00-\x1f\x7f]/.test(s)) return false
  if (s.startsWith('/')) return true
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:(.*)$/.exec(s)
  if (!m) return false
  if (m[1].startsWith('//')) return !/\s/.test(m[1].slice(2).split(/[/?#]/)[0])
  return true
}

// net/mail.ParseAddress, reduced to "addr" or "Name <addr>" with a local@domain address.
const ADDR = '[^\\s@<>()",;:]+@[^\\s@<>()",;:]+'
const EMAIL = new RegExp(`^(?:${ADDR}|[^<>]*<${ADDR}>)$`)

function isCIDR(s: string): boolean {
  const slash = s.indexOf('/')
  if (slash < 0) return false
  const ip = s.slice(0, slash)
  const bits = s.slice(slash + 1)
  if (!/^\d{1,3}$/.test(bits)) return false
  if (isIPv4(ip)) return Number(bits) <= 32
  return isIPv6(ip) && !ip.includes('%') && Number(bits) <= 128
}

// net.ParseMAC: 6, 8 or 20 octets, colon/dash separated pairs or dot separated quads.
const MAC =
  /^(?:(?:[0-9A-Fa-f]{2}([:-]))(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|(?:[0-9A-Fa-f]{2}([:-]))(?:[0-9A-Fa-f]{2}\2){6}[0-9A-Fa-f]{2}|(?:[0-9A-Fa-f]{2}([:-]))(?:[0-9A-Fa-f]{2}\3){18}[0-9A-Fa-f]{2}|(?:[0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}|(?:[0-9A-Fa-f]{4}\.){3}[0-9A-Fa-f]{4}|(?:[0-9A-Fa-f]{4}\.){9}[0-9A-Fa-f]{4})$/

function isISBN10(s: string): boolean {
  const d = s.replace(/[\s-]/g, '')
  if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(d)) return false
  let sum = 0
  for (let i = 0; i < 9; i++) sum += (i + 1) * (d.charCodeAt(i) - 48)
  sum += 10 * (d[9] === 'X' ? 10 : d.charCodeAt(9) - 48)
  return sum % 11 === 0
}

function isISBN13(s: string): boolean {
  const d = s.replace(/[\s-]/g, '')
  if (!/^[0-9]{13}$/.test(d)) return false
  let sum = 0
  for (let i = 0; i < 12; i++) sum += (i % 2 === 0 ? 1 : 3) * (d.charCodeAt(i) - 48)
  return d.charCodeAt(12) - 48 === (10 - (sum % 10)) % 10
}

const CREDIT_CARD =
  /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/
function isCreditCard(s: string): boolean {
  const d = s.replace(/[^0-9]/g, '')
  if (!CREDIT_CARD.test(d)) return false
  // Luhn.
  let sum = 0
  for (let i = d.length - 1, dbl = false; i >= 0; i--, dbl = !dbl) {
    let n = d.charCodeAt(i) - 48
    if (dbl) {
      n *= 2
      if (n > 9) n -= 9
    }
    sum += n
  }
  return sum % 10 === 0
}

const BYTE_RANGE = '(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])'

const CHECKERS: Record<string, Checker> = {
  bsonobjectid: re(/^[0-9a-fA-F]{24}$/),
  uri: isRequestURI,
  email: re(EMAIL),
  hostname: isHostname,
  ipv4: (s) => isIPv4(s) || (isIPv6(s) && s.includes('.')),
  ipv6: (s) => isIPv6(s) && !s.includes('%'),
  cidr: isCIDR,
  mac: re(MAC),
  uuid: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i),
  uuid3: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i),
  uuid4: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i),
  uuid5: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i),
  isbn: (s) => isISBN10(s) || isISBN13(s),
  isbn10: isISBN10,
  isbn13: isISBN13,
  creditcard: isCreditCard,
  ssn: (s) => s.length === 11 && /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(s),
  hexcolor: re(/^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/),
  rgbcolor: re(new RegExp(`^rgb\\(\\s*${BYTE_RANGE}\\s*,\\s*${BYTE_RANGE}\\s*,\\s*${BYTE_RANGE}\\s*\\)$`)),
  // govalidator.IsBase64: standard alphabet, padded; the empty string does not match.
  byte: re(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/),
  password: () => true,
  date: isDate,
  duration: isDuration,
  datetime: isDateTime,
}

function normalize(format: string): string {
  return format.replaceAll('-', '')
}

/** The format as apiextensions leaves it: the declared name when supported, else "" (stripped). */
export function effectiveFormat(format: string | undefined): string {
  if (!format) return ''
  return Object.hasOwn(CHECKERS, normalize(format)) ? format : ''
}

/** Whether `value` is valid for a supported (non-stripped) format. */
export function checkFormat(format: string, value: string): boolean {
  const check = CHECKERS[normalize(format)]
  return check === undefined || check(value)
}

export const SUPPORTED_FORMATS: readonly string[] = Object.keys(CHECKERS)
