import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  generateName,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  MAX_GENERATED_NAME_LENGTH,
  validateName,
} from './names.ts'

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

describe('DNS-1123 subdomain', () => {
  const cases: [string, string[]][] = [
    ['a', []],
    ['example.com', []],
    ['a-b.c-d', []],
    ['0', []],
    ['a'.repeat(253), []],
    ['a'.repeat(254), ['must be no more than 253 characters']],
    ['', [SUBDOMAIN_MSG]],
    ['A', [SUBDOMAIN_MSG]],
    ['-a', [SUBDOMAIN_MSG]],
    ['a-', [SUBDOMAIN_MSG]],
    ['a..b', [SUBDOMAIN_MSG]],
    ['a_b', [SUBDOMAIN_MSG]],
    [`${'-'.repeat(254)}`, ['must be no more than 253 characters', SUBDOMAIN_MSG]],
  ]
  for (const [v, want] of cases) {
    it(JSON.stringify(v.length > 20 ? `${v.slice(0, 8)}…(${v.length})` : v), () => {
      assert.deepEqual(isDNS1123Subdomain(v), want)
    })
  }
})

describe('DNS-1123 label', () => {
  const cases: [string, string[]][] = [
    ['my-name', []],
    ['123-abc', []],
    ['a'.repeat(63), []],
    ['a'.repeat(64), ['must be no more than 63 characters']],
    ['a.b', ['must not contain dots']],
    ['My-name', [LABEL_MSG]],
    ['', [LABEL_MSG]],
  ]
  for (const [v, want] of cases) {
    it(JSON.stringify(v), () => assert.deepEqual(isDNS1123Label(v), want))
  }
  it('DNS-1035', () => {
    assert.deepEqual(isDNS1035Label('svc-1'), [])
    assert.deepEqual(isDNS1035Label('1svc'), [DNS1035_MSG])
  })
})

describe('qualified names and label values', () => {
  const names: [string, string[]][] = [
    ['app', []],
    ['app.kubernetes.io/name', []],
    ['A_b.C', []],
    ['example.com/', ['name part must be non-empty', NAME_PART_MSG]],
    ['/name', ['prefix part must be non-empty']],
    ['Example.com/name', [`prefix part ${SUBDOMAIN_MSG}`]],
    ['-app', [NAME_PART_MSG]],
    ['n'.repeat(64), ['name part must be no more than 63 characters']],
    [
      'a/b/c',
      [
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    ],
  ]
  for (const [v, want] of names) {
    it(`qualified name ${JSON.stringify(v)}`, () => assert.deepEqual(isQualifiedName(v), want))
  }
  it('label values', () => {
    assert.deepEqual(isValidLabelValue(''), [])
    assert.deepEqual(isValidLabelValue('MyValue_1.2-x'), [])
    assert.deepEqual(isValidLabelValue('-x'), [LABEL_VALUE_MSG])
    assert.deepEqual(isValidLabelValue('v'.repeat(64)), ['must be no more than 63 characters'])
  })
})

describe('path segment names', () => {
  it('rejects . .. / %', () => {
    assert.deepEqual(isValidPathSegmentName('ok:Name_1'), [])
    assert.deepEqual(isValidPathSegmentName('.'), ["may not be '.'"])
    assert.deepEqual(isValidPathSegmentName('..'), ["may not be '..'"])
    assert.deepEqual(isValidPathSegmentName('a/b%c'), ["may not contain '/'", "may not contain '%'"])
    assert.deepEqual(validateName('path-segment', '..', true), [])
  })
})

describe('validateName and generateName', () => {
  it('accepts generateName prefixes ending with a dash', () => {
    assert.deepEqual(validateName('dns1123-subdomain', 'web-', true), [])
    assert.deepEqual(validateName('dns1123-label', 'web-', true), [])
    assert.deepEqual(validateName('dns1123-subdomain', 'web-', false), [SUBDOMAIN_MSG])
    assert.deepEqual(validateName('dns1123-label', 'Web-', true), [LABEL_MSG])
  })

  it('generates prefix + 5 characters from the Kubernetes alphabet', () => {
    const n = generateName('web-')
    assert.match(n, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
    const long = generateName('x'.repeat(80))
    assert.equal(long.length, 63)
    assert.equal(long.slice(0, MAX_GENERATED_NAME_LENGTH), 'x'.repeat(58))
    assert.notEqual(generateName('a-'), generateName('a-'))
  })
})
