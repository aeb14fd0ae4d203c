// Random objects and schemas for the field-set tests (fields-v1.test.ts): every list type,
// atomic maps, nulls and repeated elements, from a seeded generator so a failure names a seed
// that reproduces it. Test support only.

import type { Schema } from '../../apis/schemas/types.ts'

export { seededRandom as rng } from '../../util/seeded-random.ts'

const KEYS = ['a', 'b', 'name', 'port', 'x', 'status', 'metadata', '0', 'Z', 'é']

/** A random value and a schema for it, with every list type and atomic maps in the mix. */
export function randomValue(r: () => number, depth: number): { value: unknown; schema: Schema | undefined } {
  const roll = r()
  if (depth <= 0 || roll < 0.3) {
    const scalars = [null, undefined, 'v', 1, true, '', 0, false]
    return { value: scalars[Math.floor(r() * scalars.length)], schema: r() < 0.5 ? undefined : { type: 'string' } }
  }
  if (roll < 0.65) {
    const value: Record<string, unknown> = {}
    const properties: Record<string, Schema> = {}
    const n = Math.floor(r() * 4)
    for (let i = 0; i < n; i++) {
      const k = KEYS[Math.floor(r() * KEYS.length)]
      const child = randomValue(r, depth - 1)
      value[k] = child.value
      if (child.schema) properties[k] = child.schema
    }
    const schema: Schema = { type: 'object', properties }
    if (r() < 0.1) schema['x-kubernetes-map-type'] = 'atomic'
    return { value, schema: r() < 0.15 ? undefined : schema }
  }
  const kind = r()
  const items: unknown[] = []
  const n = Math.floor(r() * 4)
  if (kind < 0.3) {
    for (let i = 0; i < n; i++) items.push(['p', 'q', 1, { o: 1 }][Math.floor(r() * 4)])
    return { value: items, schema: { type: 'array', 'x-kubernetes-list-type': 'set' } }
  }
  const element = randomValue(r, depth - 1)
  for (let i = 0; i < n; i++) {
    const item = isRecord(element.value) ? { ...element.value } : {}
    const key = ['w', 'y', 'z', undefined][Math.floor(r() * 4)]
    if (key !== undefined) item.name = key
    if (r() < 0.2) item.port = Math.floor(r() * 2)
    items.push(r() < 0.05 ? 'not-an-object' : item)
  }
  const schema: Schema =
    kind < 0.5
      ? {
          type: 'array',
          items: element.schema,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name', 'port'],
        }
      : kind < 0.7
        ? {
            type: 'array',
            items: element.schema,
            'x-kubernetes-patch-strategy': 'merge',
            'x-kubernetes-patch-merge-key': 'name',
          }
        : { type: 'array', items: element.schema }
  return { value: items, schema }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** A copy of `v` with a few random changes (values replaced, keys added or removed). */
export function mutate<T>(v: T, r: () => number): T {
  const copy = structuredClone(v)
  const edit = (x: unknown, depth: number): unknown => {
    if (Array.isArray(x)) {
      if (x.length > 0 && r() < 0.3) x.splice(Math.floor(r() * x.length), 1)
      else if (x.length > 0) x[Math.floor(r() * x.length)] = edit(x[Math.floor(r() * x.length)], depth + 1)
      return x
    }
    if (isRecord(x)) {
      const keys = Object.keys(x)
      const roll = r()
      if (keys.length === 0 || roll < 0.2) x[KEYS[Math.floor(r() * KEYS.length)]] = randomValue(r, 2).value
      else if (roll < 0.35) delete x[keys[Math.floor(r() * keys.length)]]
      else {
        const k = keys[Math.floor(r() * keys.length)]
        x[k] = depth > 3 || r() < 0.3 ? randomValue(r, 2).value : edit(x[k], depth + 1)
      }
      return x
    }
    return r() < 0.5 ? x : randomValue(r, 1).value
  }
  return edit(copy, 0) as T
}
