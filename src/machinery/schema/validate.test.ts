// validateValue: one table per keyword family, each entry a value and the exact kube-apiserver
// messages it produces for a custom resource (field paths from the root, "<nil>" for junctors).

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { invalid } from '../errors.ts'
import type { JSONSchemaProps } from './index.ts'
import { validateValue } from './index.ts'
import { kubeMessages } from './testutil.ts'

/** The messages for `value` at spec.x of a CR whose spec.x has schema `x`. */
function at(x: JSONSchemaProps, value: unknown): string[] {
  const schema: JSONSchemaProps = {
    type: 'object',
    properties: { spec: { type: 'object', properties: { x } } },
  }
  return kubeMessages(validateValue({ spec: { x: value } }, schema))
}

interface Case {
  name: string
  schema: JSONSchemaProps
  value: unknown
  want: string[]
}

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(c.name, () => assert.deepEqual(at(c.schema, c.value), c.want))
    }
  })
}

const typeErr = (got: string, want: string) =>
  `spec.x: Invalid value: "${got}": spec.x in body must be of type ${want}: "${got}"`

table('type', [
  {
    name: 'integer given a string',
    schema: { type: 'integer' },
    value: 'string',
    want: [typeErr('string', 'integer')],
  },
  { name: 'integer given a float', schema: { type: 'integer' }, value: 1.5, want: [typeErr('number', 'integer')] },
  { name: 'integer given a boolean', schema: { type: 'integer' }, value: true, want: [typeErr('boolean', 'integer')] },
  { name: 'integer given an integer', schema: { type: 'integer' }, value: 3, want: [] },
  { name: 'number accepts an integer', schema: { type: 'number' }, value: 3, want: [] },
  { name: 'number accepts a float', schema: { type: 'number' }, value: 3.25, want: [] },
  { name: 'string given an integer', schema: { type: 'string' }, value: 5, want: [typeErr('integer', 'string')] },
  { name: 'string given an object', schema: { type: 'string' }, value: {}, want: [typeErr('object', 'string')] },
  { name: 'boolean given a string', schema: { type: 'boolean' }, value: 'true', want: [typeErr('string', 'boolean')] },
  { name: 'object given an array', schema: { type: 'object' }, value: [], want: [typeErr('array', 'object')] },
  {
    name: 'array given an object',
    schema: { type: 'array', items: { type: 'string' } },
    value: {},
    want: [typeErr('object', 'array')],
  },
  { name: 'null when not nullable', schema: { type: 'string' }, value: null, want: [typeErr('null', 'string')] },
  { name: 'null when nullable', schema: { type: 'string', nullable: true }, value: null, want: [] },
  { name: 'int-or-string: integer', schema: { 'x-kubernetes-int-or-string': true }, value: 8080, want: [] },
  { name: 'int-or-string: string', schema: { 'x-kubernetes-int-or-string': true }, value: '50%', want: [] },
  {
    name: 'int-or-string: boolean',
    schema: { 'x-kubernetes-int-or-string': true },
    value: true,
    want: [typeErr('boolean', 'integer,string')],
  },
  {
    name: 'int-or-string: float',
    schema: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
    value: 1.5,
    want: [
      typeErr('number', 'integer,string'),
      '<nil>: Invalid value: "": "spec.x" must validate at least one schema (anyOf)',
      typeErr('number', 'integer'),
    ],
  },
  {
    name: 'no type: anything goes',
    schema: { 'x-kubernetes-preserve-unknown-fields': true },
    value: [1, { a: 2 }],
    want: [],
  },
])

