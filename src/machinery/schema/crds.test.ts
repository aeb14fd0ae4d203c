// Realistic CRD schemas end to end: structural check, pruning, defaulting, validation.
//
// PROPAGATION_POLICY follows the shape of Karmada's policy.karmada.io/v1alpha1 PropagationPolicy
// CRD (charts/karmada/_crds/bases/policy/policy.karmada.io_propagationpolicies.yaml), reduced to
// the fields exercised here: resourceSelectors (required, minItems 1, apiVersion/kind required),
// placement.clusterAffinity, placement.replicaScheduling with its enums and default, the
// staticWeightList weights (int64, minimum 1), spreadConstraints, and the spec-level defaults
// (conflictResolution Abort, preemption Never, priority 0).

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { JSONSchemaProps } from './index.ts'
import { applyDefaults, pruneUnknownFields, validateStructuralSchema, validateValue } from './index.ts'
import { kubeMessages } from './testutil.ts'

const STRINGS: JSONSchemaProps = { type: 'array', items: { type: 'string' } }

const LABEL_SELECTOR: JSONSchemaProps = {
  type: 'object',
  'x-kubernetes-map-type': 'atomic',
  properties: {
    matchExpressions: {
      type: 'array',
      'x-kubernetes-list-type': 'atomic',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string' },
          operator: { type: 'string' },
          values: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'atomic' },
        },
      },
    },
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
  },
}

const CLUSTER_AFFINITY: JSONSchemaProps = {
  type: 'object',
  properties: {
    clusterNames: STRINGS,
    exclude: STRINGS,
    labelSelector: LABEL_SELECTOR,
  },
}

const PROPAGATION_POLICY: JSONSchemaProps = {
  type: 'object',
  description: 'PropagationPolicy represents the policy that propagates a group of resources to one or more clusters.',
  required: ['spec'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['resourceSelectors'],
      properties: {
        resourceSelectors: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['apiVersion', 'kind'],
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              labelSelector: LABEL_SELECTOR,
              name: { type: 'string' },
              namespace: { type: 'string' },
            },
          },
        },
        placement: {
          type: 'object',
          properties: {
            clusterAffinity: CLUSTER_AFFINITY,
            replicaScheduling: {
              type: 'object',
              properties: {
                replicaDivisionPreference: { type: 'string', enum: ['Aggregated', 'Weighted'] },
                replicaSchedulingType: { type: 'string', default: 'Divided', enum: ['Duplicated', 'Divided'] },
                weightPreference: {
                  type: 'object',
                  properties: {
                    dynamicWeight: { type: 'string', enum: ['AvailableReplicas'] },
                    staticWeightList: {
                      type: 'array',
                      items: {
                        type: 'object',
                        required: ['targetCluster', 'weight'],
                        properties: {
                          targetCluster: CLUSTER_AFFINITY,
                          weight: { type: 'integer', format: 'int64', minimum: 1 },
                        },
                      },
                    },
                  },
                },
              },
            },
            spreadConstraints: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  maxGroups: { type: 'integer' },
                  minGroups: { type: 'integer' },
                  spreadByField: { type: 'string', enum: ['cluster', 'region', 'zone', 'provider'] },
                  spreadByLabel: { type: 'string' },
                },
              },
            },
          },
        },
        conflictResolution: { type: 'string', default: 'Abort', enum: ['Abort', 'Overwrite'] },
        preemption: { type: 'string', default: 'Never', enum: ['Always', 'Never'] },
        priority: { type: 'integer', format: 'int32', default: 0 },
        propagateDeps: { type: 'boolean' },
        schedulerName: { type: 'string', default: 'default-scheduler' },
      },
    },
  },
}

