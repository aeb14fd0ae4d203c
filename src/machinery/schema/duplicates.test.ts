import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  countObjectKeys,
  duplicateFieldMessage,
  findDuplicateFields,
  findDuplicateYamlKeys,
  hasDuplicateFields,
} from './index.ts'

describe('findDuplicateFields (JSON)', () => {
  const cases: [string, string, string[]][] = [
    ['none', '{"a":1,"b":{"a":2}}', []],
    ['top level', '{"a":1,"a":2}', ['a']],
    ['nested', '{"metadata":{"labels":{"app":"a","app":"b"}}}', ['metadata.labels.app']],
    ['inside arrays', '{"spec":{"containers":[{"name":"a"},{"name":"b","name":"c"}]}}', ['spec.containers[1].name']],
    ['arrays of arrays', '{"m":[[1,2],[{"k":1,"k":2}]]}', ['m[1][0].k']],
    ['same key in sibling objects is fine', '{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":2}]}', []],
    ['reported once however often it repeats', '{"a":1,"a":2,"a":3}', ['a']],
    ['in document order', '{"z":1,"s":{"y":1,"y":2},"z":2}', ['s.y', 'z']],
    ['escaped quotes inside values', '{"a":"x\\"y\\"","b":"\\\\","a":"\\"}{"}', ['a']],
    ['escaped quote inside a key', '{"k\\"":1,"k\\"":2}', ['k"']],
    ['keys compared unescaped', '{"a":1,"\\u0061":2}', ['a']],
    ['structure inside strings is ignored', '{"a":"{\\"a\\":1,\\"a\\":2}","b":"[,]"}', []],
    ['whitespace and literals', ' {\n "a" : [ true , null , -1.5e3 ] ,\n "a" : false }\n', ['a']],
    ['the root need not be an object', '[{"a":1,"a":2}]', ['[0].a']],
  ]
  for (const [name, text, want] of cases) {
    it(name, () => {
      assert.deepEqual(findDuplicateFields(text), want)
      // The allocation-free check agrees on whether there is any.
      assert.equal(hasDuplicateFields(text, countObjectKeys(JSON.parse(text))), want.length > 0)
    })
  }

  it('hasDuplicateFields agrees with findDuplicateFields on generated bodies', () => {
    const keys = ['a', 'b', '\\u0061', '__proto__', 'x\\"']
    let seed = 7
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    const gen = (depth: number): string => {
      const r = next()
      if (depth === 0 || r < 0.3) return ['1', '"s"', 'null', '"{\\"a\\":1}"', '[]'][Math.floor(next() * 5)]
      if (r < 0.5) return `[${Array.from({ length: Math.floor(next() * 3) }, () => gen(depth - 1)).join(',')}]`
      const n = Math.floor(next() * 4)
      return `{${Array.from({ length: n }, () => `"${keys[Math.floor(next() * keys.length)]}": ${gen(depth - 1)}`).join(' , ')}}`
    }
    let withDuplicates = 0
    for (let i = 0; i < 2000; i++) {
      const text = gen(4)
      const want = findDuplicateFields(text).length > 0
      if (want) withDuplicates++
      assert.equal(hasDuplicateFields(text, countObjectKeys(JSON.parse(text))), want, text)
    }
    assert.ok(withDuplicates > 100 && withDuplicates < 1900, `${withDuplicates} of 2000 with duplicates`)
  })

  it('counts the keys of a value nested 20,000 levels deep without running out of stack', () => {
    let v: unknown = { leaf: 1 }
    for (let i = 0; i < 20_000; i++) v = { metadata: v }
    assert.equal(countObjectKeys(v), 20_001)
  })

  it('survives truncated input', () => {
    assert.deepEqual(findDuplicateFields('{"a":1,"a":"unterminated'), ['a'])
  })

  it('words them as kube-apiserver', () => {
    assert.equal(duplicateFieldMessage('spec.replicas'), 'duplicate field "spec.replicas"')
  })

  it('handles a 1 MB body', () => {
    const items = Array.from({ length: 6000 }, (_, i) => ({
      name: `item-${i}`,
      value: 'x'.repeat(150),
      tags: ['a', 'b'],
    }))
    const text = `{"spec":{"items":${JSON.stringify(items)},"replicas":1,"replicas":2}}`
    assert.ok(text.length > 1_000_000)
    assert.deepEqual(findDuplicateFields(text), ['spec.replicas'])
  })
})

describe('findDuplicateYamlKeys', () => {
  it('reports line and key as kube-apiserver does', () => {
    // The Deployment body of Kubernetes' own field validation integration test.
    const body = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: test
  labels:
    app: nginx
spec:
  unknown1: val1
  unknownDupe: valDupe
  unknownDupe: valDupe2
  paused: true
  paused: false
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:latest
        unknownNested: val1
        imagePullPolicy: Always
        imagePullPolicy: Never`
    assert.deepEqual(findDuplicateYamlKeys(body), [
      'line 10: key "unknownDupe" already set in map',
      'line 12: key "paused" already set in map',
      'line 26: key "imagePullPolicy" already set in map',
    ])
  })
  it('finds nothing in a clean document', () => {
    assert.deepEqual(findDuplicateYamlKeys('a: 1\nb:\n  a: 2\n'), [])
  })
})
