import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nodeAllocatable, podRequests } from '../../apis/core/resources.ts'
import type { KubeObject } from '../../machinery/object.ts'
import {
  filter,
  fitErrorMessage,
  leastAllocatedScore,
  matchesNodeAffinity,
  type NodeInfo,
  nodeTaints,
  podInfo,
} from './predicates.ts'
import { feasibleNodesToFind } from './scheduler.ts'

function pod(spec: Record<string, unknown>): KubeObject {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [{ name: 'c' }], ...spec } }
}

function node(over: Partial<NodeInfo> = {}): NodeInfo {
  return {
    name: 'n1',
    labels: { 'kubernetes.io/hostname': 'n1', zone: 'a', cores: '16' },
    taints: [],
    unschedulable: false,
    allocatable: new Map([
      ['cpu', 4000],
      ['memory', 8 * 2 ** 30],
      ['pods', 10],
    ]),
    requested: new Map(),
    nonZeroCpu: 0,
    nonZeroMemory: 0,
    pods: 0,
    ...over,
  }
}

const req = (cpu?: string, memory?: string) => ({
  resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } },
})

describe('pod requests', () => {
  it('parses quantities into millicores and bytes', () => {
    const r = podRequests(
      pod({
        containers: [
          { name: 'a', ...req('100m', '1Gi') },
          { name: 'b', ...req('1e3', '0.5Mi') },
        ],
      }),
    )
    assert.equal(r.get('cpu'), 100 + 1_000_000)
    assert.equal(r.get('memory'), 2 ** 30 + 2 ** 19)
  })

  it('takes the larger of the containers and any init container, counting sidecars', () => {
    const r = podRequests(
      pod({
        initContainers: [
          { name: 'big-init', ...req('2', '64Mi') },
          { name: 'sidecar', restartPolicy: 'Always', ...req('500m') },
          { name: 'late-init', ...req('1', '1Gi') },
        ],
        containers: [{ name: 'app', ...req('300m', '128Mi') }],
        overhead: { cpu: '10m' },
      }),
    )
    // cpu: max(300m + 500m sidecar, 2 (big-init), 1 + 500m (late-init beside the sidecar)) + 10m overhead
    assert.equal(r.get('cpu'), 2010)
    // memory: max(128Mi, 64Mi, 1Gi) (the sidecar asks for no memory)
    assert.equal(r.get('memory'), 2 ** 30)
  })

  it('reads node allocatable in the same units', () => {
    const a = nodeAllocatable({ metadata: {}, status: { allocatable: { cpu: '7500m', memory: '32Gi', pods: '110' } } })
    assert.equal(a.get('cpu'), 7500)
    assert.equal(a.get('memory'), 32 * 2 ** 30)
    assert.equal(a.get('pods'), 110)
  })
})

