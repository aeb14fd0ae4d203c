import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { StatusError } from '../errors.ts'
import { applyJsonPatch, JSON_PATCH_FAILED_MESSAGE, MAX_JSON_PATCH_OPERATIONS } from './json-patch.ts'

const doc = () => ({
  metadata: { name: 'x', labels: { app: 'web' } },
  spec: { replicas: 1, containers: [{ name: 'a' }, { name: 'b' }] },
})

describe('applyJsonPatch operations', () => {
  it('add / remove / replace / move / copy / test', () => {
    const input = doc()
    const out = applyJsonPatch(input, [
      { op: 'test', path: '/spec/replicas', value: 1 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/labels/tier', value: 'fe' },
      { op: 'add', path: '/spec/containers/-', value: { name: 'c' } },
      { op: 'add', path: '/spec/containers/0', value: { name: 'z' } },
      { op: 'remove', path: '/spec/containers/1' },
      { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copy' },
      { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/moved' },
      { op: 'add', path: '/metadata/annotations', value: { 'a~b/c': 'x' } },
      { op: 'replace', path: '/metadata/annotations/a~0b~1c', value: 'y' },
    ])
    assert.deepEqual(out, {
      metadata: { name: 'x', labels: { app: 'web', copy: 'web', moved: 'fe' }, annotations: { 'a~b/c': 'y' } },
      spec: { replicas: 3, containers: [{ name: 'z' }, { name: 'b' }, { name: 'c' }] },
    })
    assert.deepEqual(input, doc(), 'document not mutated')
  })

  it('does not mutate or alias the patch', () => {
    const value = { nested: [1] }
    const patch = [{ op: 'add', path: '/spec/extra', value }]
    const out = applyJsonPatch(doc(), patch) as ReturnType<typeof doc> & { spec: { extra: { nested: number[] } } }
    out.spec.extra.nested.push(2)
    assert.deepEqual(value, { nested: [1] })
    assert.deepEqual(patch, [{ op: 'add', path: '/spec/extra', value: { nested: [1] } }])
  })

  it('treats null as an empty patch and [] as a no-op', () => {
    assert.deepEqual(applyJsonPatch(doc(), null), doc())
    assert.deepEqual(applyJsonPatch(doc(), []), doc())
  })
})

function failure(patch: unknown): { code: number; message: string; cause?: string } {
  try {
    applyJsonPatch(doc(), patch)
  } catch (e) {
    assert.ok(e instanceof StatusError, String(e))
    return { code: e.code, message: e.message, cause: e.status.details?.causes?.[0]?.message }
  }
  assert.fail('expected the patch to fail')
}

describe('applyJsonPatch failures', () => {
  it('400 when the body is not a list of operations', () => {
    assert.deepEqual(failure({ op: 'add' }), {
      code: 400,
      message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
      cause: undefined,
    })
    assert.equal(failure('x').message, 'json: cannot unmarshal string into Go value of type jsonpatch.Patch')
    assert.equal(failure([1]).message, 'json: cannot unmarshal number into Go value of type jsonpatch.Operation')
  })

  it('413 above 10000 operations', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({
      op: 'test',
      path: '/spec/replicas',
      value: 1,
    }))
    assert.deepEqual(failure(ops), {
      code: 413,
      message: 'The allowed maximum operations in a JSON patch is 10000, got 10001',
      cause: undefined,
    })
  })

  const cases: [string, unknown[], string][] = [
    ['unknown op', [{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate'],
    ['missing op', [{ path: '/a' }], 'Unexpected kind: unknown'],
    ['internal _get op', [{ op: '_get', path: '/a' }], 'Unexpected kind: _get'],
    [
      'missing path',
      [{ op: 'add', value: 1 }],
      'add operation failed to decode path: operation missing path field: missing value',
    ],
    [
      'relative path',
      [{ op: 'add', path: 'spec', value: 1 }],
      'add operation does not apply: doc is missing path: "spec": missing value',
    ],
    [
      'missing value',
      [{ op: 'replace', path: '/spec/replicas' }],
      'replace operation failed to decode value: operation missing value field: missing value',
    ],
    [
      'missing from',
      [{ op: 'move', path: '/a' }],
      'move operation failed to decode from: operation missing from field: missing value',
    ],
    [
      'failed test',
      [{ op: 'test', path: '/spec/replicas', value: 2 }],
      'testing value /spec/replicas failed: test failed',
    ],
    [
      'test of a missing path',
      [{ op: 'test', path: '/spec/nope', value: 2 }],
      'testing value /spec/nope failed: test failed',
    ],
    [
      'replace missing key',
      [{ op: 'replace', path: '/spec/nope', value: 2 }],
      'replace operation does not apply: doc is missing key: /spec/nope: missing value',
    ],
    [
      'remove missing key',
      [{ op: 'remove', path: '/spec/nope' }],
      'remove operation does not apply: doc is missing path: "/spec/nope": missing value',
    ],
    [
      'add under a missing parent',
      [{ op: 'add', path: '/status/phase', value: 'x' }],
      'add operation does not apply: doc is missing path: "/status/phase": missing value',
    ],
    [
      'add under a scalar',
      [{ op: 'add', path: '/metadata/name/x', value: 'x' }],
      'add operation does not apply: doc is missing path: "/metadata/name/x": missing value',
    ],
    [
      'array index out of bounds',
      [{ op: 'add', path: '/spec/containers/5', value: {} }],
      'Unable to access invalid index: 5: invalid index referenced',
    ],
    [
      'non-numeric array index',
      [{ op: 'add', path: '/spec/containers/x', value: {} }],
      'Unable to access invalid index: x: invalid index referenced',
    ],
    [
      'remove past the end',
      [{ op: 'remove', path: '/spec/containers/2' }],
      'remove operation does not apply: doc is missing path: "/spec/containers/2": missing value',
    ],
    [
      'move from a missing path',
      [{ op: 'move', from: '/nope', path: '/a' }],
      'move operation does not apply: doc is missing from path: /nope: missing value',
    ],
  ]
  for (const [name, patch, cause] of cases) {
    it(`422 for ${name}`, () => {
      assert.deepEqual(failure(patch), { code: 422, message: JSON_PATCH_FAILED_MESSAGE, cause })
    })
  }

  it('a failure in a later operation leaves the input untouched', () => {
    const input = doc()
    assert.throws(() =>
      applyJsonPatch(input, [
        { op: 'replace', path: '/spec/replicas', value: 9 },
        { op: 'test', path: '/spec/replicas', value: 1 },
      ]),
    )
    assert.deepEqual(input, doc())
  })

  it('the 422 is a Kubernetes Invalid status', () => {
    try {
      applyJsonPatch(doc(), [{ op: 'test', path: '/spec/replicas', value: 2 }])
    } catch (e) {
      assert.ok(e instanceof StatusError)
      assert.deepEqual(e.status, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the server rejected our request due to an error in our request',
        reason: 'Invalid',
        details: {
          causes: [{ reason: 'UnexpectedServerResponse', message: 'testing value /spec/replicas failed: test failed' }],
        },
        code: 422,
      })
    }
  })
})