const validPolicy = () => ({
  apiVersion: 'policy.karmada.io/v1alpha1',
  kind: 'PropagationPolicy',
  metadata: { name: 'nginx-propagation', namespace: 'default' },
  spec: {
    resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx' }],
    placement: {
      clusterAffinity: { clusterNames: ['member1', 'member2'] },
      replicaScheduling: {
        replicaDivisionPreference: 'Weighted',
        replicaSchedulingType: 'Divided',
        weightPreference: {
          staticWeightList: [
            { targetCluster: { clusterNames: ['member1'] }, weight: 2 },
            { targetCluster: { clusterNames: ['member2'] }, weight: 1 },
          ],
        },
      },
    },
  },
})

/** What kube-apiserver does with a create: prune, default, validate. */
function admit(obj: Record<string, unknown>, schema: JSONSchemaProps) {
  const unknown = pruneUnknownFields(obj, schema)
  applyDefaults(obj, schema)
  return { unknown, errors: kubeMessages(validateValue(obj, schema)) }
}

describe('Karmada PropagationPolicy', () => {
  it('has a structural schema', () => {
    assert.deepEqual(validateStructuralSchema(PROPAGATION_POLICY, 'spec.versions[0].schema.openAPIV3Schema'), [])
  })

  it('admits a valid policy and fills the defaults', () => {
    const obj = validPolicy()
    assert.deepEqual(admit(obj, PROPAGATION_POLICY), { unknown: [], errors: [] })
    assert.deepEqual(
      { ...obj.spec, resourceSelectors: undefined, placement: undefined },
      {
        resourceSelectors: undefined,
        placement: undefined,
        conflictResolution: 'Abort',
        preemption: 'Never',
        priority: 0,
        schedulerName: 'default-scheduler',
      },
    )
  })

  it('defaults replicaSchedulingType inside an existing replicaScheduling', () => {
    const obj = validPolicy()
    obj.spec.placement.replicaScheduling = {
      replicaDivisionPreference: 'Weighted',
    } as typeof obj.spec.placement.replicaScheduling
    admit(obj, PROPAGATION_POLICY)
    assert.deepEqual(obj.spec.placement.replicaScheduling, {
      replicaDivisionPreference: 'Weighted',
      replicaSchedulingType: 'Divided',
    })
  })

  it('requires resourceSelectors, with at least one entry', () => {
    const missing = validPolicy() as Record<string, any>
    delete missing.spec.resourceSelectors
    assert.deepEqual(admit(missing, PROPAGATION_POLICY).errors, ['spec.resourceSelectors: Required value'])

    const empty = validPolicy()
    empty.spec.resourceSelectors = []
    assert.deepEqual(admit(empty, PROPAGATION_POLICY).errors, [
      'spec.resourceSelectors: Invalid value: 0: spec.resourceSelectors in body should have at least 1 items',
    ])
  })

  it('requires apiVersion and kind in each selector', () => {
    const obj = validPolicy() as Record<string, any>
    obj.spec.resourceSelectors = [{ apiVersion: 'v1', kind: 'Service' }, { name: 'web' }]
    assert.deepEqual(admit(obj, PROPAGATION_POLICY).errors, [
      'spec.resourceSelectors[1].apiVersion: Required value',
      'spec.resourceSelectors[1].kind: Required value',
    ])
  })

  it('rejects a weight below 1', () => {
    const obj = validPolicy()
    obj.spec.placement.replicaScheduling.weightPreference.staticWeightList[1].weight = 0
    const w = 'spec.placement.replicaScheduling.weightPreference.staticWeightList[1].weight'
    assert.deepEqual(admit(obj, PROPAGATION_POLICY).errors, [
      `${w}: Invalid value: 0: ${w} in body should be greater than or equal to 1`,
    ])
  })

  it('rejects values outside the enums and of the wrong type', () => {
    const obj = validPolicy() as Record<string, any>
    obj.spec.placement.replicaScheduling.replicaSchedulingType = 'Split'
    obj.spec.placement.clusterAffinity.clusterNames = 'member1'
    obj.spec.placement.spreadConstraints = [{ spreadByField: 'rack', maxGroups: '2' }]
    obj.spec.priority = 1.5
    assert.deepEqual(admit(obj, PROPAGATION_POLICY).errors, [
      'spec.placement.clusterAffinity.clusterNames: Invalid value: "string": spec.placement.clusterAffinity.clusterNames in body must be of type array: "string"',
      'spec.placement.replicaScheduling.replicaSchedulingType: Unsupported value: "Split": supported values: "Duplicated", "Divided"',
      'spec.placement.spreadConstraints[0].maxGroups: Invalid value: "string": spec.placement.spreadConstraints[0].maxGroups in body must be of type integer: "string"',
      'spec.placement.spreadConstraints[0].spreadByField: Unsupported value: "rack": supported values: "cluster", "region", "zone", "provider"',
      'spec.priority: Invalid value: "number": spec.priority in body must be of type integer: "number"',
    ])
  })

  it('prunes unknown fields and reports them for Warn/Strict', () => {
    const obj = validPolicy() as Record<string, any>
    obj.spec.placement.clusterAffinity.clusterNamez = ['typo']
    obj.spec.placement.replicaScheduling.weightPreference.staticWeightList[0].wieght = 3
    obj.status = { observedGeneration: 1 }
    const { unknown, errors } = admit(obj, PROPAGATION_POLICY)
    assert.deepEqual(unknown, [
      'spec.placement.clusterAffinity.clusterNamez',
      'spec.placement.replicaScheduling.weightPreference.staticWeightList[0].wieght',
      'status',
    ])
    assert.deepEqual(errors, [])
  })
})

