// Small readers for loosely typed JSON objects. Stored objects arrive unvalidated, so every
// printer and hook reads through these instead of trusting shapes.

import { isPlainObject } from '../machinery/object.ts'

export type Json = Record<string, unknown>

/** The value as an object, or an empty object. */
export function rec(v: unknown): Json {
  return isPlainObject(v) ? v : {}
}

/** The value as an array, or an empty array. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : []
}

/** The value as a string, or "" (numbers are not strings, like Go's typed fields). */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

/** The value as a number, or 0 (Go's zero value). */
export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0
}

/** Object → string map (labels, selectors); non-string values are dropped. */
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(rec(v))) if (typeof val === 'string') out[k] = val
  return out
}

/** Returns obj[key] as an object, creating it when missing or not an object. */
export function ensure(obj: Json, key: string): Json {
  const cur = obj[key]
  if (isPlainObject(cur)) return cur
  const created: Json = {}
  obj[key] = created
  return created
}

/** Sets obj[key] = value only when the key is absent (undefined or null), like API defaulting. */
export function setDefault(obj: Json, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value
}