table('format', [
  { name: 'date-time valid', schema: { type: 'string', format: 'date-time' }, value: '2024-01-02T03:04:05Z', want: [] },
  {
    name: 'date-time with fraction and offset',
    schema: { type: 'string', format: 'date-time' },
    value: '2024-01-02T03:04:05.123+02:00',
    want: [],
  },
  {
    name: 'date-time invalid month',
    schema: { type: 'string', format: 'date-time' },
    value: '2024-13-02T03:04:05Z',
    want: [
      'spec.x: Invalid value: "2024-13-02T03:04:05Z": spec.x in body must be of type date-time: "2024-13-02T03:04:05Z"',
    ],
  },
  {
    name: 'date-time without zone',
    schema: { type: 'string', format: 'date-time' },
    value: '2024-01-02T03:04:05',
    want: [
      'spec.x: Invalid value: "2024-01-02T03:04:05": spec.x in body must be of type date-time: "2024-01-02T03:04:05"',
    ],
  },
  {
    name: 'datetime spelling',
    schema: { type: 'string', format: 'datetime' },
    value: 'x',
    want: [typeErr('x', 'datetime')],
  },
  { name: 'date valid', schema: { type: 'string', format: 'date' }, value: '2024-02-29', want: [] },
  {
    name: 'date not a day',
    schema: { type: 'string', format: 'date' },
    value: '2023-02-29',
    want: [typeErr('2023-02-29', 'date')],
  },
  { name: 'duration Go', schema: { type: 'string', format: 'duration' }, value: '1h30m', want: [] },
  { name: 'duration words', schema: { type: 'string', format: 'duration' }, value: '3 days', want: [] },
  {
    name: 'duration invalid',
    schema: { type: 'string', format: 'duration' },
    value: 'soon',
    want: [typeErr('soon', 'duration')],
  },
  { name: 'byte valid', schema: { type: 'string', format: 'byte' }, value: 'aGVsbG8=', want: [] },
  {
    name: 'byte invalid',
    schema: { type: 'string', format: 'byte' },
    value: 'hello!',
    want: [typeErr('hello!', 'byte')],
  },
  {
    name: 'byte given a number',
    schema: { type: 'string', format: 'byte' },
    value: 5,
    want: [typeErr('int64', 'byte')],
  },
  {
    name: 'byte given a float',
    schema: { type: 'string', format: 'byte' },
    value: 0.5,
    want: [typeErr('float64', 'byte')],
  },
  {
    name: 'byte given a boolean',
    schema: { type: 'string', format: 'byte' },
    value: true,
    want: [typeErr('', 'byte')],
  },
  // kube-openapi lets an array through a formatted string schema; so do we.
  { name: 'formatted string given an array', schema: { type: 'string', format: 'byte' }, value: ['a'], want: [] },
  {
    name: 'int32 is stripped (no range check)',
    schema: { type: 'integer', format: 'int32' },
    value: 2 ** 40,
    want: [],
  },
  {
    name: 'unknown formats are stripped',
    schema: { type: 'string', format: 'k8s-short-name' },
    value: 'A_B',
    want: [],
  },
  {
    name: 'uuid valid',
    schema: { type: 'string', format: 'uuid' },
    value: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
    want: [],
  },
  { name: 'uuid invalid', schema: { type: 'string', format: 'uuid' }, value: 'nope', want: [typeErr('nope', 'uuid')] },
  { name: 'ipv4 valid', schema: { type: 'string', format: 'ipv4' }, value: '10.0.0.1', want: [] },
  {
    name: 'ipv4 invalid',
    schema: { type: 'string', format: 'ipv4' },
    value: '10.0.0.256',
    want: [typeErr('10.0.0.256', 'ipv4')],
  },
  { name: 'ipv6 valid', schema: { type: 'string', format: 'ipv6' }, value: 'fd00::1', want: [] },
  {
    name: 'ipv6 invalid',
    schema: { type: 'string', format: 'ipv6' },
    value: '10.0.0.1',
    want: [typeErr('10.0.0.1', 'ipv6')],
  },
  { name: 'cidr valid', schema: { type: 'string', format: 'cidr' }, value: '10.0.0.0/8', want: [] },
  {
    name: 'cidr invalid',
    schema: { type: 'string', format: 'cidr' },
    value: '10.0.0.0/33',
    want: [typeErr('10.0.0.0/33', 'cidr')],
  },
  { name: 'hostname valid', schema: { type: 'string', format: 'hostname' }, value: 'api.example.com', want: [] },
  {
    name: 'hostname invalid',
    schema: { type: 'string', format: 'hostname' },
    value: '-bad.example',
    want: [typeErr('-bad.example', 'hostname')],
  },
  { name: 'email valid', schema: { type: 'string', format: 'email' }, value: 'ops@example.com', want: [] },
  { name: 'email invalid', schema: { type: 'string', format: 'email' }, value: 'ops', want: [typeErr('ops', 'email')] },
  { name: 'uri valid', schema: { type: 'string', format: 'uri' }, value: 'https://example.com/x', want: [] },
  {
    name: 'uri relative',
    schema: { type: 'string', format: 'uri' },
    value: 'example.com',
    want: [typeErr('example.com', 'uri')],
  },
  { name: 'mac valid', schema: { type: 'string', format: 'mac' }, value: '00:00:5e:00:53:01', want: [] },
  {
    name: 'mac invalid',
    schema: { type: 'string', format: 'mac' },
    value: '00:00:5e',
    want: [typeErr('00:00:5e', 'mac')],
  },
  {
    name: 'hexcolor',
    schema: { type: 'string', format: 'hexcolor' },
    value: '#ggg',
    want: [typeErr('#ggg', 'hexcolor')],
  },
  { name: 'rgbcolor', schema: { type: 'string', format: 'rgbcolor' }, value: 'rgb(0, 128, 255)', want: [] },
  { name: 'isbn13', schema: { type: 'string', format: 'isbn' }, value: '978-0321751041', want: [] },
  {
    name: 'isbn bad check digit',
    schema: { type: 'string', format: 'isbn10' },
    value: '0321751044',
    want: [typeErr('0321751044', 'isbn10')],
  },
  {
    name: 'creditcard (Luhn)',
    schema: { type: 'string', format: 'creditcard' },
    value: '4111 1111 1111 1111',
    want: [],
  },
  { name: 'ssn', schema: { type: 'string', format: 'ssn' }, value: '123456789', want: [typeErr('123456789', 'ssn')] },
  {
    name: 'bsonobjectid',
    schema: { type: 'string', format: 'bsonobjectid' },
    value: '507f1f77bcf86cd799439011',
    want: [],
  },
  { name: 'password accepts anything', schema: { type: 'string', format: 'password' }, value: '', want: [] },
])