// A workload CRD with an embedded pod-like template, an int-or-string, a list-map keyed like
// Kubernetes' own field-validation test CRD (containerPort + protocol), and preserved free-form config.
const WORKLOAD: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['template'],
      properties: {
        replicas: { type: 'integer', minimum: 0, default: 1 },
        maxUnavailable: {
          'x-kubernetes-int-or-string': true,
          anyOf: [{ type: 'integer' }, { type: 'string' }],
          pattern: '^[0-9]+%?$',
        },
        cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
          items: {
            type: 'object',
            required: ['containerPort', 'protocol'],
            properties: {
              containerPort: { type: 'integer', format: 'int32' },
              hostPort: { type: 'integer', format: 'int32' },
              name: { type: 'string' },
              protocol: { type: 'string' },
            },
          },
        },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          'x-kubernetes-preserve-unknown-fields': true,
        },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
}

describe('a workload CRD', () => {
  const base = () => ({
    apiVersion: 'example.com/v1',
    kind: 'Workload',
    metadata: { name: 'w' },
    spec: {
      maxUnavailable: '25%',
      cronSpec: '* * * * */5',
      ports: [{ containerPort: 8080, protocol: 'TCP', name: 'http' }],
      template: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { app: 'w' } }, spec: { containers: [] } },
      config: { anything: { goes: true } },
    },
  })

  it('has a structural schema', () => {
    assert.deepEqual(validateStructuralSchema(WORKLOAD), [])
  })

  it('admits a valid object', () => {
    const obj = base()
    assert.deepEqual(admit(obj, WORKLOAD), { unknown: [], errors: [] })
    assert.equal((obj.spec as Record<string, unknown>).replicas, 1)
  })

  it('reports each broken rule', () => {
    const obj = base() as Record<string, any>
    obj.spec.maxUnavailable = 'lots'
    obj.spec.cronSpec = 'every minute'
    obj.spec.ports.push({ containerPort: 8080, protocol: 'TCP', hostPort: 8082 })
    obj.spec.template = { kind: 'Pod' }
    assert.deepEqual(admit(obj, WORKLOAD).errors, [
      'spec.maxUnavailable: Invalid value: "lots": spec.maxUnavailable in body should match \'^[0-9]+%?$\'',
      'spec.cronSpec: Invalid value: "every minute": spec.cronSpec in body should match \'^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$\'',
      'spec.template.apiVersion: Required value',
      'spec.ports[1]: Duplicate value: {"containerPort":8080,"protocol":"TCP"}',
    ])
  })
})
