// The fine semantics of the workload controllers, checked without a cluster: Kubernetes'
// rounding of surge/unavailability, template hashes, proportional scaling, cron schedule
// arithmetic, DaemonSet placement, Endpoints repacking, EndpointSlice columns, pod ordering.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatDiscoveryEndpoints, formatDiscoveryPorts } from '../../src/apis/discovery/index.ts'
import { jobName, mostRecentSchedule } from '../../src/controllers/workloads/cronjob/controller.ts'
import { parseSchedule, rfc3339In } from '../../src/controllers/workloads/cronjob/schedule.ts'
import { nodeShouldRunDaemonPod, tolerates } from '../../src/controllers/workloads/daemonset/placement.ts'
import {
  equalIgnoreHash,
  newRSNewReplicas,
  podTemplateHash,
  proportion,
  resolveFenceposts,
} from '../../src/controllers/workloads/deployment/util.ts'
import { formatIndexes, parseIndexes } from '../../src/controllers/workloads/job/indexes.ts'
import { slowStartBatch } from '../../src/controllers/workloads/replicaset.ts'
import { repackSubsets } from '../../src/controllers/workloads/service/endpoints.ts'
import { computeHash } from '../../src/controllers/workloads/util/hash.ts'
import { compareForDeletion } from '../../src/controllers/workloads/util/pods.ts'
import type { KubeObject } from '../../src/machinery/object.ts'

const deploy = (
  replicas: number,
  strategy: Record<string, unknown> = {},
  status: Record<string, unknown> = {},
): KubeObject => ({
  metadata: { name: 'd', generation: 1 },
  spec: {
    replicas,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, ...strategy },
    template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
  status,
})
const rs = (
  name: string,
  replicas: number,
  annotations: Record<string, string> = {},
  created = '2026-01-01T00:00:00Z',
): KubeObject => ({
  metadata: { name, uid: name, annotations, creationTimestamp: created },
  spec: { replicas },
  status: {},
})

describe('Deployment arithmetic', () => {
  it('resolveFenceposts: surge rounds up, unavailability down, 0/0 means 1 unavailable', () => {
    assert.deepEqual(resolveFenceposts('25%', '25%', 6), [2, 1])
    assert.deepEqual(resolveFenceposts('25%', '25%', 1), [1, 0])
    assert.deepEqual(resolveFenceposts(0, '40%', 5), [0, 2])
    assert.deepEqual(resolveFenceposts('30%', 0, 10), [3, 0])
    assert.deepEqual(resolveFenceposts(0, 0, 10), [0, 1])
    assert.deepEqual(resolveFenceposts('0%', '0%', 3), [0, 1])
  })

  it('pod-template-hash: safe-encoded FNV-32a, stable, blind to kubectl round-trip noise', () => {
    const d = deploy(3)
    const h = podTemplateHash(d)
    assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/)
    assert.equal(podTemplateHash(structuredClone(d)), h)
    const noisy = structuredClone(d)
    const t = (noisy.spec as Record<string, any>).template
    t.metadata.creationTimestamp = null
    t.spec.containers[0].resources = {}
    assert.equal(podTemplateHash(noisy), h)
    const other = structuredClone(d)
    ;(other.spec as Record<string, any>).template.spec.containers[0].image = 'nginx:2'
    assert.notEqual(podTemplateHash(other), h)
    assert.notEqual(computeHash({ a: 1 }, 1), computeHash({ a: 1 }))
    const withHash = structuredClone(t)
    withHash.metadata.labels['pod-template-hash'] = h
    assert.ok(equalIgnoreHash(withHash, (d.spec as Record<string, any>).template))
  })

  it('NewRSNewReplicas: the new ReplicaSet grows only within replicas + maxSurge', () => {
    const d = deploy(10)
    const old = rs('old', 10)
    const fresh = rs('new', 0)
    assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 3)
    assert.equal(newRSNewReplicas(d, [rs('old', 13), fresh], fresh), 0)
    assert.equal(newRSNewReplicas(deploy(10, { type: 'Recreate' }), [old, fresh], fresh), 10)
  })

  it('proportional scaling splits added replicas by the max-replicas annotation', () => {
    const d = deploy(24)
    const a = rs('a', 8, { 'deployment.kubernetes.io/max-replicas': '13' })
    const b = rs('b', 5, { 'deployment.kubernetes.io/max-replicas': '13' })
    // allowed = 24 + 6 = 30; 30 - 13 = 17 to add, largest first.
    const pa = proportion(a, d, 17, 0)
    const pb = proportion(b, d, 17, pa)
    assert.deepEqual([pa, pb], [10, 7])
  })
})

