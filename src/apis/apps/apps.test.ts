import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { KindDef } from '../../machinery/kinds.ts'
import { ago, cell, fields, object, row } from '../test-helpers.ts'
import { controllerRevision } from './controllerrevision.ts'
import { daemonSet } from './daemonset.ts'
import { deployment } from './deployment.ts'
import { replicaSet } from './replicaset.ts'
import { statefulSet } from './statefulset.ts'

const template = (labels: Record<string, string> = { app: 'web' }) => ({
  metadata: { labels },
  spec: {
    containers: [
      { name: 'web', image: 'nginx:1.27' },
      { name: 'sidecar', image: 'busybox' },
    ],
  },
})

const workload = (def: KindDef, spec: Record<string, unknown>, status: Record<string, unknown> = {}) =>
  object(def, { spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec }, status })

describe('Deployment', () => {
  it('READY n/m, UP-TO-DATE, AVAILABLE and the wide columns', () => {
    const d = workload(
      deployment,
      { replicas: 3 },
      { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    )
    assert.deepEqual(row(deployment, d), {
      READY: '2/3',
      'UP-TO-DATE': 3,
      AVAILABLE: 2,
      AGE: '10m',
      CONTAINERS: 'web,sidecar',
      IMAGES: 'nginx:1.27,busybox',
      SELECTOR: 'app=web',
    })
  })

  it('prepareForCreate defaults replicas, strategy and the pod template', () => {
    const d = workload(deployment, {})
    deployment.prepareForCreate?.(d)
    const spec = d.spec as Record<string, unknown>
    assert.equal(spec.replicas, 1)
    assert.deepEqual(spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
    })
    assert.equal(spec.revisionHistoryLimit, 10)
    assert.equal(spec.progressDeadlineSeconds, 600)
    assert.equal(cell(deployment, 'Ready', d), '0/1')
  })

  it('has a scale subresource and generation tracking', () => {
    assert.deepEqual(deployment.subresources.scale, {
      specReplicasPath: 'spec.replicas',
      statusReplicasPath: 'status.replicas',
      labelSelectorPath: 'spec.selector',
    })
    assert.equal(deployment.generation, 'spec')
  })
})

describe('workload validation (Deployment, ReplicaSet, StatefulSet, DaemonSet)', () => {
  const validate = (def: KindDef, spec: Record<string, unknown>) => {
    const o = workload(def, spec)
    def.prepareForCreate?.(o)
    return def.validate?.(o) ?? []
  }

  for (const [def, word] of [
    [deployment, 'deployment'],
    [replicaSet, 'deployment'],
    [statefulSet, 'statefulset'],
    [daemonSet, 'daemonset'],
  ] as const) {
    it(`${def.kind}: valid spec passes`, () => assert.deepEqual(validate(def, {}), []))

    it(`${def.kind}: selector required and non-empty`, () => {
      assert.deepEqual(fields(validate(def, { selector: undefined })), ['spec.selector'])
      const empty = validate(def, { selector: {} })
      assert.deepEqual(fields(empty), ['spec.selector'])
      assert.equal(empty[0].detail, `empty selector is invalid for ${word}`)
    })

    it(`${def.kind}: template labels must match the selector`, () => {
      const errs = validate(def, { template: template({ app: 'api' }) })
      assert.deepEqual(fields(errs), ['spec.template.metadata.labels'])
      assert.equal(errs[0].detail, '`selector` does not match template `labels`')
      assert.equal(errs[0].type, 'FieldValueInvalid')
    })

    it(`${def.kind}: container image required at spec.template.spec.containers[i].image`, () => {
      const t = template()
      t.spec.containers[1] = { name: 'sidecar', image: '' }
      assert.deepEqual(fields(validate(def, { template: t })), ['spec.template.spec.containers[1].image'])
    })

    it(`${def.kind}: restartPolicy must be Always`, () => {
      const t = { ...template(), spec: { ...template().spec, restartPolicy: 'Never' } }
      const errs = validate(def, { template: t })
      assert.deepEqual(fields(errs), ['spec.template.spec.restartPolicy'])
      assert.equal(errs[0].type, 'FieldValueNotSupported')
    })
  }

  it('replicas must not be negative', () => {
    const errs = validate(deployment, { replicas: -1 })
    assert.deepEqual(fields(errs), ['spec.replicas'])
    assert.equal(errs[0].detail, 'must be greater than or equal to 0')
  })

  it('matchExpressions selectors are honoured', () => {
    const sel = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }
    assert.deepEqual(validate(deployment, { selector: sel }), [])
    const bad = { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }
    assert.deepEqual(fields(validate(deployment, { selector: bad })), ['spec.template.metadata.labels'])
  })
})

describe('ReplicaSet, StatefulSet, DaemonSet, ControllerRevision columns', () => {
  it('ReplicaSet DESIRED/CURRENT/READY and status.replicas field selector', () => {
    const rs = workload(replicaSet, { replicas: 3 }, { replicas: 3, readyReplicas: 1 })
    assert.deepEqual(row(replicaSet, rs), {
      DESIRED: 3,
      CURRENT: 3,
      READY: 1,
      AGE: '10m',
      CONTAINERS: 'web,sidecar',
      IMAGES: 'nginx:1.27,busybox',
      SELECTOR: 'app=web',
    })
    assert.equal(replicaSet.fieldSelectors['status.replicas'](rs), '3')
  })

  it('StatefulSet READY n/m', () => {
    const sts = workload(statefulSet, { replicas: 2 }, { readyReplicas: 2 })
    assert.deepEqual(row(statefulSet, sts), {
      READY: '2/2',
      AGE: '10m',
      CONTAINERS: 'web,sidecar',
      IMAGES: 'nginx:1.27,busybox',
    })
  })

  it('DaemonSet counters and NODE SELECTOR', () => {
    const t = { ...template(), spec: { ...template().spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } }
    const ds = workload(
      daemonSet,
      { template: t },
      {
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberReady: 2,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
      },
    )
    assert.deepEqual(row(daemonSet, ds), {
      DESIRED: 3,
      CURRENT: 3,
      READY: 2,
      'UP-TO-DATE': 3,
      AVAILABLE: 2,
      'NODE SELECTOR': 'kubernetes.io/os=linux',
      AGE: '10m',
      CONTAINERS: 'web,sidecar',
      IMAGES: 'nginx:1.27,busybox',
      SELECTOR: 'app=web',
    })
    assert.equal(cell(daemonSet, 'Node Selector', workload(daemonSet, {})), '<none>')
  })

  it('ControllerRevision CONTROLLER and REVISION', () => {
    const cr = object(
      controllerRevision,
      { revision: 4 },
      {
        creationTimestamp: ago(90),
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }],
      },
    )
    assert.deepEqual(row(controllerRevision, cr), { CONTROLLER: 'statefulset.apps/db', REVISION: 4, AGE: '90s' })
    assert.equal(cell(controllerRevision, 'Controller', object(controllerRevision)), '<none>')
  })
})