describe('filters', () => {
  it('fits resources against allocatable minus requested and the pod limit', () => {
    assert.equal(filter(podInfo(pod({ containers: [{ name: 'c', ...req('4') }] }), 'k'), node()), undefined)
    assert.deepEqual(
      filter(podInfo(pod({ containers: [{ name: 'c', ...req('4001m', '9Gi') }] }), 'k'), node())?.reasons,
      ['Insufficient cpu', 'Insufficient memory'],
    )
    const busy = node({ requested: new Map([['cpu', 3900]]), pods: 10 })
    assert.deepEqual(filter(podInfo(pod({ containers: [{ name: 'c', ...req('200m') }] }), 'k'), busy)?.reasons, [
      'Too many pods',
      'Insufficient cpu',
    ])
    const gpu = filter(
      podInfo(pod({ containers: [{ name: 'c', resources: { requests: { 'nvidia.com/gpu': '1' } } }] }), 'k'),
      node(),
    )
    assert.deepEqual(gpu, { reasons: ['Insufficient nvidia.com/gpu'], unresolvable: false })
  })

  it('matches nodeSelector and required affinity operators', () => {
    const n = node()
    const aff = (expr: unknown[], fields: unknown[] = []) =>
      podInfo(
        pod({
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: expr, matchFields: fields }],
              },
            },
          },
        }),
        'k',
      )
    assert.equal(matchesNodeAffinity(podInfo(pod({ nodeSelector: { zone: 'a' } }), 'k'), n), true)
    assert.equal(matchesNodeAffinity(podInfo(pod({ nodeSelector: { zone: 'b' } }), 'k'), n), false)
    assert.equal(matchesNodeAffinity(aff([{ key: 'zone', operator: 'In', values: ['a', 'b'] }]), n), true)
    assert.equal(matchesNodeAffinity(aff([{ key: 'zone', operator: 'NotIn', values: ['a'] }]), n), false)
    assert.equal(matchesNodeAffinity(aff([{ key: 'gpu', operator: 'NotIn', values: ['x'] }]), n), true)
    assert.equal(matchesNodeAffinity(aff([{ key: 'zone', operator: 'Exists' }]), n), true)
    assert.equal(matchesNodeAffinity(aff([{ key: 'zone', operator: 'DoesNotExist' }]), n), false)
    assert.equal(matchesNodeAffinity(aff([{ key: 'cores', operator: 'Gt', values: ['8'] }]), n), true)
    assert.equal(matchesNodeAffinity(aff([{ key: 'cores', operator: 'Lt', values: ['8'] }]), n), false)
    assert.equal(matchesNodeAffinity(aff([{ key: 'zone', operator: 'Gt', values: ['8'] }]), n), false)
    assert.equal(matchesNodeAffinity(aff([], [{ key: 'metadata.name', operator: 'In', values: ['n1'] }]), n), true)
    assert.equal(matchesNodeAffinity(aff([], [{ key: 'metadata.name', operator: 'In', values: ['n2'] }]), n), false)
    assert.equal(matchesNodeAffinity(aff([]), n), false, 'an empty term matches nothing')
  })

  it('honours NoSchedule/NoExecute taints and ignores PreferNoSchedule', () => {
    const taints = nodeTaints({
      metadata: {},
      spec: {
        taints: [
          { key: 'soft', effect: 'PreferNoSchedule' },
          { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
        ],
      },
    })
    const n = node({ taints })
    assert.deepEqual(filter(podInfo(pod({}), 'k'), n), {
      reasons: ['node(s) had untolerated taint {dedicated: gpu}'],
      unresolvable: true,
    })
    const tol = (t: unknown) => podInfo(pod({ tolerations: [t] }), 'k')
    assert.equal(filter(tol({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }), n), undefined)
    assert.equal(filter(tol({ key: 'dedicated', operator: 'Exists' }), n), undefined)
    assert.equal(filter(tol({ operator: 'Exists' }), n), undefined)
    assert.notEqual(filter(tol({ key: 'dedicated', value: 'cpu' }), n), undefined)
    assert.notEqual(filter(tol({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }), n), undefined)
  })

  it('keeps pods off unschedulable nodes unless they tolerate it', () => {
    const n = node({ unschedulable: true })
    assert.deepEqual(filter(podInfo(pod({}), 'k'), n)?.reasons, ['node(s) were unschedulable'])
    const tolerating = podInfo(
      pod({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }),
      'k',
    )
    assert.equal(filter(tolerating, n), undefined)
  })

  it('scores the least allocated node highest, counting default requests', () => {
    const p = podInfo(pod({}), 'k')
    assert.ok(leastAllocatedScore(p, node()) > leastAllocatedScore(p, node({ nonZeroCpu: 2000 })))
  })

  it('formats the FitError message as kube-scheduler does', () => {
    assert.equal(
      fitErrorMessage(
        5,
        new Map([
          ["node(s) didn't match Pod's node affinity/selector", 4],
          ['Insufficient cpu', 1],
        ]),
        new Map([
          ['Preemption is not helpful for scheduling', 4],
          ['No preemption victims found for incoming pod', 1],
        ]),
      ),
      "0/5 nodes are available: 1 Insufficient cpu, 4 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 1 No preemption victims found for incoming pod, 4 Preemption is not helpful for scheduling.",
    )
  })

  it('samples nodes like kube-scheduler', () => {
    assert.equal(feasibleNodesToFind(50), 50)
    assert.equal(feasibleNodesToFind(1000), 420)
    assert.equal(feasibleNodesToFind(5000), 500)
    assert.equal(feasibleNodesToFind(20_000), 1000)
  })
})
