import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { builtinPatchKinds, patchSchemaFor } from '../../../apis/schemas/index.ts'
import { isStatusError, type StatusError } from '../../errors.ts'
import { applyStrategicMergePatch, containsDirectives } from './index.ts'
import { loadCaseFiles, type OracleCase, originalOf } from './oracle.ts'

function schemaOf(obj: unknown) {
  const o = (obj ?? {}) as { apiVersion?: string; kind?: string }
  const [group, version] = (o.apiVersion ?? '').includes('/')
    ? (o.apiVersion ?? '').split('/')
    : ['', o.apiVersion ?? '']
  return patchSchemaFor(group, version, o.kind ?? '')
}

/**
 * What a typed kube-apiserver keeps of kubectl's output: apimachinery leaves some directives and
 * nulls from the patch in its result (new list elements are copied raw), which the apiserver
 * then loses when decoding into Go structs. Our engine drops them itself. Mirrors
 * cleanPatchValue: maps carrying $patch go, directive keys go, null map values go.
 */
function scrub(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(scrub).filter((e) => e !== undefined)
  if (typeof v === 'object' && v !== null) {
    if (Object.hasOwn(v, '$patch')) return undefined
    const out: Record<string, unknown> = {}
    for (const [k, e] of Object.entries(v)) {
      if (
        e === null ||
        k === '$retainKeys' ||
        k.startsWith('$setElementOrder') ||
        k.startsWith('$deleteFromPrimitiveList')
      )
        continue
      const s = scrub(e)
      if (s !== undefined) out[k] = s
    }
    return out
  }
  return v
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const e of Object.values(v)) deepFreeze(e)
    Object.freeze(v)
  }
  return v
}

function runCase(c: OracleCase, original: unknown): void {
  const schema = schemaOf(original)
  const input = deepFreeze(structuredClone(original))
  const patch = deepFreeze(structuredClone(c.patch))
  const expectError = c.deviation ? c.deviation.error !== undefined : c.expectError
  if (expectError) {
    let err: unknown
    try {
      applyStrategicMergePatch(input, patch, schema)
    } catch (e) {
      err = e
    }
    assert.ok(isStatusError(err), `expected a StatusError, got ${err === undefined ? 'a result' : String(err)}`)
    const se = err as StatusError
    assert.ok(se.code === 400 || se.code === 422, `code ${se.code}`)
    const want = c.deviation?.error ?? c.error ?? ''
    // kubectl panics on a few patches; we answer with our own message there.
    if (!want.startsWith('panic:')) assert.equal(se.message.trim(), want.trim())
    return
  }
  const got = applyStrategicMergePatch(input, patch, schema)
  assert.equal(containsDirectives(got), false, 'result still holds SMP directives')
  const expected = c.deviation ? c.deviation.expected : c.expected
  if (JSON.stringify(scrub(expected)) === JSON.stringify(expected)) assert.deepStrictEqual(got, expected)
  else assert.deepStrictEqual(scrub(got), scrub(expected), 'differs from kubectl ignoring leftover directives/nulls')
}

for (const { file, data } of loadCaseFiles()) {
  describe(`SMP oracle corpus: ${file.split('/').pop()}`, () => {
    for (const c of data.cases) {
      if (c.expected === undefined && !c.expectError && !c.deviation) {
        test(c.name, { skip: 'no stored oracle output: run oracle.ts' }, () => {})
        continue
      }
      test(c.name, () => runCase(c, originalOf(c, data)))
    }
  })
}

