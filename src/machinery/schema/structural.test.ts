// validateStructuralSchema: one case per rule, with kube-apiserver's messages at the path a CRD
// create would report them (spec.versions[0].schema.openAPIV3Schema...).

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { JSONSchemaProps } from './index.ts'
import { validateStructuralSchema } from './index.ts'
import { kubeMessages } from './testutil.ts'

const P = 'spec.versions[0].schema.openAPIV3Schema'

const check = (schema: JSONSchemaProps) => kubeMessages(validateStructuralSchema(schema, P))

/** A root with the usual apiVersion/kind/metadata and the given spec. */
const withSpec = (spec: JSONSchemaProps): JSONSchemaProps => ({
  type: 'object',
  properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec },
})

describe('validateStructuralSchema: structure', () => {
  it('accepts a structural schema', () => {
    assert.deepEqual(
      check(
        withSpec({
          type: 'object',
          required: ['replicas'],
          properties: {
            replicas: { type: 'integer', minimum: 0, default: 1 },
            port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
            raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            list: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
            mode: { type: 'string', enum: ['a', 'b'], allOf: [{ pattern: '^[ab]$' }] },
          },
        }),
      ),
      [],
    )
  })
  it('requires a type on specified fields', () => {
    assert.deepEqual(check(withSpec({ properties: { a: { type: 'string' } } })), [
      `${P}.properties[spec].type: Required value: must not be empty for specified object fields`,
    ])
  })
  it('requires a type at the root and on items', () => {
    assert.deepEqual(check({ properties: { list: { type: 'array', items: { maxLength: 3 } } } }), [
      `${P}.properties[list].items.type: Required value: must not be empty for specified array items`,
      `${P}.type: Required value: must not be empty at the root`,
    ])
  })
  it('requires items on arrays', () => {
    assert.deepEqual(check(withSpec({ type: 'array' })), [
      `${P}.properties[spec].items: Required value: must be specified`,
    ])
  })
  it('requires an object at the root', () => {
    assert.deepEqual(check({ type: 'string' }), [`${P}.type: Invalid value: "string": must be object at the root`])
  })
  it('forbids additionalProperties at the root', () => {
    assert.deepEqual(check({ type: 'object', additionalProperties: { type: 'string' } }), [
      `${P}.additionalProperties: Forbidden: must not be used at the root`,
    ])
  })
  it('restricts the root metadata to name and generateName', () => {
    assert.deepEqual(
      check({
        type: 'object',
        properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } } },
      }),
      [],
    )
    assert.deepEqual(
      check({
        type: 'object',
        properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } },
      }),
      [
        `${P}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
      ],
    )
    assert.deepEqual(check({ type: 'object', properties: { metadata: { type: 'string' } } }), [
      `${P}.properties[metadata].type: Invalid value: "string": must be object`,
    ])
  })
  it('requires apiVersion and kind to be strings where they are type meta', () => {
    assert.deepEqual(check({ type: 'object', properties: { kind: { type: 'integer' } } }), [
      `${P}.properties[kind].type: Invalid value: "integer": must be string`,
    ])
  })
  it('checks embedded resources', () => {
    assert.deepEqual(
      check(withSpec({ 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true })),
      [`${P}.properties[spec].type: Required value: must be object if x-kubernetes-embedded-resource is true`],
    )
    assert.deepEqual(check(withSpec({ type: 'object', 'x-kubernetes-embedded-resource': true })), [
      `${P}.properties[spec].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
    ])
  })
  it('checks int-or-string against the other extensions', () => {
    assert.deepEqual(
      check(withSpec({ 'x-kubernetes-int-or-string': true, 'x-kubernetes-preserve-unknown-fields': true })),
      [
        `${P}.properties[spec].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`,
      ],
    )
  })
})

