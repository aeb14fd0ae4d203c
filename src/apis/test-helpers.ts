// Helpers for the src/apis tests: read one Table cell of a KindDef by column name.

import type { KindDef } from '../machinery/kinds.ts'
import type { KubeObject } from '../machinery/object.ts'

/** A fixed "now" for tests: 2024-06-01T12:00:00Z. */
export const NOW = Date.parse('2024-06-01T12:00:00Z')

/** The RFC 3339 timestamp `seconds` before NOW. */
export function ago(seconds: number): string {
  return new Date(NOW - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The value of the column named `name` (case-insensitive) for `obj`. */
export function cell(def: KindDef, name: string, obj: KubeObject, now = NOW): string | number | boolean | null {
  const col = def.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())
  if (!col) throw new Error(`${def.kind} has no column ${name}`)
  return col.cell(obj, now)
}

/** All cells of a row, keyed by upper-case column name, as kubectl's headers show them. */
export function row(def: KindDef, obj: KubeObject, now = NOW): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {}
  for (const c of def.columns) out[c.name.toUpperCase()] = c.cell(obj, now)
  return out
}

/** A minimal object of the kind, with a creation time 10 minutes before NOW. */
export function object(
  def: KindDef,
  fields: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
    kind: def.kind,
    metadata: {
      name: 'test',
      ...(def.scope === 'Namespaced' ? { namespace: 'default' } : {}),
      uid: '6d5b1c2e-0000-4000-8000-000000000001',
      creationTimestamp: ago(600),
      ...meta,
    },
    ...fields,
  }
}

/** The field paths of a validation result, for compact assertions. */
export function fields(errs: { field: string }[]): string[] {
  return errs.map((e) => e.field)
}
