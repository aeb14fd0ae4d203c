import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Schema } from '../../apis/schemas/types.ts'
import type { JSONSchemaProps } from './index.ts'
import { findUnknownFields, pruneUnknownFields, unknownFieldMessage } from './index.ts'

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        ports: {
          type: 'array',
          items: { type: 'object', properties: { port: { type: 'integer' } } },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        byName: {
          type: 'object',
          additionalProperties: { type: 'object', properties: { weight: { type: 'integer' } } },
        },
        // Unknown fields are kept here, but the specified ones are still pruned inside.
        config: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: {
            known: { type: 'object', properties: { a: { type: 'string' } } },
            free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } },
        },
      },
    },
  },
}

describe('pruneUnknownFields', () => {
  it('removes unknown fields in place and reports them sorted', () => {
    const obj = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { name: 'x', foo: 1, ports: [{ port: 80 }, { port: 81, bar: true }], zeta: {} },
      extra: 'dropped',
    }
    assert.deepEqual(pruneUnknownFields(obj, schema), ['extra', 'spec.foo', 'spec.ports[1].bar', 'spec.zeta'])
    assert.deepEqual(obj, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { name: 'x', ports: [{ port: 80 }, { port: 81 }] },
    })
  })

  it('keeps map entries and prunes inside their values', () => {
    const obj = { spec: { labels: { a: 'b' }, byName: { east: { weight: 1, colour: 'red' } } } }
    assert.deepEqual(pruneUnknownFields(obj, schema), ['spec.byName.east.colour'])
    assert.deepEqual(obj.spec, { labels: { a: 'b' }, byName: { east: { weight: 1 } } })
  })

  it('preserves unknown fields under x-kubernetes-preserve-unknown-fields, not below specified ones', () => {
    const obj = { spec: { config: { anything: { deep: [1] }, known: { a: 'x', b: 'y' }, free: { z: { y: 1 } } } } }
    assert.deepEqual(pruneUnknownFields(obj, schema), ['spec.config.known.b'])
    assert.deepEqual(obj.spec.config, { anything: { deep: [1] }, known: { a: 'x' }, free: { z: { y: 1 } } })
  })

  it('keeps apiVersion/kind/metadata of embedded resources', () => {
    const obj = {
      spec: {
        template: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', labels: { app: 'web' }, bogus: 1 },
          spec: { replicas: 2, paused: true },
          status: {},
        },
      },
    }
    assert.deepEqual(pruneUnknownFields(obj, schema), ['spec.template.spec.paused', 'spec.template.status'])
    // Unknown ObjectMeta fields of an embedded resource are dropped silently (objectmeta.Coerce).
    assert.deepEqual(obj.spec.template, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { replicas: 2 },
    })
  })

  it('prunes the root metadata to ObjectMeta and reports it last', () => {
    const obj = {
      metadata: { name: 'w', labels: { a: 'b' }, ownerReferences: [{ kind: 'X', name: 'y', foo: 1 }], colour: 'red' },
      spec: { zzz: 1 },
    }
    assert.deepEqual(pruneUnknownFields(obj, schema), [
      'spec.zzz',
      'metadata.colour',
      'metadata.ownerReferences[0].foo',
    ])
    assert.deepEqual(obj.metadata, { name: 'w', labels: { a: 'b' }, ownerReferences: [{ kind: 'X', name: 'y' }] })
  })

  it('prunes a subtree that is not a resource root', () => {
    const spec = { name: 'x', apiVersion: 'v1', other: 1 }
    // At the top of a non-root walk Kubernetes drops apiVersion/kind/metadata without reporting them.
    assert.deepEqual(pruneUnknownFields(spec, schema.properties!.spec, { isResourceRoot: false }), ['other'])
    assert.deepEqual(spec, { name: 'x' })
  })

  it('does not touch fields of a schema with additionalProperties: true', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { data: { type: 'object', additionalProperties: true } } }
    const obj = { data: { a: { b: 1 } } }
    assert.deepEqual(pruneUnknownFields(obj, s), [])
    assert.deepEqual(obj, { data: { a: { b: 1 } } })
  })
})

describe('findUnknownFields', () => {
  it('reports like pruning but leaves the value alone', () => {
    const obj = { metadata: { name: 'w', oops: 1 }, spec: { name: 'x', foo: 1, ports: [{ bar: 1 }] } }
    const before = structuredClone(obj)
    assert.deepEqual(findUnknownFields(obj, schema), ['spec.foo', 'spec.ports[0].bar', 'metadata.oops'])
    assert.deepEqual(obj, before)
  })
  it('words them as kube-apiserver', () => {
    assert.equal(unknownFieldMessage('spec.foo'), 'unknown field "spec.foo"')
  })
})

describe('built-in schemas', () => {
  it('are accepted as they are (Schema is assignable to JSONSchemaProps)', () => {
    const asProps = (s: Schema): JSONSchemaProps => s
    const deployment: Schema = {
      type: 'object',
      properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } },
    }
    assert.deepEqual(findUnknownFields({ spec: { replicas: 1, replica: 2 } }, asProps(deployment)), ['spec.replica'])
  })

  it('treats a schema that declares nothing as any JSON (JSONSchemaPropsOrBool and friends)', () => {
    const crdLike: JSONSchemaProps = {
      type: 'object',
      properties: { schema: { type: 'object', properties: { additionalProperties: { description: 'any' } } } },
    }
    const obj = { schema: { additionalProperties: { type: 'string', x: { y: 1 } } } }
    assert.deepEqual(pruneUnknownFields(obj, crdLike, { isResourceRoot: false }), [])
    assert.deepEqual(obj, { schema: { additionalProperties: { type: 'string', x: { y: 1 } } } })
  })
})