table('enum', [
  {
    name: 'string not in enum',
    schema: { type: 'string', enum: ['S', 'M', 'L'] },
    value: 'XL',
    want: ['spec.x: Unsupported value: "XL": supported values: "S", "M", "L"'],
  },
  { name: 'string in enum', schema: { type: 'string', enum: ['S', 'M', 'L'] }, value: 'M', want: [] },
  {
    name: 'numbers are listed as JSON',
    schema: { type: 'integer', enum: [1, 2] },
    value: 3,
    want: ['spec.x: Unsupported value: 3: supported values: "1", "2"'],
  },
  {
    name: 'objects compare deeply',
    schema: { type: 'object', enum: [{ a: 1, b: [2] }] },
    value: { b: [2], a: 1 },
    want: [],
  },
  {
    name: 'wrong type and not in enum: both',
    schema: { type: 'string', enum: ['a'] },
    value: 1,
    want: [typeErr('integer', 'string'), 'spec.x: Unsupported value: 1: supported values: "a"'],
  },
  {
    name: 'null never matches',
    schema: { type: 'string', nullable: true, enum: ['a', null] },
    value: null,
    want: ['spec.x: Unsupported value: "null": supported values: "a", "null"'],
  },
])

table('numbers', [
  {
    name: 'minimum',
    schema: { type: 'integer', minimum: 1 },
    value: 0,
    want: ['spec.x: Invalid value: 0: spec.x in body should be greater than or equal to 1'],
  },
  { name: 'minimum met', schema: { type: 'integer', minimum: 1 }, value: 1, want: [] },
  {
    name: 'exclusiveMinimum',
    schema: { type: 'integer', minimum: 1, exclusiveMinimum: true },
    value: 1,
    want: ['spec.x: Invalid value: 1: spec.x in body should be greater than 1'],
  },
  {
    name: 'maximum',
    schema: { type: 'integer', maximum: 10 },
    value: 11,
    want: ['spec.x: Invalid value: 11: spec.x in body should be less than or equal to 10'],
  },
  {
    name: 'exclusiveMaximum',
    schema: { type: 'integer', maximum: 10, exclusiveMaximum: true },
    value: 10,
    want: ['spec.x: Invalid value: 10: spec.x in body should be less than 10'],
  },
  {
    name: 'float bound printed with %v',
    schema: { type: 'number', minimum: 0.5 },
    value: 0.25,
    want: ['spec.x: Invalid value: 0.25: spec.x in body should be greater than or equal to 0.5'],
  },
  {
    name: 'large float bound uses an exponent',
    schema: { type: 'number', minimum: 1000000 },
    value: 0.5,
    want: ['spec.x: Invalid value: 0.5: spec.x in body should be greater than or equal to 1e+06'],
  },
  {
    name: 'integer bound stays an integer',
    schema: { type: 'integer', maximum: 1000000 },
    value: 1000001,
    want: ['spec.x: Invalid value: 1000001: spec.x in body should be less than or equal to 1000000'],
  },
  // An integer value is compared with int64(bound), as kube-openapi does.
  { name: 'integer vs fractional minimum', schema: { type: 'integer', minimum: 1.5 }, value: 1, want: [] },
  {
    name: 'multipleOf',
    schema: { type: 'integer', multipleOf: 5 },
    value: 7,
    want: ['spec.x: Invalid value: 7: spec.x in body should be a multiple of 5'],
  },
  { name: 'multipleOf met', schema: { type: 'integer', multipleOf: 5 }, value: -15, want: [] },
  { name: 'multipleOf 0.1 tolerates float error', schema: { type: 'number', multipleOf: 0.1 }, value: 0.3, want: [] },
  {
    name: 'multipleOf float',
    schema: { type: 'number', multipleOf: 0.5 },
    value: 0.3,
    want: ['spec.x: Invalid value: 0.3: spec.x in body should be a multiple of 0.5'],
  },
  {
    name: 'negative multipleOf',
    schema: { type: 'integer', multipleOf: -2 },
    value: 4,
    want: ['spec.x: Invalid value: -2: factor MultipleOf declared for spec.x must be positive: -2'],
  },
  {
    name: 'all number checks report together',
    schema: { type: 'integer', multipleOf: 2, minimum: 10 },
    value: 3,
    want: [
      'spec.x: Invalid value: 3: spec.x in body should be a multiple of 2',
      'spec.x: Invalid value: 3: spec.x in body should be greater than or equal to 10',
    ],
  },
])

