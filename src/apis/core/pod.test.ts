import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { KubeObject } from '../../machinery/object.ts'
import { ago, cell, fields, NOW, object, row } from '../test-helpers.ts'
import { pod, podQOSClass } from './pod.ts'

const running = { running: { startedAt: ago(300) } }

function makePod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}) {
  return object(pod, { spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec }, status }, meta)
}

const statusOf = (p: KubeObject) => cell(pod, 'Status', p)

describe('pod STATUS, READY and RESTARTS (printers.go printPod)', () => {
  it('a running pod', () => {
    const p = makePod(
      {},
      {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }],
      },
    )
    assert.deepEqual(row(pod, p), {
      READY: '1/1',
      STATUS: 'Running',
      RESTARTS: '0',
      AGE: '10m',
      IP: '<none>',
      NODE: '<none>',
      'NOMINATED NODE': '<none>',
      'READINESS GATES': '<none>',
    })
  })

  it('a pending pod without container statuses', () => {
    const p = makePod(
      {
        containers: [
          { name: 'a', image: 'x' },
          { name: 'b', image: 'y' },
        ],
      },
      { phase: 'Pending' },
    )
    assert.equal(cell(pod, 'Ready', p), '0/2')
    assert.equal(statusOf(p), 'Pending')
    assert.equal(cell(pod, 'Restarts', p), '0')
  })

  it('shows the waiting reason (ContainerCreating)', () => {
    const p = makePod(
      {},
      {
        phase: 'Pending',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        ],
      },
    )
    assert.equal(statusOf(p), 'ContainerCreating')
    assert.equal(cell(pod, 'Ready', p), '0/1')
  })

  it('CrashLoopBackOff with restarts and the time of the last one', () => {
    const p = makePod(
      {},
      {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 5,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(200) } },
          },
        ],
      },
    )
    assert.equal(statusOf(p), 'CrashLoopBackOff')
    assert.equal(cell(pod, 'Restarts', p), '5 (3m20s ago)')
  })

  it('Completed and Error from terminated containers', () => {
    const done = makePod(
      {},
      {
        phase: 'Succeeded',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        ],
      },
    )
    assert.equal(statusOf(done), 'Completed')
    assert.equal(cell(pod, 'Ready', done), '0/1')
    const failed = makePod(
      {},
      {
        phase: 'Failed',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } },
        ],
      },
    )
    assert.equal(statusOf(failed), 'Error')
  })

  it('ExitCode:N and Signal:N when the terminated reason is empty', () => {
    const exit = makePod(
      {},
      { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137 } } }] },
    )
    assert.equal(statusOf(exit), 'ExitCode:137')
    const signal = makePod(
      {},
      { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, signal: 9 } } }] },
    )
    assert.equal(statusOf(signal), 'Signal:9')
  })

  it('Init:0/1 while the init container runs', () => {
    const p = makePod(
      { initContainers: [{ name: 'init', image: 'busybox' }] },
      {
        phase: 'Pending',
        conditions: [{ type: 'Initialized', status: 'False' }],
        initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: running }],
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
        ],
      },
    )
    assert.equal(statusOf(p), 'Init:0/1')
    assert.equal(cell(pod, 'Ready', p), '0/1')
  })

  it('Init:0/2 while the first init container waits on PodInitializing, Init:1/2 on the second', () => {
    const spec = {
      initContainers: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'y' },
      ],
    }
    const first = makePod(spec, {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'a', state: { waiting: { reason: 'PodInitializing' } } },
        { name: 'b', state: { waiting: { reason: 'PodInitializing' } } },
      ],
    })
    assert.equal(statusOf(first), 'Init:0/2')
    const second = makePod(spec, {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'b', state: running },
      ],
    })
    assert.equal(statusOf(second), 'Init:1/2')
  })

  it('Init:CrashLoopBackOff and Init:Error, counting init restarts', () => {
    const spec = { initContainers: [{ name: 'init', image: 'busybox' }] }
    const loop = makePod(spec, {
      phase: 'Pending',
      initContainerStatuses: [
        {
          name: 'init',
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } },
        },
      ],
    })
    assert.equal(statusOf(loop), 'Init:CrashLoopBackOff')
    assert.equal(cell(pod, 'Restarts', loop), '3 (30s ago)')
    const error = makePod(spec, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 1, reason: 'Error' } } }],
    })
    assert.equal(statusOf(error), 'Init:Error')
    const exit = makePod(spec, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 2 } } }],
    })
    assert.equal(statusOf(exit), 'Init:ExitCode:2')
  })

  it('Terminating once deletionTimestamp is set, unless the phase is terminal', () => {
    const status = {
      phase: 'Running',
      containerStatuses: [{ name: 'app', ready: true, state: running }],
    }
    assert.equal(statusOf(makePod({}, status, { deletionTimestamp: ago(5) })), 'Terminating')
    const done = {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    }
    assert.equal(statusOf(makePod({}, done, { deletionTimestamp: ago(5) })), 'Completed')
    assert.equal(statusOf(makePod({}, { ...status, reason: 'NodeLost' }, { deletionTimestamp: ago(5) })), 'Unknown')
  })

  it('uses status.reason (Evicted) and SchedulingGated', () => {
    assert.equal(statusOf(makePod({}, { phase: 'Failed', reason: 'Evicted' })), 'Evicted')
    const gated = makePod(
      {},
      { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] },
    )
    assert.equal(statusOf(gated), 'SchedulingGated')
  })

  it('counts ready containers and sidecars (restartable init containers)', () => {
    const p = makePod(
      {
        initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }],
        containers: [
          { name: 'a', image: 'x' },
          { name: 'b', image: 'y' },
        ],
      },
      {
        phase: 'Running',
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'False' },
        ],
        initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 1, state: running }],
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 0, state: running },
          { name: 'b', ready: false, restartCount: 2, state: running },
        ],
      },
    )
    assert.equal(cell(pod, 'Ready', p), '2/3')
    assert.equal(statusOf(p), 'Running')
    assert.equal(cell(pod, 'Restarts', p), '3')
  })

  it('turns Completed back into Running or NotReady while another container runs', () => {
    const status = (ready: string) => ({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready }],
      containerStatuses: [
        { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'b', ready: true, state: running },
      ],
    })
    const spec = {
      containers: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'y' },
      ],
    }
    assert.equal(statusOf(makePod(spec, status('True'))), 'Running')
    assert.equal(statusOf(makePod(spec, status('False'))), 'NotReady')
  })

  it('wide columns: IP, NODE, NOMINATED NODE, READINESS GATES', () => {
    const p = makePod(
      { nodeName: 'node-1', readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/x' }] },
      {
        phase: 'Running',
        podIP: '10.0.0.5',
        podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }],
        nominatedNodeName: 'node-2',
        conditions: [{ type: 'example.com/lb', status: 'True' }],
      },
    )
    assert.equal(cell(pod, 'IP', p), '10.0.0.5')
    assert.equal(cell(pod, 'Node', p), 'node-1')
    assert.equal(cell(pod, 'Nominated Node', p), 'node-2')
    assert.equal(cell(pod, 'Readiness Gates', p), '1/2')
  })
})

