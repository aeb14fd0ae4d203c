import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { StatusError } from '../errors.ts'
import { applyMergePatch, cloneJson, mergePatch } from './merge-patch.ts'

describe('RFC 7396 appendix A', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ]
  for (const [target, patch, want] of cases) {
    it(`${JSON.stringify(target)} + ${JSON.stringify(patch)}`, () => {
      const t = cloneJson(target)
      const p = cloneJson(patch)
      assert.deepEqual(mergePatch(t, p), want)
      assert.deepEqual(t, target, 'target not mutated')
      assert.deepEqual(p, patch, 'patch not mutated')
    })
  }
})

describe('applyMergePatch', () => {
  it('never shares structure with its inputs', () => {
    const obj = { metadata: { name: 'x', labels: { a: '1' } }, spec: { list: [{ k: 1 }] } }
    const patch = { spec: { extra: { deep: [1, 2] } } }
    const out = applyMergePatch(obj, patch) as typeof obj & { spec: { extra: { deep: number[] } } }
    out.metadata.labels.a = 'changed'
    out.spec.list[0].k = 99
    out.spec.extra.deep.push(3)
    assert.equal(obj.metadata.labels.a, '1')
    assert.equal(obj.spec.list[0].k, 1)
    assert.deepEqual(patch.spec.extra.deep, [1, 2])
  })

  it('rejects a patch that is not an object with 400 "Invalid JSON Patch"', () => {
    for (const bad of [null, [], 'x', 3]) {
      assert.throws(
        () => applyMergePatch({ a: 1 }, bad),
        (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'Invalid JSON Patch',
      )
    }
  })

  it('cannot reach the prototype through __proto__ keys', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')
    const out = applyMergePatch({}, patch) as Record<string, unknown>
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    assert.equal(Object.getPrototypeOf(out), Object.prototype)
    assert.deepEqual(Object.keys(out).sort(), ['__proto__', 'a'])
  })
})