describe('applyStrategicMergePatch', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { a: '1' } },
    spec: { containers: [{ name: 'a', image: 'x', env: [{ name: 'E', value: '1' }] }] },
  }
  const schema = patchSchemaFor('', 'v1', 'Pod')

  test('does not alias its inputs', () => {
    const live = structuredClone(pod)
    const patch = {
      metadata: { annotations: { b: '2' } },
      spec: { containers: [{ name: 'b', image: 'y', args: ['1'] }] },
    }
    const out = applyStrategicMergePatch(live, patch, schema) as typeof pod & { metadata: { annotations: object } }
    out.metadata.labels.a = 'changed'
    out.spec.containers[1].env[0].value = 'changed'
    ;(out.spec.containers[0] as { args?: string[] }).args?.push('2')
    assert.deepStrictEqual(live, pod)
    assert.deepStrictEqual(patch.spec.containers[0].args, ['1'])
  })

  test('fields missing from the schema are plain: maps merge, lists are replaced', () => {
    const live = { metadata: { name: 'x' }, spec: { custom: { a: 1, list: [{ name: 'a' }] } } }
    const out = applyStrategicMergePatch(live, { spec: { custom: { b: 2, list: [{ name: 'b' }] } } }, schema)
    assert.deepStrictEqual(out, { metadata: { name: 'x' }, spec: { custom: { a: 1, b: 2, list: [{ name: 'b' }] } } })
  })

  test('without a schema every list is atomic', () => {
    const out = applyStrategicMergePatch(pod, { spec: { containers: [{ name: 'b' }] } }, undefined)
    assert.deepStrictEqual((out as typeof pod).spec.containers, [{ name: 'b' }])
  })

  test('a null patch returns a copy', () => {
    const out = applyStrategicMergePatch(pod, null, schema)
    assert.deepStrictEqual(out, pod)
    assert.notEqual(out, pod)
  })

  test('a missing live object is patched from scratch', () => {
    assert.deepStrictEqual(applyStrategicMergePatch(undefined, { a: { b: null, c: 1 } }, schema), { a: { c: 1 } })
  })

  test('errors are StatusErrors: 400, and 422 for lists of lists', () => {
    assert.throws(
      () => applyStrategicMergePatch(pod, [1], schema),
      (e: unknown) => isStatusError(e) && e.code === 400 && e.message === 'invalid JSON document',
    )
    assert.throws(
      () => applyStrategicMergePatch({ spec: { containers: [] } }, { spec: { containers: [['a']] } }, schema),
      (e: unknown) => isStatusError(e) && e.code === 422 && e.reason === 'Invalid',
    )
  })

  test('"__proto__" in a patch is an ordinary key', () => {
    const patch = JSON.parse('{"metadata":{"labels":{"__proto__":{"polluted":true}}}}')
    const out = applyStrategicMergePatch(pod, patch, schema) as { metadata: { labels: Record<string, unknown> } }
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    assert.deepStrictEqual(Object.getPrototypeOf(out.metadata.labels), Object.prototype)
    assert.ok(Object.hasOwn(out.metadata.labels, '__proto__'))
  })
})

describe('patchSchemaFor', () => {
  test('covers every built-in kind the API server serves', () => {
    const want = [
      ['', 'v1', 'Pod'],
      ['', 'v1', 'Service'],
      ['', 'v1', 'Endpoints'],
      ['', 'v1', 'ConfigMap'],
      ['', 'v1', 'Secret'],
      ['', 'v1', 'ServiceAccount'],
      ['', 'v1', 'Node'],
      ['', 'v1', 'Namespace'],
      ['', 'v1', 'Event'],
      ['', 'v1', 'ResourceQuota'],
      ['', 'v1', 'LimitRange'],
      ['', 'v1', 'PersistentVolume'],
      ['', 'v1', 'PersistentVolumeClaim'],
      ['apps', 'v1', 'Deployment'],
      ['apps', 'v1', 'ReplicaSet'],
      ['apps', 'v1', 'StatefulSet'],
      ['apps', 'v1', 'DaemonSet'],
      ['apps', 'v1', 'ControllerRevision'],
      ['batch', 'v1', 'Job'],
      ['batch', 'v1', 'CronJob'],
      ['networking.k8s.io', 'v1', 'Ingress'],
      ['networking.k8s.io', 'v1', 'NetworkPolicy'],
      ['rbac.authorization.k8s.io', 'v1', 'Role'],
      ['rbac.authorization.k8s.io', 'v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io', 'v1', 'RoleBinding'],
      ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding'],
      ['coordination.k8s.io', 'v1', 'Lease'],
      ['autoscaling', 'v2', 'HorizontalPodAutoscaler'],
      ['policy', 'v1', 'PodDisruptionBudget'],
      ['storage.k8s.io', 'v1', 'StorageClass'],
      ['events.k8s.io', 'v1', 'Event'],
    ]
    for (const [g, v, k] of want) assert.ok(patchSchemaFor(g, v, k), `${g}/${v}/${k}`)
    assert.ok(builtinPatchKinds().length >= want.length)
    assert.equal(patchSchemaFor('example.com', 'v1', 'Widget'), undefined)
  })

  test('declares the container merge keys', () => {
    const pod = patchSchemaFor('', 'v1', 'Pod')
    const containers = pod?.properties?.spec?.properties?.containers
    assert.equal(containers?.['x-kubernetes-patch-merge-key'], 'name')
    assert.equal(containers?.items?.properties?.ports?.['x-kubernetes-patch-merge-key'], 'containerPort')
    assert.deepStrictEqual(containers?.items?.properties?.ports?.['x-kubernetes-list-map-keys'], [
      'containerPort',
      'protocol',
    ])
  })
})