describe('pod hooks', () => {
  it('prepareForCreate resets status to Pending with the QoS class, and defaults the spec', () => {
    const p = makePod({}, { phase: 'Running', podIP: '1.2.3.4' })
    pod.prepareForCreate?.(p)
    assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' })
    const spec = p.spec as Record<string, unknown>
    assert.equal(spec.restartPolicy, 'Always')
    assert.equal(spec.schedulerName, 'default-scheduler')
    assert.equal((spec.containers as Record<string, unknown>[])[0].imagePullPolicy, 'Always')
  })

  it('computes the QoS class like qos.GetPodQOS', () => {
    const res = (requests?: object, limits?: object) => ({
      containers: [{ name: 'a', image: 'x', resources: { requests, limits } }],
    })
    assert.equal(podQOSClass(res()), 'BestEffort')
    assert.equal(podQOSClass(res({ cpu: '100m' })), 'Burstable')
    assert.equal(podQOSClass(res({ cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })), 'Guaranteed')
    assert.equal(podQOSClass(res({ cpu: '500m', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })), 'Burstable')
    assert.equal(podQOSClass(res({ cpu: '1000m', memory: '1024Mi' }, { cpu: '1', memory: '1Gi' })), 'Guaranteed')
  })

  it('a pod with limits only is Guaranteed once requests default to the limits', () => {
    const p = makePod(
      { containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] },
      {},
    )
    pod.prepareForCreate?.(p)
    assert.equal((p.status as Record<string, unknown>).qosClass, 'Guaranteed')
  })

  it('adds the SchedulingGated condition for scheduling gates', () => {
    const p = makePod({ schedulingGates: [{ name: 'example.com/wait' }] }, {})
    pod.prepareForCreate?.(p)
    assert.equal(cell(pod, 'Status', p), 'SchedulingGated')
  })

  it('validate requires containers with names and images', () => {
    const errs = (spec: Record<string, unknown>) => pod.validate?.(object(pod, { spec })) ?? []
    assert.deepEqual(fields(errs({ containers: [] })), ['spec.containers'])
    assert.deepEqual(errs({ containers: [] })[0].type, 'FieldValueRequired')
    assert.deepEqual(fields(errs({ containers: [{ name: 'app' }] })), ['spec.containers[0].image'])
    assert.deepEqual(fields(errs({ containers: [{ image: 'x' }] })), ['spec.containers[0].name'])
    const dup = errs({
      containers: [
        { name: 'a', image: 'x' },
        { name: 'a', image: 'y' },
      ],
    })
    assert.deepEqual(fields(dup), ['spec.containers[1].name'])
    assert.equal(dup[0].type, 'FieldValueDuplicate')
    const initDup = errs({ initContainers: [{ name: 'a', image: 'x' }], containers: [{ name: 'a', image: 'y' }] })
    assert.deepEqual(fields(initDup), ['spec.containers[0].name'])
    const bad = errs({ containers: [{ name: 'App_1', image: 'x' }] })
    assert.deepEqual(fields(bad), ['spec.containers[0].name'])
    assert.match(bad[0].detail, /a lowercase RFC 1123 label must consist of/)
    assert.deepEqual(errs({ containers: [{ name: 'app', image: 'nginx' }] }), [])
  })

  it('field selectors read the pod like ToSelectableFields', () => {
    const p = makePod({ nodeName: 'n1', hostNetwork: true }, { phase: 'Running', podIPs: [{ ip: '10.1.1.1' }] })
    assert.equal(pod.fieldSelectors['spec.nodeName'](p), 'n1')
    assert.equal(pod.fieldSelectors['spec.hostNetwork'](p), 'true')
    assert.equal(pod.fieldSelectors['spec.hostNetwork'](makePod({}, {})), 'false')
    assert.equal(pod.fieldSelectors['status.phase'](p), 'Running')
    assert.equal(pod.fieldSelectors['status.podIP'](p), '10.1.1.1')
    assert.equal(pod.fieldSelectors['spec.serviceAccountName'](p), '')
  })

  it('renders a restart time relative to now', () => {
    const p = makePod(
      {},
      {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            ready: true,
            restartCount: 1,
            state: running,
            lastState: { terminated: { finishedAt: ago(7200) } },
          },
        ],
      },
    )
    assert.equal(cell(pod, 'Restarts', p, NOW), '1 (120m ago)')
  })
})
