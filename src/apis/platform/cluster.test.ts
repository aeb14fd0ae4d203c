import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { KubeObject } from '../../machinery/object.ts'
import { CLUSTER_CLEANUP_FINALIZER, checkClusterDelete, cluster, validateCluster } from './cluster.ts'

function obj(spec: unknown): KubeObject {
  return { apiVersion: 'platform.flotilla.dev/v1alpha1', kind: 'Cluster', metadata: { name: 'c1' }, spec } as KubeObject
}

describe('Cluster kind', () => {
  it('defaults mode, secret namespace and key, and adds the cleanup finalizer', () => {
    const o = obj({ connection: { kubeconfigSecretRef: { name: 's' } } })
    cluster.prepareForCreate!(o)
    assert.deepEqual(o.spec, {
      connection: {
        mode: 'Import',
        kubeconfigSecretRef: { name: 's', namespace: 'flotilla-system', key: 'kubeconfig' },
      },
    })
    assert.deepEqual(o.metadata.finalizers, [CLUSTER_CLEANUP_FINALIZER])
    assert.deepEqual(validateCluster(o), [])
  })

  it('reports field errors', () => {
    const fields = (spec: unknown) => validateCluster(obj(spec)).map((e) => `${e.field}:${e.type}`)
    assert.deepEqual(fields({ connection: { mode: 'Nope' } }), ['spec.connection.mode:FieldValueNotSupported'])
    assert.deepEqual(fields({ connection: { mode: 'Import' } }), [
      'spec.connection.kubeconfigSecretRef:FieldValueRequired',
    ])
    assert.deepEqual(fields({ connection: { mode: 'Register', kubeconfigSecretRef: { name: 'x' } } }), [
      'spec.connection.kubeconfigSecretRef:FieldValueForbidden',
    ])
    assert.deepEqual(
      fields({
        connection: {
          mode: 'Import',
          kubeconfigSecretRef: { namespace: 'flotilla-system', name: 'Bad_Name', key: 'k' },
        },
        provider: 'Not Valid!',
        deleteProtection: 'yes',
      }),
      [
        'spec.connection.kubeconfigSecretRef.name:FieldValueInvalid',
        'spec.provider:FieldValueInvalid',
        'spec.deleteProtection:FieldValueInvalid',
      ],
    )
    assert.deepEqual(fields(undefined), ['spec:FieldValueRequired'])
  })

  it('refuses deleting a protected cluster with 403 and the way out', () => {
    const o = obj({ connection: { mode: 'Register' }, deleteProtection: true })
    const err = checkClusterDelete(o)
    assert.equal(err?.code, 403)
    assert.equal(err?.message, 'cluster c1 has deleteProtection enabled; set spec.deleteProtection to false first')
    assert.equal(checkClusterDelete(obj({ connection: { mode: 'Register' } })), undefined)
  })

  it('prints READY and CPU columns from the status', () => {
    const o = obj({ connection: { mode: 'Import' }, provider: 'aws' })
    o.status = {
      phase: 'Running',
      nodeSummary: { totalNum: 4, readyNum: 3 },
      resourceSummary: { allocatable: { cpu: '24' }, allocated: { cpu: '1500m' } },
    }
    const cell = (name: string) => cluster.columns.find((c) => c.name === name)!.cell(o, Date.now())
    assert.equal(cell('Ready'), '3/4')
    assert.equal(cell('CPU'), '1.5/24')
    assert.equal(cell('Status'), 'Running')
  })
})