describe('CronJob schedules', () => {
  const cj = (
    created: string,
    extra: Record<string, unknown> = {},
    status: Record<string, unknown> = {},
  ): KubeObject => ({
    metadata: { name: 'tick', creationTimestamp: created },
    spec: { schedule: '*/1 * * * *', ...extra },
    status,
  })
  const sched = parseSchedule('*/1 * * * *', undefined)
  it('finds the most recent unmet time and counts missed ones', () => {
    const r = mostRecentSchedule(cj('2026-01-01T10:00:30Z'), Date.parse('2026-01-01T10:03:30Z'), sched, true)
    assert.equal(new Date(r.time ?? 0).toISOString(), '2026-01-01T10:03:00.000Z')
    assert.equal(r.missed, 3)
    const none = mostRecentSchedule(cj('2026-01-01T10:00:30Z'), Date.parse('2026-01-01T10:00:50Z'), sched, true)
    assert.equal(none.time, undefined)
    const after = mostRecentSchedule(
      cj('2026-01-01T10:00:30Z', {}, { lastScheduleTime: '2026-01-01T10:03:00Z' }),
      Date.parse('2026-01-01T10:03:30Z'),
      sched,
      true,
    )
    assert.equal(after.time, undefined)
  })
  it('startingDeadlineSeconds moves the earliest time up', () => {
    const r = mostRecentSchedule(
      cj('2026-01-01T00:00:00Z', { startingDeadlineSeconds: 90 }),
      Date.parse('2026-01-01T10:03:30Z'),
      sched,
      true,
    )
    assert.equal(r.missed, 1)
    assert.equal(new Date(r.time ?? 0).toISOString(), '2026-01-01T10:03:00.000Z')
  })
  it('descriptors, @every, time zones and the errors robfig/cron gives', () => {
    const t = Date.parse('2026-03-08T06:59:30Z')
    assert.equal(new Date(parseSchedule('@hourly', undefined).next(t)).toISOString(), '2026-03-08T07:00:00.000Z')
    assert.equal(new Date(parseSchedule('@every 90s', undefined).next(t)).toISOString(), '2026-03-08T07:01:00.000Z')
    const ny = parseSchedule('0 9 * * *', 'America/New_York').next(t)
    assert.equal(new Date(ny).toISOString(), '2026-03-08T13:00:00.000Z')
    assert.equal(rfc3339In(ny, 'America/New_York'), '2026-03-08T09:00:00-04:00')
    assert.equal(rfc3339In(ny, undefined), '2026-03-08T13:00:00Z')
    assert.throws(() => parseSchedule('* * * *', undefined), /expected exactly 5 fields/)
    assert.throws(() => parseSchedule('0 0 * * * *', undefined), /expected exactly 5 fields/)
    assert.throws(() => parseSchedule('* * * * *', 'Mars/Olympus'), /bad location/)
    assert.equal(
      jobName({ metadata: { name: 'tick' } }, Date.parse('2026-01-01T10:03:00Z')),
      `tick-${Date.parse('2026-01-01T10:03:00Z') / 60000}`,
    )
  })
})

describe('DaemonSet placement', () => {
  const node = (taints: unknown[] = [], labels: Record<string, string> = {}): KubeObject => ({
    metadata: { name: 'n', labels },
    spec: { taints },
  })
  const ds = (podSpec: Record<string, unknown> = {}): KubeObject => ({
    metadata: { name: 'ds' },
    spec: { template: { spec: { containers: [], ...podSpec } } },
  })
  it('tolerations: Exists/Equal, empty key matches all, effect must match when set', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoSchedule' }
    assert.ok(tolerates({ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }, taint))
    assert.ok(tolerates({ key: 'k', operator: 'Exists' }, taint))
    assert.ok(tolerates({ operator: 'Exists' }, taint))
    assert.ok(!tolerates({ key: 'k', value: 'w' }, taint))
    assert.ok(!tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint))
  })
  it('NoSchedule keeps new pods off but running ones stay; NoExecute evicts', () => {
    assert.deepEqual(nodeShouldRunDaemonPod(ds(), node([{ key: 'x', effect: 'NoSchedule' }])), [false, true])
    assert.deepEqual(nodeShouldRunDaemonPod(ds(), node([{ key: 'x', effect: 'NoExecute' }])), [false, false])
    assert.deepEqual(nodeShouldRunDaemonPod(ds(), node([{ key: 'x', effect: 'PreferNoSchedule' }])), [true, true])
    // The daemon tolerations cover cordoned and not-ready nodes.
    assert.deepEqual(
      nodeShouldRunDaemonPod(ds(), node([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }])),
      [true, true],
    )
    assert.deepEqual(
      nodeShouldRunDaemonPod(ds(), node([{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }])),
      [true, true],
    )
    // network-unavailable only for hostNetwork pods.
    const net = [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]
    assert.deepEqual(nodeShouldRunDaemonPod(ds(), node(net)), [false, true])
    assert.deepEqual(nodeShouldRunDaemonPod(ds({ hostNetwork: true }), node(net)), [true, true])
  })
  it('nodeSelector and required node affinity', () => {
    assert.deepEqual(nodeShouldRunDaemonPod(ds({ nodeSelector: { a: 'b' } }), node([], { a: 'c' })), [false, false])
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z2'] }] }],
        },
      },
    }
    assert.deepEqual(nodeShouldRunDaemonPod(ds({ affinity }), node([], { zone: 'z2' })), [true, true])
    assert.deepEqual(nodeShouldRunDaemonPod(ds({ affinity }), node([], { zone: 'z3' })), [false, false])
  })
})

