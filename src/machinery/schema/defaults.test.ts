import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { JSONSchemaProps } from './index.ts'
import { applyDefaults, pruneNonNullableNulls } from './index.ts'

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      // The parent default is applied first, then the defaults inside it.
      default: {},
      properties: {
        replicas: { type: 'integer', default: 1 },
        strategy: {
          type: 'object',
          default: { type: 'RollingUpdate' },
          properties: {
            type: { type: 'string' },
            maxSurge: { 'x-kubernetes-int-or-string': true, default: '25%' },
          },
        },
        ports: {
          type: 'array',
          items: {
            type: 'object',
            default: { port: 80 },
            properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } },
          },
        },
        byName: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            default: { weight: 1 },
            properties: { weight: { type: 'integer' }, zone: { type: 'string', default: 'a' } },
          },
        },
        note: { type: 'string', nullable: true, default: 'n' },
        plain: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
      },
    },
  },
}

describe('applyDefaults', () => {
  it('applies nested defaults after the parent default', () => {
    const obj: Record<string, unknown> = {}
    applyDefaults(obj, schema)
    assert.deepEqual(obj, {
      spec: { replicas: 1, strategy: { type: 'RollingUpdate', maxSurge: '25%' }, note: 'n' },
    })
  })

  it('keeps values that are present', () => {
    const obj = { spec: { replicas: 0, strategy: { type: 'Recreate' }, note: 'mine' } }
    applyDefaults(obj, schema)
    assert.deepEqual(obj.spec, { replicas: 0, strategy: { type: 'Recreate', maxSurge: '25%' }, note: 'mine' })
  })

  it('defaults inside items and additionalProperties, null elements included', () => {
    const obj = { spec: { ports: [{ port: 8080 }, null], byName: { east: {}, west: null } } }
    applyDefaults(obj, schema)
    assert.deepEqual(obj.spec.ports, [
      { port: 8080, protocol: 'TCP' },
      { port: 80, protocol: 'TCP' },
    ])
    assert.deepEqual(obj.spec.byName, { east: { zone: 'a' }, west: { weight: 1, zone: 'a' } })
  })

  it('treats a non-nullable null as absent: defaulted if it has a default, removed if not', () => {
    const obj = { spec: { replicas: null, plain: null, strategy: null } }
    applyDefaults(obj, schema)
    assert.deepEqual(obj.spec, { replicas: 1, strategy: { type: 'RollingUpdate', maxSurge: '25%' }, note: 'n' })
  })

  it('keeps a nullable null and does not default it', () => {
    const obj = { spec: { note: null } }
    applyDefaults(obj, schema)
    assert.equal(obj.spec.note, null)
  })

  it('copies defaults: objects are never shared with the schema or each other', () => {
    const a: { spec?: { strategy?: { type?: string } } } = {}
    const b: { spec?: { strategy?: { type?: string } } } = {}
    applyDefaults(a, schema)
    applyDefaults(b, schema)
    a.spec!.strategy!.type = 'changed'
    assert.equal(b.spec!.strategy!.type, 'RollingUpdate')
    assert.deepEqual(schema.properties!.spec.properties!.strategy.default, { type: 'RollingUpdate' })
  })

  it('leaves values of the wrong shape to validation', () => {
    const obj = { spec: { ports: 'none', byName: 3 } }
    applyDefaults(obj, schema)
    assert.deepEqual(obj.spec, {
      ports: 'none',
      byName: 3,
      replicas: 1,
      strategy: { type: 'RollingUpdate', maxSurge: '25%' },
      note: 'n',
    })
  })
})

describe('pruneNonNullableNulls', () => {
  it('removes non-nullable nulls without a default, keeps null list items', () => {
    const obj = { spec: { plain: null, note: null, tags: ['a', null], replicas: null } }
    pruneNonNullableNulls(obj, schema)
    assert.deepEqual(obj, { spec: { note: null, tags: ['a', null], replicas: null } })
  })
})
