import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { invalid } from '../errors.ts'
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.ts'

const ns = { namespaced: true, nameValidation: 'dns1123-subdomain' as const }
const cluster = { namespaced: false, nameValidation: 'dns1123-subdomain' as const }

const brief = (errs: { type: string; field: string; detail: string }[]) =>
  errs.map((e) => `${e.type} ${e.field}: ${e.detail}`)

describe('validateObjectMeta', () => {
  it('accepts a valid object', () => {
    assert.deepEqual(
      validateObjectMeta(
        {
          name: 'web',
          namespace: 'default',
          labels: { app: 'web', 'app.kubernetes.io/name': 'x' },
          annotations: { 'Example.com/Note': 'anything goes here' },
          finalizers: ['example.com/cleanup'],
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }],
        },
        ns,
      ),
      [],
    )
  })

  it('requires a name unless generateName is set', () => {
    assert.deepEqual(brief(validateObjectMeta({ namespace: 'default' }, ns)), [
      'FieldValueRequired metadata.name: name or generateName is required',
    ])
    assert.deepEqual(validateObjectMeta({ generateName: 'web-', namespace: 'default' }, ns), [])
    assert.deepEqual(brief(validateObjectMeta({ generateName: 'Web-', namespace: 'default' }, ns)).length, 1)
  })

  it('validates the name format per kind', () => {
    const errs = validateObjectMeta({ name: 'Bad_Name', namespace: 'default' }, ns)
    assert.equal(errs.length, 1)
    assert.equal(errs[0].field, 'metadata.name')
    assert.equal(errs[0].value, 'Bad_Name')
    assert.match(errs[0].detail, /^a lowercase RFC 1123 subdomain/)
    assert.deepEqual(validateObjectMeta({ name: 'a:b' }, { namespaced: false, nameValidation: 'path-segment' }), [])
    assert.equal(
      validateObjectMeta({ name: 'a.b' }, { namespaced: false, nameValidation: 'dns1123-label' })[0].detail,
      'must not contain dots',
    )
  })

  it('enforces namespace scope', () => {
    assert.deepEqual(brief(validateObjectMeta({ name: 'x' }, ns)), ['FieldValueRequired metadata.namespace: '])
    assert.deepEqual(brief(validateObjectMeta({ name: 'x', namespace: 'default' }, cluster)), [
      'FieldValueForbidden metadata.namespace: not allowed on this type',
    ])
    assert.equal(validateObjectMeta({ name: 'x', namespace: 'Bad' }, ns)[0].field, 'metadata.namespace')
  })

  it('validates labels, annotations, finalizers and owner references', () => {
    const errs = validateObjectMeta(
      {
        name: 'x',
        labels: { '-bad': 'ok', good: '-bad' },
        annotations: { 'a/b/c': '' },
        finalizers: ['bad finalizer'],
        ownerReferences: [{ apiVersion: '', kind: '', name: '', uid: '' }],
      },
      cluster,
    )
    assert.deepEqual(
      errs.map((e) => e.field),
      [
        'metadata.labels',
        'metadata.labels',
        'metadata.annotations',
        'metadata.ownerReferences.apiVersion',
        'metadata.ownerReferences.kind',
        'metadata.ownerReferences.name',
        'metadata.ownerReferences.uid',
        'metadata.finalizers',
      ],
    )
    assert.deepEqual(
      errs.map((e) => e.value),
      ['-bad', '-bad', 'a/b/c', '', '', '', '', 'bad finalizer'],
    )
    assert.equal(errs[3].detail, 'version must not be empty')
    assert.equal(errs[4].detail, 'must not be empty')
  })

  it('limits the total annotation size to 256 KiB', () => {
    const errs = validateObjectMeta({ name: 'x', annotations: { big: 'x'.repeat(262144) } }, cluster)
    assert.deepEqual(brief(errs), ['FieldValueTooLong metadata.annotations: must have at most 262144 bytes'])
    assert.equal(
      invalid('ConfigMap', '', 'x', errs).message,
      'ConfigMap "x" is invalid: metadata.annotations: Too long: must have at most 262144 bytes',
    )
    assert.deepEqual(validateObjectMeta({ name: 'x', annotations: { big: 'x'.repeat(262141) } }, cluster), [])
  })

  it('allows only one controller reference', () => {
    const ref = { apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true }
    const errs = validateObjectMeta({ name: 'x', ownerReferences: [ref, { ...ref, name: 'b' }] }, cluster)
    assert.equal(errs.length, 1)
    assert.match(
      errs[0].detail,
      /Only one reference can have Controller set to true. Found "true" in references for A\/a and A\/b/,
    )
  })

  it('rejects negative generations', () => {
    assert.equal(
      validateObjectMeta({ name: 'x', generation: -1 }, cluster)[0].detail,
      'must be greater than or equal to 0',
    )
  })
})

describe('validateObjectMetaUpdate', () => {
  const old = {
    name: 'x',
    namespace: 'default',
    uid: 'u1',
    creationTimestamp: '2024-01-01T00:00:00Z',
    resourceVersion: '5',
    generation: 2,
  }

  it('accepts label and annotation changes, ignores generateName', () => {
    assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { a: 'b' }, generateName: 'zzz-' }, old), [])
  })

  it('reports immutable fields', () => {
    const errs = validateObjectMetaUpdate(
      { ...old, name: 'y', namespace: 'other', uid: 'u2', creationTimestamp: 'now' },
      old,
    )
    assert.deepEqual(
      errs.map((e) => `${e.field}: ${e.detail}`),
      [
        'metadata.name: field is immutable',
        'metadata.namespace: field is immutable',
        'metadata.uid: field is immutable',
        'metadata.creationTimestamp: field is immutable',
      ],
    )
    assert.equal(errs[0].value, 'y')
  })

  it('rejects decrementing generation and new finalizers during deletion', () => {
    assert.equal(validateObjectMetaUpdate({ ...old, generation: 1 }, old)[0].detail, 'must not be decremented')
    const deleting = { ...old, deletionTimestamp: '2024-01-02T00:00:00Z', finalizers: ['a'] }
    const errs = validateObjectMetaUpdate({ ...deleting, finalizers: ['a', 'b'] }, deleting)
    assert.deepEqual(brief(errs), [
      'FieldValueForbidden metadata.finalizers: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b"}',
    ])
    assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting), [])
  })

  it('optionally requires resourceVersion', () => {
    const { resourceVersion: _, ...noRV } = old
    assert.deepEqual(validateObjectMetaUpdate(noRV, old), [])
    assert.equal(
      validateObjectMetaUpdate(noRV, old, { requireResourceVersion: true })[0].detail,
      'must be specified for an update',
    )
  })
})
