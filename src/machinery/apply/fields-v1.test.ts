import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { patchSchemaFor } from '../../apis/schemas/index.ts'
import type { Schema } from '../../apis/schemas/types.ts'
import type { KubeObject } from '../object.ts'
import { diffFields, diffWhole } from './field-set.ts'
import { createdFieldsV1, SAME_ELEMENT_TWICE } from './fields-v1.ts'
import { ownedOnCreate, type TrackingContext, trackUpdate } from './managed-fields.ts'
import { isRecord, mutate, randomValue, rng } from './random-objects.ts'

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

describe('diffFields', () => {
  it('gives what diffWhole gives, on 5,000 random pairs of objects (most sharing fields)', () => {
    let skipped = 0
    for (let seed = 1; seed <= 5000; seed++) {
      const r = rng(seed)
      const body = randomValue(r, 4)
      const prev: Record<string, unknown> = {
        apiVersion: 'v1',
        kind: 'Thing',
        metadata: { name: 'n', labels: { a: 'b' } },
        spec: body.value,
        status: randomValue(r, 2).value,
      }
      const next = r() < 0.8 ? mutate(prev, r) : { ...prev, spec: randomValue(r, 4).value }
      const schema: Schema = { type: 'object', properties: { spec: body.schema ?? {} } }
      const s = r() < 0.1 ? undefined : schema
      const want = diffWhole(prev, next, s)
      const got = diffFields(prev, next, s)
      const explain = `seed ${seed}: ${JSON.stringify(prev)} → ${JSON.stringify(next)}`
      assert.deepEqual([...got.changed.members()].sort(), [...want.changed.members()].sort(), explain)
      assert.deepEqual([...got.removed.members()].sort(), [...want.removed.members()].sort(), explain)
      assert.deepEqual(got.changed.toFieldsV1(), want.changed.toFieldsV1(), explain)
      if (JSON.stringify(prev.spec) === JSON.stringify(next.spec)) skipped++
    }
    assert.ok(skipped > 1000, `${skipped} pairs with an unchanged spec`)
  })
})