table('strings', [
  {
    name: 'minLength',
    schema: { type: 'string', minLength: 3 },
    value: 'ab',
    want: ['spec.x: Invalid value: "ab": spec.x in body should be at least 3 chars long'],
  },
  {
    name: 'maxLength',
    schema: { type: 'string', maxLength: 3 },
    value: 'abcd',
    want: ['spec.x: Too long: may not be longer than 3'],
  },
  { name: 'maxLength counts code points', schema: { type: 'string', maxLength: 2 }, value: '😀é', want: [] },
  {
    name: 'pattern',
    schema: { type: 'string', pattern: '^[a-z]+$' },
    value: 'ABC',
    want: ['spec.x: Invalid value: "ABC": spec.x in body should match \'^[a-z]+$\''],
  },
  { name: 'pattern is unanchored', schema: { type: 'string', pattern: 'b' }, value: 'abc', want: [] },
  { name: 'RE2 inline flag', schema: { type: 'string', pattern: '(?i)^abc$' }, value: 'ABC', want: [] },
  { name: 'RE2 POSIX class', schema: { type: 'string', pattern: '^[[:alpha:]]+$' }, value: 'abc', want: [] },
  {
    name: 'first failing string check only',
    schema: { type: 'string', maxLength: 2, pattern: '^[0-9]+$' },
    value: 'abc',
    want: ['spec.x: Too long: may not be longer than 2'],
  },
])

