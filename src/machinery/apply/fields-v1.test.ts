import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { patchSchemaFor } from '../../apis/schemas/index.ts'
import type { Schema } from '../../apis/schemas/types.ts'
import type { KubeObject } from '../object.ts'
import { createdFieldsV1, SAME_ELEMENT_TWICE } from './fields-v1.ts'
import { ownedOnCreate, type TrackingContext, trackUpdate } from './managed-fields.ts'

const ctx = (schema: Schema | undefined, over: Partial<TrackingContext> = {}): TrackingContext => ({
  manager: 'm',
  apiVersion: 'v1',
  subresource: '',
  statusSubresource: true,
  schema,
  now: '2026-01-01T00:00:00Z',
  ...over,
})

/** What the general route (PathSets) gives, in createdFieldsV1's terms. */
function general(obj: KubeObject, c: TrackingContext): Record<string, unknown> | undefined {
  const set = ownedOnCreate(structuredClone(obj), c)
  return set.empty ? undefined : set.toFieldsV1()
}

function direct(obj: KubeObject, c: TrackingContext) {
  return createdFieldsV1(obj as unknown as Record<string, unknown>, c)
}

// A small deterministic PRNG, so a failure names a seed that reproduces it.
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const KEYS = ['a', 'b', 'name', 'port', 'x', 'status', 'metadata', '0', 'Z', 'é']

/** A random value and a schema for it, with every list type and atomic maps in the mix. */
function randomValue(r: () => number, depth: number): { value: unknown; schema: Schema | undefined } {
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

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

describe('createdFieldsV1', () => {
  it('gives what the general route gives, on 5,000 random objects and schemas', () => {
    let duplicates = 0
    let compared = 0
    for (let seed = 1; seed <= 5000; seed++) {
      const r = rng(seed)
      const body = randomValue(r, 5)
      const meta = randomValue(r, 3)
      const obj = {
        apiVersion: 'v1',
        kind: 'Thing',
        metadata: {
          name: 'n',
          namespace: 'ns',
          uid: 'u',
          resourceVersion: '1',
          ...(isRecord(meta.value) ? meta.value : {}),
        },
        spec: body.value,
        ...(r() < 0.3 ? { status: { phase: 'x' } } : {}),
      } as KubeObject
      const schema: Schema = { type: 'object', properties: { spec: body.schema ?? {}, metadata: meta.schema ?? {} } }
      const c = ctx(r() < 0.2 ? undefined : schema, {
        statusSubresource: r() < 0.5,
        subresource: r() < 0.1 ? 'status' : '',
      })
      const got = direct(obj, c)
      if (got === SAME_ELEMENT_TWICE) {
        duplicates++
        continue
      }
      compared++
      assert.deepEqual(got, general(obj, c), `seed ${seed}: ${JSON.stringify(obj)}`)
      // Same key order too: the stored and served JSON must not change.
      assert.equal(JSON.stringify(got), JSON.stringify(general(obj, c)), `seed ${seed}`)
    }
    // The generator must exercise both outcomes.
    assert.ok(compared > 3000, `${compared} compared`)
    assert.ok(duplicates > 50, `${duplicates} with a repeated element`)
  })

  it('gives what the general route gives for a Deployment and a Pod', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' }, annotations: { a: 'b' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx',
                ports: [{ containerPort: 80 }, { containerPort: 443, protocol: 'TCP' }],
                env: [{ name: 'A', value: '1' }],
                resources: { limits: { cpu: '1' } },
              },
              { name: 'sidecar', image: 'busybox', args: ['sleep', '1'] },
            ],
            tolerations: [{ key: 'k', operator: 'Exists' }],
          },
        },
      },
      status: { replicas: 2 },
    } as KubeObject
    const c = ctx(patchSchemaFor('apps', 'v1', 'Deployment'), { apiVersion: 'apps/v1' })
    assert.deepEqual(direct(deployment, c), general(deployment, c))
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'ns',
        ownerReferences: [{ uid: 'u1', name: 'rs', kind: 'ReplicaSet', apiVersion: 'apps/v1' }],
      },
      spec: {
        containers: [{ name: 'c', image: 'i', volumeMounts: [{ name: 'v', mountPath: '/v' }] }],
        volumes: [{ name: 'v', emptyDir: {} }],
      },
    } as KubeObject
    const pc = ctx(patchSchemaFor('', 'v1', 'Pod'))
    assert.deepEqual(direct(pod, pc), general(pod, pc))
  })

  it('writes "." for a list element whose fields are all empty, as the general route does', () => {
    const obj = {
      apiVersion: 'v1',
      kind: 'Thing',
      metadata: { name: 'n' },
      spec: { items: [{ name: { x: null } }] },
    } as KubeObject
    const schema: Schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            items: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
          },
        },
      },
    }
    const c = ctx(schema)
    assert.deepEqual(direct(obj, c), { 'f:spec': { 'f:items': { 'k:{"name":{"x":null}}': { '.': {} } } } })
    assert.deepEqual(direct(obj, c), general(obj, c))
  })

  it('falls back to the general route for a repeated element, with the same result', () => {
    const obj = {
      apiVersion: 'v1',
      kind: 'Thing',
      metadata: { name: 'n', finalizers: ['a', 'a'] },
    } as KubeObject
    const schema = patchSchemaFor('', 'v1', 'ConfigMap')
    const c = ctx(schema)
    assert.equal(direct(obj, c), SAME_ELEMENT_TWICE)
    const tracked = structuredClone(obj)
    trackUpdate(undefined, tracked, c)
    assert.deepEqual(tracked.metadata.managedFields, [
      {
        manager: 'm',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: general(obj, c),
      },
    ])
  })
})
