// Key-range helpers and row → KeyValue/WatchEvent conversion shared by the SQLite modules.

import type { KeyValue, WatchEvent } from '../interface.ts'

/**
 * Exclusive upper bound of the keys starting with `prefix`, so that a prefix scan becomes the
 * index range `key >= prefix AND key < prefixEnd(prefix)`.
 *
 * SQLite compares TEXT with memcmp over UTF-8, which orders like code points; incrementing the
 * last code unit is therefore exact for the ASCII paths the API server uses (and for any BMP
 * character outside the surrogate block). The empty prefix gets the largest code point as bound.
 */
export function prefixEnd(prefix: string): string {
  let p = prefix
  while (p.length > 0) {
    const last = p.charCodeAt(p.length - 1)
    if (last < 0xffff) return p.slice(0, -1) + String.fromCharCode(last + 1)
    p = p.slice(0, -1) // U+FFFF cannot be incremented: bound on the shorter prefix instead
  }
  return '\u{10FFFF}'
}

/**
 * Orders keys like SQLite does (memcmp of UTF-8, i.e. code point order). JS `<` compares UTF-16
 * code units, which differs only when a surrogate (a code point above U+FFFF) meets a unit in
 * U+E000..U+FFFF; that case is corrected, everything else is one native comparison.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  let i = 0
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++
  if (i === n) return a.length - b.length
  const x = a.charCodeAt(i)
  const y = b.charCodeAt(i)
  const xs = x >= 0xd800 && x <= 0xdfff
  const ys = y >= 0xd800 && y <= 0xdfff
  if (xs !== ys && (xs ? y : x) >= 0xe000) return xs ? 1 : -1
  return x - y
}

/** Row shape of `current` and of snapshot reads (arrays: cheaper than objects for big lists). */
export type KvRow = [key: string, value: string, modRev: number, createRev: number]

export function kvFromRow(r: KvRow): KeyValue {
  return { key: r[0], value: r[1], modRevision: r[2], createRevision: r[3] }
}

/** Row shape of `log` as selected by the statements in statements.ts. */
export type LogRow = [
  rev: number,
  key: string,
  value: string | null,
  prevValue: string | null,
  prevModRev: number | null,
  prevCreateRev: number | null,
  createRev: number | null,
]

export function eventFromLogRow(r: LogRow): WatchEvent {
  const [rev, key, value, prevValue, prevModRev, prevCreateRev, createRev] = r
  const ev: WatchEvent = { type: value === null ? 'DELETE' : 'PUT', key, revision: rev }
  if (value !== null) ev.value = { key, value, modRevision: rev, createRevision: createRev ?? rev }
  if (prevValue !== null) {
    ev.prevValue = { key, value: prevValue, modRevision: prevModRev ?? 0, createRevision: prevCreateRev ?? 0 }
  }
  return ev
}