table('arrays', [
  {
    name: 'minItems',
    schema: { type: 'array', minItems: 1, items: { type: 'string' } },
    value: [],
    want: ['spec.x: Invalid value: 0: spec.x in body should have at least 1 items'],
  },
  {
    name: 'maxItems',
    schema: { type: 'array', maxItems: 2, items: { type: 'integer' } },
    value: [1, 2, 3],
    want: ['spec.x: Too many: 3: must have at most 2 items'],
  },
  {
    name: 'uniqueItems',
    schema: { type: 'array', uniqueItems: true, items: { type: 'integer' } },
    value: [1, 2, 1],
    want: ['spec.x: Invalid value: "": spec.x in body shouldn\'t contain duplicates'],
  },
  {
    name: 'items are validated at their index',
    schema: { type: 'array', items: { type: 'integer' } },
    value: [1, 'two', 3],
    want: ['spec.x[1]: Invalid value: "string": spec.x[1] in body must be of type integer: "string"'],
  },
])

table('objects', [
  {
    name: 'required',
    schema: { type: 'object', required: ['name'] },
    value: {},
    want: ['spec.x.name: Required value'],
  },
  { name: 'required present as null', schema: { type: 'object', required: ['name'] }, value: { name: null }, want: [] },
  {
    name: 'minProperties',
    schema: { type: 'object', minProperties: 1 },
    value: {},
    want: ['spec.x: Invalid value: 0: spec.x in body should have at least 1 properties'],
  },
  {
    name: 'maxProperties stops the object validation',
    schema: { type: 'object', maxProperties: 1, additionalProperties: { type: 'integer' } },
    value: { a: 'x', b: 'y' },
    want: ['spec.x: Too many: 2: must have at most 1 items'],
  },
  {
    name: 'additionalProperties schema',
    schema: { type: 'object', additionalProperties: { type: 'integer' } },
    value: { a: 1, b: 'two' },
    want: ['spec.x.b: Invalid value: "string": spec.x.b in body must be of type integer: "string"'],
  },
  {
    name: 'additionalProperties false',
    schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
    value: { a: 'x', extra: 1 },
    want: ['spec.x: Invalid value: "extra": spec.x.extra in body is a forbidden property'],
  },
  {
    name: 'nested properties',
    schema: {
      type: 'object',
      properties: { inner: { type: 'object', properties: { n: { type: 'integer', minimum: 0 } } } },
    },
    value: { inner: { n: -1 } },
    want: ['spec.x.inner.n: Invalid value: -1: spec.x.inner.n in body should be greater than or equal to 0'],
  },
  {
    name: 'unknown fields are not validation errors',
    schema: { type: 'object', properties: { a: { type: 'string' } } },
    value: { a: 'x', b: 1 },
    want: [],
  },
])