describe('validateStructuralSchema: value validations (allOf/anyOf/oneOf/not)', () => {
  it('forbids structure inside junctors', () => {
    assert.deepEqual(
      check(
        withSpec({
          type: 'object',
          properties: { a: { type: 'string' } },
          anyOf: [{ properties: { a: { type: 'string', description: 'x', nullable: true } } }],
        }),
      ),
      [
        `${P}.properties[spec].anyOf[0].properties[a].description: Forbidden: must be empty to be structural`,
        `${P}.properties[spec].anyOf[0].properties[a].nullable: Forbidden: must be false to be structural`,
        `${P}.properties[spec].anyOf[0].properties[a].type: Forbidden: must be empty to be structural`,
      ],
    )
  })
  it('allows the two int-or-string spellings', () => {
    assert.deepEqual(
      check(withSpec({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] })),
      [],
    )
    assert.deepEqual(
      check(
        withSpec({
          'x-kubernetes-int-or-string': true,
          allOf: [{ anyOf: [{ type: 'integer' }, { type: 'string' }] }, { pattern: '^[0-9]+%?$' }],
        }),
      ),
      [],
    )
  })
  it('forbids metadata and extensions in nested contexts', () => {
    assert.deepEqual(
      check({
        type: 'object',
        properties: { metadata: { type: 'object' } },
        allOf: [{ properties: { metadata: {} } }],
      }),
      [`${P}.allOf[0].properties[metadata]: Forbidden: must not be specified in a nested context`],
    )
    assert.deepEqual(
      check(withSpec({ type: 'object', not: { 'x-kubernetes-preserve-unknown-fields': true, default: {} } })),
      [
        `${P}.properties[spec].not.default: Forbidden: must be undefined to be structural`,
        `${P}.properties[spec].not.x-kubernetes-preserve-unknown-fields: Forbidden: must be false to be structural`,
      ],
    )
  })
  it('requires junctor fields to be specified outside (at the root)', () => {
    assert.deepEqual(
      check({
        type: 'object',
        properties: { a: { type: 'string' } },
        anyOf: [{ required: ['a'] }, { properties: { b: {} } }],
      }),
      [`${P}.properties[b]: Required value: because it is defined in ${P}.anyOf[1].properties[b]`],
    )
  })
  it('checks patterns compile', () => {
    assert.deepEqual(check(withSpec({ type: 'string', pattern: '^(?=a)' })), [
      `${P}.properties[spec].pattern: Invalid value: "^(?=a)": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: \`(?=\``,
    ])
  })
})

