import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { KubeObject } from '../../machinery/object.ts'
import {
  cpuQuantity,
  memoryQuantity,
  NodeTotals,
  nodeRecord,
  PodTotals,
  podRecord,
  resourceSummary,
} from './summary.ts'

function node(ready: boolean, allocatable: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n' },
    status: { allocatable, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  }
}

function pod(nodeName: string | undefined, phase: string, requests: Record<string, string>[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { nodeName, containers: requests.map((r, i) => ({ name: `c${i}`, resources: { requests: r } })) },
    status: { phase },
  }
}

describe('summary records and totals', () => {
  it('keeps readiness and allocatable of nodes, in scheduler units', () => {
    assert.deepEqual(nodeRecord(node(true, { cpu: '7500m', memory: '31Gi', pods: '110' })), {
      ready: true,
      cpu: 7500,
      memory: 31 * 2 ** 30,
      pods: 110,
    })
  })

  it('counts only pods bound to a node and not terminated', () => {
    assert.equal(podRecord(pod(undefined, 'Pending', [{ cpu: '1' }])), undefined)
    assert.equal(podRecord(pod('n1', 'Succeeded', [{ cpu: '1' }])), undefined)
    assert.equal(podRecord(pod('n1', 'Failed', [{ cpu: '1' }])), undefined)
    assert.deepEqual(podRecord(pod('n1', 'Pending', [{ cpu: '100m', memory: '64Mi' }, { cpu: '0.15' }])), {
      cpu: 250,
      memory: 64 * 2 ** 20,
    })
  })

  it('adds and removes records and prints canonical quantities', () => {
    const n = new NodeTotals()
    const a = nodeRecord(node(true, { cpu: '8', memory: '32Gi', pods: '110' }))
    const b = nodeRecord(node(false, { cpu: '4', memory: '16Gi', pods: '110' }))
    n.add(a)
    n.add(b)
    const p = new PodTotals()
    const x = podRecord(pod('n1', 'Running', [{ cpu: '250m', memory: '128Mi' }]))!
    const y = podRecord(pod('n1', 'Running', [{ cpu: '750m', memory: '896Mi' }]))!
    p.add(x)
    p.add(y)
    assert.deepEqual(resourceSummary(n, p), {
      allocatable: { cpu: '12', memory: '48Gi', pods: '220' },
      allocated: { cpu: '1', memory: '1Gi', pods: '2' },
    })
    assert.equal(n.ready, 1)
    p.remove(y)
    n.remove(b)
    assert.deepEqual(resourceSummary(n, p), {
      allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
      allocated: { cpu: '250m', memory: '128Mi', pods: '1' },
    })
  })

  it('formats quantities as Kubernetes prints them', () => {
    assert.equal(cpuQuantity(0), '0')
    assert.equal(cpuQuantity(1500), '1500m')
    assert.equal(cpuQuantity(24_000), '24')
    assert.equal(memoryQuantity(0), '0')
    assert.equal(memoryQuantity(1536 * 2 ** 20), '1536Mi')
    assert.equal(memoryQuantity(1000), '1000')
    assert.equal(memoryQuantity(2 ** 40), '1Ti')
  })
})