table('allOf / anyOf / oneOf / not', [
  {
    name: 'allOf: one branch fails',
    schema: { type: 'integer', allOf: [{ minimum: 1 }, { maximum: 5 }] },
    value: 9,
    want: [
      'spec.x: Invalid value: 9: spec.x in body should be less than or equal to 5',
      '<nil>: Invalid value: "": "spec.x" must validate all the schemas (allOf)',
    ],
  },
  {
    name: 'allOf: none validated',
    schema: { type: 'integer', allOf: [{ minimum: 10 }, { maximum: 5 }] },
    value: 7,
    want: [
      'spec.x: Invalid value: 7: spec.x in body should be greater than or equal to 10',
      'spec.x: Invalid value: 7: spec.x in body should be less than or equal to 5',
      '<nil>: Invalid value: "": "spec.x" must validate all the schemas (allOf). None validated',
    ],
  },
  {
    name: 'anyOf: none matches',
    schema: { type: 'integer', anyOf: [{ minimum: 10 }, { maximum: 1 }] },
    value: 5,
    want: [
      '<nil>: Invalid value: "": "spec.x" must validate at least one schema (anyOf)',
      'spec.x: Invalid value: 5: spec.x in body should be greater than or equal to 10',
    ],
  },
  {
    name: 'anyOf: one matches',
    schema: { type: 'integer', anyOf: [{ minimum: 10 }, { maximum: 1 }] },
    value: 0,
    want: [],
  },
  {
    name: 'oneOf: none',
    schema: { type: 'object', oneOf: [{ required: ['a'] }, { required: ['b'] }] },
    value: {},
    want: [
      '<nil>: Invalid value: "": "spec.x" must validate one and only one schema (oneOf). Found none valid',
      'spec.x.a: Required value',
    ],
  },
  {
    name: 'oneOf: two',
    schema: { type: 'object', oneOf: [{ required: ['a'] }, { required: ['b'] }] },
    value: { a: 1, b: 2 },
    want: [
      '<nil>: Invalid value: "": "spec.x" must validate one and only one schema (oneOf). Found 2 valid alternatives',
    ],
  },
  {
    name: 'oneOf: exactly one',
    schema: { type: 'object', oneOf: [{ required: ['a'] }, { required: ['b'] }] },
    value: { b: 1 },
    want: [],
  },
  {
    name: 'not',
    schema: { type: 'string', not: { enum: ['forbidden'] } },
    value: 'forbidden',
    want: ['<nil>: Invalid value: "": "spec.x" must not validate the schema (not)'],
  },
])

describe('x-kubernetes-embedded-resource', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          template: {
            type: 'object',
            'x-kubernetes-embedded-resource': true,
            'x-kubernetes-preserve-unknown-fields': true,
          },
        },
      },
    },
  }
  const check = (template: unknown) => kubeMessages(validateValue({ spec: { template } }, schema))

  it('accepts a complete resource', () => {
    assert.deepEqual(check({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: {} }), [])
  })
  it('requires apiVersion and kind', () => {
    assert.deepEqual(check({ metadata: {} }), [
      'spec.template.apiVersion: Required value',
      'spec.template.kind: Required value',
    ])
  })
  it('checks their shape', () => {
    assert.deepEqual(check({ apiVersion: 'a/b/c', kind: 'My_Kind' }), [
      'spec.template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
      "spec.template.kind: Invalid value: \"My_Kind\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ])
  })
  it('rejects an empty or non-string kind', () => {
    assert.deepEqual(check({ apiVersion: 'v1', kind: '' }), ['spec.template.kind: Required value'])
    assert.deepEqual(check({ apiVersion: 'v1', kind: 5 }), ['spec.template.kind: Invalid value: 5: must be a string'])
  })
  it('validates the embedded metadata as ObjectMeta', () => {
    const errs = check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a/b', labels: { 'bad key!': 'x' } } })
    assert.equal(errs.length, 2)
    assert.match(errs[0], /^spec\.template\.metadata\.name: Invalid value: "a\/b": may not contain '\/'/)
    assert.match(errs[1], /^spec\.template\.metadata\.labels: Invalid value: "bad key!": /)
  })
  it('reports a metadata of the wrong type', () => {
    assert.deepEqual(check({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 3 } }), [
      'spec.template.metadata: Invalid value: {"name":3}: json: cannot unmarshal number into Go struct field ObjectMeta.name of type string',
    ])
  })
})