describe('validateStructuralSchema: the OpenAPI subset', () => {
  it('forbids $ref and friends', () => {
    assert.deepEqual(
      check(withSpec({ type: 'object', properties: { a: { type: 'string', $ref: '#/definitions/a' } } })),
      [`${P}.properties[spec].properties[a].$ref: Forbidden: $ref is not supported`],
    )
    assert.deepEqual(
      check(
        withSpec({
          type: 'object',
          definitions: { a: { type: 'string' } },
          patternProperties: { x: { type: 'string' } },
        }),
      ),
      [
        `${P}.properties[spec].patternProperties: Forbidden: patternProperties is not supported`,
        `${P}.properties[spec].definitions: Forbidden: definitions is not supported`,
      ],
    )
  })
  it('forbids additionalProperties next to properties', () => {
    assert.deepEqual(
      check(
        withSpec({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } }),
      ),
      [
        `${P}.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
      ],
    )
  })
  it('forbids uniqueItems and type null', () => {
    assert.deepEqual(check(withSpec({ type: 'array', items: { type: 'string' }, uniqueItems: true })), [
      `${P}.properties[spec].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
    ])
    assert.deepEqual(check(withSpec({ type: 'null' })), [
      `${P}.properties[spec].type: Unsupported value: "null": supported values: "array", "boolean", "integer", "number", "object", "string"`,
      `${P}.properties[spec].type: Forbidden: type cannot be set to null, use nullable as an alternative`,
    ])
  })
  it('forbids nullable at the root and defaults in the top-level metadata', () => {
    assert.deepEqual(check({ type: 'object', nullable: true }), [
      `${P}.nullable: Forbidden: nullable cannot be true at the root`,
    ])
    assert.deepEqual(check({ type: 'object', properties: { metadata: { type: 'object', default: {} } } }), [
      `${P}.properties[metadata].default: Forbidden: must not be set in top-level metadata`,
    ])
  })
  it('wants preserve-unknown-fields true or absent', () => {
    assert.deepEqual(check(withSpec({ type: 'object', 'x-kubernetes-preserve-unknown-fields': false })), [
      `${P}.properties[spec].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`,
    ])
  })
  it('checks list types and list-map keys', () => {
    assert.deepEqual(check(withSpec({ type: 'object', 'x-kubernetes-list-type': 'set' })), [
      `${P}.properties[spec].type: Invalid value: "object": must be array if x-kubernetes-list-type is specified`,
    ])
    assert.deepEqual(check(withSpec({ type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'bag' })), [
      `${P}.properties[spec].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`,
    ])
    const item: JSONSchemaProps = {
      type: 'object',
      properties: { name: { type: 'string' }, port: { type: 'integer' } },
    }
    assert.deepEqual(check(withSpec({ type: 'array', items: item, 'x-kubernetes-list-type': 'map' })), [
      `${P}.properties[spec].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
    ])
    assert.deepEqual(
      check(
        withSpec({
          type: 'array',
          items: item,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['nope'],
        }),
      ),
      [
        `${P}.properties[spec].x-kubernetes-list-map-keys: Invalid value: ["nope"]: entries must all be names of item properties`,
      ],
    )
    assert.deepEqual(
      check(
        withSpec({
          type: 'array',
          items: item,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
        }),
      ),
      [
        `${P}.properties[spec].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
      ],
    )
    assert.deepEqual(
      check(
        withSpec({
          type: 'array',
          items: { ...item, required: ['name'] },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
        }),
      ),
      [],
    )
    assert.deepEqual(
      check(withSpec({ type: 'array', items: { type: 'string' }, 'x-kubernetes-list-map-keys': ['a'] })),
      [
        `${P}.properties[spec].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`,
      ],
    )
  })
  it('wants atomic items in a set', () => {
    assert.deepEqual(
      check(
        withSpec({
          type: 'array',
          'x-kubernetes-list-type': 'set',
          items: { type: 'object', properties: { a: { type: 'string' } } },
        }),
      ),
      [
        `${P}.properties[spec].items.x-kubernetes-map-type: Invalid value: "null": must be atomic as item of a list with x-kubernetes-list-type=set`,
      ],
    )
  })
  it('checks map types', () => {
    assert.deepEqual(check(withSpec({ type: 'string', 'x-kubernetes-map-type': 'whole' })), [
      `${P}.properties[spec].type: Invalid value: "string": must be object if x-kubernetes-map-type is specified`,
      `${P}.properties[spec].x-kubernetes-map-type: Unsupported value: "whole": supported values: "atomic", "granular"`,
    ])
  })
})

describe('validateStructuralSchema: defaults', () => {
  it('validates a default against its schema', () => {
    assert.deepEqual(
      check(withSpec({ type: 'object', properties: { replicas: { type: 'integer', minimum: 1, default: 0 } } })),
      [
        `${P}.properties[spec].properties[replicas].default: Invalid value: 0:  in body should be greater than or equal to 1`,
      ],
    )
    assert.deepEqual(
      check(withSpec({ type: 'object', properties: { mode: { type: 'string', enum: ['a'], default: 'b' } } })),
      [`${P}.properties[spec].properties[mode].default: Unsupported value: "b": supported values: "a"`],
    )
  })
  it('wants defaults pruned', () => {
    assert.deepEqual(
      check(withSpec({ type: 'object', default: { a: 1, extra: true }, properties: { a: { type: 'integer' } } })),
      [`${P}.properties[spec].default: Invalid value: {"a":1,"extra":true}: must not have unknown fields`],
    )
  })
  it('checks defaults only once the schema is structural', () => {
    assert.deepEqual(check(withSpec({ properties: { n: { type: 'integer', default: 'x' } } })), [
      `${P}.properties[spec].type: Required value: must not be empty for specified object fields`,
    ])
  })
})
