import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Schema } from '../../apis/schemas/types.ts'
import { firstTypeError } from './decode-types.ts'

// A struct with a list of structs and a map, as the built-in schemas have them.
const schema: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        containers: {
          type: 'array',
          items: {
            type: 'object',
            properties: { image: { type: 'string' }, ports: { type: 'array', items: { type: 'integer' } } },
          },
        },
        selector: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
}

test('firstTypeError names where the first wrong value is, and the Go field it would fill', () => {
  assert.equal(
    firstTypeError({ spec: { containers: [{ image: 'a', ports: [80] }], selector: { app: 'x' } } }, schema, 'Pod'),
    undefined,
  )
  const list = firstTypeError({ spec: { containers: [{ image: 'a' }, { image: 7 }] } }, schema, 'Pod')
  assert.equal(list?.at, 'spec.containers[1].image')
  assert.equal(
    list?.message,
    'json: cannot unmarshal number into Go struct field Pod.spec.containers.image of type string',
  )
  const nested = firstTypeError({ spec: { containers: [{ ports: [80, 'http'] }] } }, schema, 'Pod')
  assert.equal(nested?.at, 'spec.containers[0].ports[1]')
  assert.equal(nested?.expected, 'integer')
  assert.equal(nested?.found, 'string')
  // A map's values are reported at their key, against the map's own field.
  const map = firstTypeError({ spec: { selector: { app: true } } }, schema, 'Pod')
  assert.equal(map?.at, 'spec.selector.app')
  assert.match(map!.message, /Go struct field Pod\.spec\.selector of type string$/)
  // The walk's state does not leak from one sibling into the next.
  const second = firstTypeError({ spec: { selector: { a: 'x' }, containers: [{ image: 1 }] } }, schema, 'Pod')
  assert.equal(second?.at, 'spec.containers[0].image')
})