describe('Endpoints and EndpointSlice formatting', () => {
  it('RepackSubsets groups addresses by the ports they offer, ready and not ready apart', () => {
    const a = { ip: '10.0.0.2', targetRef: { uid: 'a' } }
    const b = { ip: '10.0.0.10', targetRef: { uid: 'b' } }
    const http = { name: 'http', port: 8080, protocol: 'TCP' }
    const subsets = repackSubsets([
      { address: b, ready: true, port: http },
      { address: a, ready: false, port: http },
    ])
    assert.deepEqual(subsets, [{ addresses: [b], notReadyAddresses: [a], ports: [http] }])
    const two = repackSubsets([
      { address: a, ready: true, port: http },
      { address: b, ready: true, port: { name: 'http', port: 9090, protocol: 'TCP' } },
    ])
    assert.equal(two.length, 2)
  })
  it('EndpointSlice PORTS and ENDPOINTS columns', () => {
    assert.equal(formatDiscoveryPorts([]), '<unset>')
    assert.equal(formatDiscoveryPorts([{ port: 80 }, { name: 'x' }, {}]), '80,x,*')
    assert.equal(formatDiscoveryPorts([{ port: 1 }, { port: 2 }, { port: 3 }, { port: 4 }]), '1,2,3 + 1 more...')
    assert.equal(formatDiscoveryEndpoints([]), '<unset>')
    const eps = ['a', 'b', 'c', 'd', 'e'].map((x) => ({ addresses: [x] }))
    assert.equal(formatDiscoveryEndpoints(eps), 'a,b,c + 2 more...')
  })
})

describe('pods and indexes', () => {
  const pod = (
    name: string,
    node: string,
    phase: string,
    ready: boolean,
    created = '2026-01-01T00:00:00Z',
  ): KubeObject => ({
    metadata: { name, uid: name, creationTimestamp: created },
    spec: { nodeName: node },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: created }] },
  })
  it('deletion order: unscheduled, pending, not ready, then doubled-up and newer pods first', () => {
    const pods = [
      pod('ready-old', 'n1', 'Running', true, '2026-01-01T00:00:00Z'),
      pod('ready-new', 'n2', 'Running', true, '2026-01-01T05:00:00Z'),
      pod('notready', 'n1', 'Running', false),
      pod('pending', 'n1', 'Pending', false),
      pod('unscheduled', '', 'Pending', false),
    ]
    const now = Date.parse('2026-01-01T06:00:00Z')
    const sorted = [...pods].sort((a, b) => compareForDeletion(a, b, () => 0, now)).map((p) => p.metadata.name)
    assert.deepEqual(sorted, ['unscheduled', 'pending', 'notready', 'ready-new', 'ready-old'])
  })
  it('slow start: batches of 1, 2, 4, ... stopping after a failing batch', async () => {
    const calls: number[] = []
    let n = 0
    const r = await slowStartBatch(10, async () => {
      calls.push(++n)
      if (n === 5) throw new Error('quota')
    })
    assert.equal(r.attempted, 7)
    assert.ok(r.err)
  })
  it('completed indexes as intervals', () => {
    assert.equal(formatIndexes(new Set([0, 1, 2, 4, 6, 7])), '0-2,4,6-7')
    assert.deepEqual([...parseIndexes('0-2,4', 4)].sort(), [0, 1, 2])
  })
})