describe('x-kubernetes-list-type', () => {
  const withList = (list: JSONSchemaProps): JSONSchemaProps => ({
    type: 'object',
    properties: { spec: { type: 'object', properties: { list } } },
  })
  const set = withList({ type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } })
  const map = withList({
    type: 'array',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['name'],
    items: { type: 'object', properties: { name: { type: 'string' }, v: { type: 'integer' } } },
  })
  const map2 = withList({
    type: 'array',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    items: { type: 'object', properties: { containerPort: { type: 'integer' }, protocol: { type: 'string' } } },
  })

  it('set: each repeated value once, at its first repetition', () => {
    assert.deepEqual(kubeMessages(validateValue({ spec: { list: ['a', 'b', 'a', 'a', 'b'] } }, set)), [
      'spec.list[2]: Duplicate value: "a"',
      'spec.list[4]: Duplicate value: "b"',
    ])
  })
  it('set: objects compare by content', () => {
    const s = withList({
      type: 'array',
      'x-kubernetes-list-type': 'set',
      items: { type: 'object', 'x-kubernetes-map-type': 'atomic', 'x-kubernetes-preserve-unknown-fields': true },
    })
    assert.deepEqual(
      kubeMessages(
        validateValue(
          {
            spec: {
              list: [
                { a: 1, b: 2 },
                { b: 2, a: 1 },
              ],
            },
          },
          s,
        ),
      ),
      ['spec.list[1]: Duplicate value: {"b":2,"a":1}'],
    )
  })
  it('map: duplicate key', () => {
    assert.deepEqual(
      kubeMessages(validateValue({ spec: { list: [{ name: 'a', v: 1 }, { name: 'b' }, { name: 'a', v: 2 }] } }, map)),
      ['spec.list[2]: Duplicate value: {"name":"a"}'],
    )
  })
  it('map: missing keys are equal to each other', () => {
    assert.deepEqual(kubeMessages(validateValue({ spec: { list: [{ v: 1 }, { v: 2 }] } }, map)), [
      'spec.list[1]: Duplicate value: {}',
    ])
  })
  it('map: several keys', () => {
    const list = [
      { containerPort: 80, protocol: 'TCP' },
      { containerPort: 80, protocol: 'UDP' },
      { containerPort: 80, protocol: 'TCP' },
    ]
    assert.deepEqual(kubeMessages(validateValue({ spec: { list } }, map2)), [
      'spec.list[2]: Duplicate value: {"containerPort":80,"protocol":"TCP"}',
    ])
  })
  it('map: a non-object element', () => {
    assert.deepEqual(kubeMessages(validateValue({ spec: { list: [{ name: 'a' }, 'b'] } }, map)), [
      'spec.list[1]: Invalid value: "string": spec.list[1] in body must be of type object: "string"',
      'spec.list[1]: Invalid value: "b": must be an object for an array of list-type map',
    ])
  })
})

describe('paths and the API error', () => {
  it('uses "<nil>" and an empty name at the resource root', () => {
    assert.deepEqual(kubeMessages(validateValue(5, { type: 'object' })), [
      '<nil>: Invalid value: "integer":  in body must be of type object: "integer"',
    ])
  })
  it('prefixes a subtree with its path', () => {
    const spec: JSONSchemaProps = { type: 'object', properties: { replicas: { type: 'integer' } } }
    assert.deepEqual(kubeMessages(validateValue({ replicas: 'string' }, spec, 'spec')), [
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    ])
  })
  it('becomes a 422 with one cause per error', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          required: ['name'],
          properties: { replicas: { type: 'integer' }, size: { type: 'string', enum: ['S', 'M', 'L'] } },
        },
      },
    }
    const err = invalid(
      'Widget',
      'example.com',
      'w1',
      validateValue({ spec: { replicas: 'string', size: 'XL' } }, schema),
    )
    assert.equal(err.code, 422)
    assert.equal(
      err.message,
      'Widget.example.com "w1" is invalid: [spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string", spec.size: Unsupported value: "XL": supported values: "S", "M", "L", spec.name: Required value]',
    )
    assert.deepEqual(
      err.status.details?.causes?.map((c) => [c.reason, c.field]),
      [
        ['FieldValueTypeInvalid', 'spec.replicas'],
        ['FieldValueNotSupported', 'spec.size'],
        ['FieldValueRequired', 'spec.name'],
      ],
    )
  })
})
