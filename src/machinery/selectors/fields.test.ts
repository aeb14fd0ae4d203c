import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { StatusError } from '../errors.ts'
import { defineKind } from '../kinds.ts'
import {
  checkFieldSelector,
  escapeFieldValue,
  FieldSelectorError,
  objectFieldGetter,
  parseFieldSelector,
  parseFieldSelectorString,
  supportedFields,
  unescapeFieldValue,
} from './fields.ts'

const get =
  (fields: Record<string, string>) =>
  (name: string): string | undefined =>
    fields[name]

describe('field selector parsing', () => {
  it('parses =, == and != terms, sorted', () => {
    const s = parseFieldSelectorString('status.phase!=Running,metadata.name==x,spec.nodeName=n1')
    assert.deepEqual(
      s.requirements().map((r) => [r.field, r.operator, r.value]),
      [
        ['metadata.name', '==', 'x'],
        ['spec.nodeName', '=', 'n1'],
        ['status.phase', '!=', 'Running'],
      ],
    )
    assert.equal(s.toString(), 'metadata.name=x,spec.nodeName=n1,status.phase!=Running')
  })

  it('handles empty selectors and empty terms', () => {
    assert.equal(parseFieldSelectorString('').empty, true)
    assert.equal(parseFieldSelectorString(',,').empty, true)
    assert.equal(parseFieldSelectorString('a=b,').requirements().length, 1)
    assert.equal(parseFieldSelectorString('a=').requirements()[0].value, '')
  })

  it('unescapes values', () => {
    const s = parseFieldSelectorString('metadata.name=a\\,b\\=c\\\\d,x=y')
    assert.deepEqual(
      s.requirements().map((r) => r.value),
      ['a,b=c\\d', 'y'],
    )
    assert.equal(escapeFieldValue('a,b=c\\d'), 'a\\,b\\=c\\\\d')
    assert.equal(unescapeFieldValue(escapeFieldValue('x=,\\')), 'x=,\\')
  })

  it('reports errors like apimachinery', () => {
    assert.throws(
      () => parseFieldSelectorString('a=b,c'),
      (e: unknown) =>
        e instanceof FieldSelectorError && e.message === "invalid selector: 'a=b,c'; can't understand 'c'",
    )
    assert.throws(
      () => parseFieldSelectorString('a=b\\x'),
      (e: unknown) =>
        e instanceof FieldSelectorError && e.message === 'invalid field selector: invalid escape sequence: \\x',
    )
    assert.throws(
      () => parseFieldSelectorString('a=b\\'),
      (e: unknown) =>
        e instanceof FieldSelectorError && e.message === 'invalid field selector: invalid escape sequence: \\',
    )
    assert.throws(
      () => parseFieldSelectorString('a=b=c'),
      (e: unknown) =>
        e instanceof FieldSelectorError && e.message === 'invalid field selector: unescaped character in value: 61',
    )
    assert.throws(
      () => parseFieldSelector('nope'),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.message.includes("can't understand 'nope'"),
    )
  })

  it('matches, a missing field reading as ""', () => {
    const s = parseFieldSelectorString('spec.nodeName=n1,status.phase!=Succeeded,status.phase!=Failed')
    assert.equal(s.matches(get({ 'spec.nodeName': 'n1', 'status.phase': 'Running' })), true)
    assert.equal(s.matches(get({ 'spec.nodeName': 'n1', 'status.phase': 'Failed' })), false)
    assert.equal(s.matches(get({ 'status.phase': 'Running' })), false)
    assert.equal(parseFieldSelectorString('spec.nodeName=').matches(get({})), true)
    assert.equal(parseFieldSelectorString('spec.nodeName!=').matches(get({})), false)
    assert.equal(parseFieldSelectorString('metadata.name=x').requiresExactMatch('metadata.name'), 'x')
  })
})

describe('field selector support per kind', () => {
  const pod = defineKind({
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    scope: 'Namespaced',
    fieldSelectors: { 'spec.nodeName': (o) => String((o.spec as { nodeName?: string })?.nodeName ?? '') },
  })
  const configMap = defineKind({
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    scope: 'Namespaced',
  })
  const clusterRole = defineKind({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRole',
    plural: 'clusterroles',
    scope: 'Cluster',
  })
  const crd = defineKind({
    group: 'example.com',
    version: 'v1',
    kind: 'Widget',
    plural: 'widgets',
    scope: 'Cluster',
    custom: true,
  })

  it('lists supported fields', () => {
    assert.deepEqual(supportedFields(pod), ['metadata.name', 'metadata.namespace', 'spec.nodeName'])
    assert.deepEqual(supportedFields(clusterRole), ['metadata.name', 'metadata.namespace'])
    assert.deepEqual(supportedFields(crd), ['metadata.name'])
  })

  it('rejects unsupported fields with the apiserver message', () => {
    const msg = (def: typeof pod, sel: string) => {
      try {
        checkFieldSelector(def, parseFieldSelector(sel))
        return 'ok'
      } catch (e) {
        assert.ok(e instanceof StatusError && e.code === 400)
        return e.message
      }
    }
    assert.equal(msg(pod, 'spec.nodeName=a,metadata.namespace=b'), 'ok')
    assert.equal(msg(pod, 'spec.foo=a'), 'field label not supported: spec.foo')
    assert.equal(
      msg(configMap, 'spec.foo=a'),
      '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"',
    )
    assert.equal(msg(crd, 'metadata.namespace=x'), 'field label not supported: metadata.namespace')
  })

  it('reads fields from objects', () => {
    const g = objectFieldGetter(pod, { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1' } })
    assert.equal(g('metadata.name'), 'p')
    assert.equal(g('metadata.namespace'), 'ns')
    assert.equal(g('spec.nodeName'), 'n1')
    assert.equal(g('spec.other'), undefined)
  })
})
