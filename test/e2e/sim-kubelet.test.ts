// The simulated kubelet's pod lifecycles and knobs: Job-style completion and failure,
// ImagePullBackOff, readiness delay, init containers, grace periods, taint-based eviction,
// nodes created with kubectl, restarts on the same data, and an injected clock.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { arr, type Json, rec, str } from '../../src/apis/json.ts'
import { resources } from '../../src/client/client.ts'
import type { KubeObject } from '../../src/machinery/object.ts'
import { FakeClock } from '../../src/util/clock.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { eventually, startTestSim, type TestSim } from '../helpers/sim.ts'

const bins = kubectlBinaries()

function podObject(name: string, opts: { annotations?: Record<string, string>; spec?: Json } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, annotations: opts.annotations },
    spec: {
      containers: [{ name: 'main', image: 'busybox:1.36', resources: { requests: { cpu: '50m' } } }],
      ...opts.spec,
    },
  }
}

function cond(p: KubeObject | undefined, type: string): Json | undefined {
  return arr(rec(p?.status).conditions)
    .map(rec)
    .find((c) => c.type === type)
}

function mainStatus(p: KubeObject | undefined, i = 0): Json {
  return rec(arr(rec(p?.status).containerStatuses)[i])
}

describe('simulated kubelet', () => {
  let sim: TestSim
  const get = async (name: string) => {
    try {
      return await sim.client.get(resources.pods, 'default', name)
    } catch {
      return undefined
    }
  }
  const phase = async (name: string) => str(rec((await get(name))?.status).phase)
  before(async () => {
    sim = await startTestSim({ name: 'kl', nodes: 2, kubelet: { pullMs: 200 } })
  })
  after(async () => {
    await sim?.dispose()
  })

  it('completes Job-style pods (run-for) and fails them with exit-code', async () => {
    await sim.client.create(
      resources.pods,
      'default',
      podObject('job-ok', { annotations: { 'sim.flotilla.dev/run-for': '500ms' }, spec: { restartPolicy: 'Never' } }),
    )
    await sim.client.create(
      resources.pods,
      'default',
      podObject('job-bad', {
        annotations: { 'sim.flotilla.dev/run-for': '300ms', 'sim.flotilla.dev/exit-code': '3' },
        spec: { restartPolicy: 'Never' },
      }),
    )
    await eventually(async () => (await phase('job-ok')) === 'Succeeded', { what: 'job-ok Succeeded' })
    await eventually(async () => (await phase('job-bad')) === 'Failed', { what: 'job-bad Failed' })
    const ok = await get('job-ok')
    assert.deepEqual(rec(rec(mainStatus(ok).state).terminated).reason, 'Completed')
    assert.equal(rec(rec(mainStatus(ok).state).terminated).exitCode, 0)
    assert.equal(cond(ok, 'Ready')?.status, 'False')
    assert.equal(cond(ok, 'Ready')?.reason, 'PodCompleted')
    assert.equal(cond(ok, 'PodReadyToStartContainers')?.status, 'False')
    const bad = await get('job-bad')
    assert.equal(rec(rec(mainStatus(bad).state).terminated).reason, 'Error')
    assert.equal(rec(rec(mainStatus(bad).state).terminated).exitCode, 3)
    assert.equal(mainStatus(bad).restartCount, 0)
    if (bins.length > 0) {
      const out = await new Kubectl(bins[0], sim.kubeconfig).ok(['get', 'pods', 'job-ok', 'job-bad', '--no-headers'])
      assert.match(out, /job-ok\s+0\/1\s+Completed\s+0/)
      assert.match(out, /job-bad\s+0\/1\s+Error\s+0/)
    }
  })

  it('shows ErrImagePull then ImagePullBackOff, with Failed and BackOff events', async () => {
    await sim.client.create(
      resources.pods,
      'default',
      podObject('no-image', { annotations: { 'sim.flotilla.dev/fail': 'ImagePullBackOff' } }),
    )
    const reasons = new Set<string>()
    await eventually(
      async () => {
        const p = await get('no-image')
        const w = str(rec(rec(mainStatus(p).state).waiting).reason)
        if (w) reasons.add(w)
        return reasons.has('ErrImagePull') && reasons.has('ImagePullBackOff')
      },
      { what: 'ErrImagePull and ImagePullBackOff', intervalMs: 50 },
    )
    const p = await get('no-image')
    assert.equal(rec(p?.status).phase, 'Pending')
    assert.equal(mainStatus(p).imageID, '')
    // The kubelet records an event after the status write that shows its reason: wait for it.
    let events: string[] = []
    await eventually(
      async () => {
        events = (
          await sim.client.list(resources.events, 'default', { fieldSelector: 'involvedObject.name=no-image' })
        ).items.map((e) => `${str(e.type)} ${str(e.reason)} ${str(e.message)}`)
        return events.includes('Warning Failed Error: ImagePullBackOff')
      },
      { what: 'the ImagePullBackOff event', intervalMs: 50 },
    )
    assert.ok(events.includes('Warning Failed Error: ErrImagePull'), events.join('\n'))
    assert.ok(events.includes('Warning Failed Error: ImagePullBackOff'), events.join('\n'))
    assert.ok(events.includes('Normal BackOff Back-off pulling image "busybox:1.36"'), events.join('\n'))
    assert.ok(
      events.some((e) =>
        e.startsWith('Warning Failed Failed to pull image "busybox:1.36": rpc error: code = NotFound'),
      ),
    )
  })

  it('delays readiness with ready-after', async () => {
    await sim.client.create(
      resources.pods,
      'default',
      podObject('slow-ready', { annotations: { 'sim.flotilla.dev/ready-after': '1500ms' } }),
    )
    await eventually(async () => (await phase('slow-ready')) === 'Running', { what: 'Running' })
    const running = await get('slow-ready')
    assert.equal(cond(running, 'Ready')?.status, 'False')
    assert.equal(mainStatus(running).ready, false)
    assert.equal(mainStatus(running).started, true)
    await eventually(async () => cond(await get('slow-ready'), 'Ready')?.status === 'True', { what: 'Ready' })
  })

  it('runs init containers to completion first', async () => {
    await sim.client.create(
      resources.pods,
      'default',
      podObject('with-init', {
        annotations: { 'sim.flotilla.dev/init-run-for': '700ms' },
        spec: { initContainers: [{ name: 'setup', image: 'busybox:1.36' }] },
      }),
    )
    await eventually(async () => cond(await get('with-init'), 'Initialized')?.status === 'False', {
      what: 'initializing',
    })
    const initializing = await get('with-init')
    assert.equal(cond(initializing, 'Initialized')?.message, 'containers with incomplete status: [setup]')
    assert.equal(rec(rec(mainStatus(initializing).state).waiting).reason, 'PodInitializing')
    await eventually(async () => cond(await get('with-init'), 'Ready')?.status === 'True', { what: 'Ready' })
    const p = await get('with-init')
    const init = rec(arr(rec(p?.status).initContainerStatuses)[0])
    assert.equal(rec(rec(init.state).terminated).reason, 'Completed')
    assert.equal(init.ready, true)
  })

  it('honours the grace period when asked, killing at its end', async () => {
    await sim.client.create(
      resources.pods,
      'default',
      podObject('stubborn', {
        annotations: { 'sim.flotilla.dev/honor-grace-period': 'true' },
        spec: { terminationGracePeriodSeconds: 2 },
      }),
    )
    await eventually(async () => cond(await get('stubborn'), 'Ready')?.status === 'True', { what: 'Ready' })
    const t0 = Date.now()
    await sim.client.delete(resources.pods, 'default', 'stubborn')
    const terminating = await get('stubborn')
    assert.ok(terminating?.metadata.deletionTimestamp)
    await eventually(async () => (await get('stubborn')) === undefined, { what: 'deleted', timeoutMs: 30_000 })
    assert.ok(Date.now() - t0 >= 1500, `took ${Date.now() - t0} ms, expected about the 2 s grace period`)
  })

  it('evicts pods from a node with an untolerated NoExecute taint, honouring tolerationSeconds', async () => {
    const pin = { nodeSelector: { 'kubernetes.io/hostname': 'kl-worker-1' } }
    await sim.client.create(resources.pods, 'default', podObject('evict-now', { spec: pin }))
    await sim.client.create(
      resources.pods,
      'default',
      podObject('evict-later', {
        spec: {
          ...pin,
          tolerations: [{ key: 'maintenance', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }],
        },
      }),
    )
    await sim.client.create(
      resources.pods,
      'default',
      podObject('stays', {
        spec: { ...pin, tolerations: [{ key: 'maintenance', operator: 'Exists', effect: 'NoExecute' }] },
      }),
    )
    for (const n of ['evict-now', 'evict-later', 'stays']) {
      await eventually(async () => cond(await get(n), 'Ready')?.status === 'True', { what: `${n} Ready` })
    }
    const node = await sim.client.get(resources.nodes, '', 'kl-worker-1')
    await sim.client.patch(resources.nodes, '', 'kl-worker-1', 'merge', {
      spec: { taints: [...arr(rec(node.spec).taints), { key: 'maintenance', effect: 'NoExecute' }] },
    })
    const t0 = Date.now()
    await eventually(async () => (await get('evict-now')) === undefined, { what: 'evict-now gone' })
    assert.ok(await get('evict-later'), 'evict-later tolerates the taint for 2 s')
    await eventually(async () => (await get('evict-later')) === undefined, { what: 'evict-later gone' })
    assert.ok(Date.now() - t0 >= 1500)
    assert.ok(await get('stays'))
    const ev = (
      await sim.client.list(resources.events, 'default', { fieldSelector: 'involvedObject.name=evict-now' })
    ).items.find((e) => e.reason === 'TaintManagerEviction')
    assert.equal(ev?.message, 'Marking for deletion Pod default/evict-now')
    await sim.client.patch(resources.nodes, '', 'kl-worker-1', 'merge', { spec: { taints: null } })
    await sim.client.delete(resources.pods, 'default', 'stays')
  })

  it('manages nodes created with kubectl (capacity annotation) and schedules onto them', async () => {
    const k = new Kubectl(bins[bins.length - 1], sim.kubeconfig)
    await k.ok(['apply', '-f', '-'], {
      input: `apiVersion: v1
kind: Node
metadata:
  name: extra-big
  labels:
    kubernetes.io/hostname: extra-big
    size: huge
  annotations:
    sim.flotilla.dev/capacity: cpu=96,memory=512Gi,pods=50
`,
    })
    await k.ok(['wait', '--for=condition=Ready', 'node/extra-big', '--timeout=60s'])
    const node = await sim.client.get(resources.nodes, '', 'extra-big')
    assert.equal(rec(rec(node.status).capacity).cpu, '96')
    assert.match(str(rec(node.spec).podCIDR), /^10\.244\.\d+\.0\/24$/)
    await sim.client.create(
      resources.pods,
      'default',
      podObject('needs-big', {
        spec: {
          nodeSelector: { size: 'huge' },
          containers: [{ name: 'main', image: 'busybox:1.36', resources: { requests: { cpu: '80' } } }],
        },
      }),
    )
    await eventually(async () => (await phase('needs-big')) === 'Running', { what: 'needs-big Running' })
    assert.equal(rec((await get('needs-big'))?.spec).nodeName, 'extra-big')
    await sim.client.delete(resources.pods, 'default', 'needs-big')
  })
})

describe('simulated cluster restarts on its data', () => {
  it('keeps nodes and running pods (same IPs, no restarts)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-sim-restart-'))
    try {
      let sim = await startTestSim({ name: 'again', nodes: 2, dataDir })
      await sim.client.create(resources.pods, 'default', podObject('survivor'))
      const before = await eventually(async () => {
        const p = await sim.client.get(resources.pods, 'default', 'survivor')
        return cond(p, 'Ready')?.status === 'True' ? p : undefined
      })
      await sim.close()
      sim = await startTestSim({ name: 'again', nodes: 2, dataDir })
      try {
        const nodes = await sim.client.list(resources.nodes, '')
        assert.equal(nodes.items.length, 2)
        await sim.settle()
        await new Promise((r) => setTimeout(r, 500))
        const after = await sim.client.get(resources.pods, 'default', 'survivor')
        assert.equal(rec(after.status).podIP, rec(before.status).podIP)
        assert.equal(mainStatus(after).restartCount, 0)
        assert.equal(mainStatus(after).containerID, mainStatus(before).containerID)
        assert.equal(cond(after, 'Ready')?.status, 'True')
        // A new pod on the same node gets a different address.
        await sim.client.create(
          resources.pods,
          'default',
          podObject('newcomer', { spec: { nodeName: str(rec(after.spec).nodeName) } }),
        )
        const fresh = await eventually(async () => {
          const p = await sim.client.get(resources.pods, 'default', 'newcomer')
          return rec(p.status).podIP ? p : undefined
        })
        assert.notEqual(rec(fresh.status).podIP, rec(after.status).podIP)
      } finally {
        await sim.close()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('simulated cluster on an injected clock', () => {
  let sim: TestSim
  const clock = new FakeClock(Date.now())
  before(async () => {
    sim = await startTestSim({ name: 'fake', nodes: 1, clock })
  })
  after(async () => {
    await sim?.dispose()
  })

  it('moves pods only as the clock advances', async () => {
    await sim.client.create(
      resources.pods,
      'default',
      podObject('ticking', { annotations: { 'sim.flotilla.dev/run-for': '30s' }, spec: { restartPolicy: 'Never' } }),
    )
    await eventually(async () => rec((await sim.client.get(resources.pods, 'default', 'ticking')).spec).nodeName, {
      what: 'bound',
    })
    await sim.settle()
    assert.equal(rec((await sim.client.get(resources.pods, 'default', 'ticking')).status).phase, 'Pending')
    await clock.advance(1000)
    await eventually(
      async () => rec((await sim.client.get(resources.pods, 'default', 'ticking')).status).phase === 'Running',
    )
    // It started after the sandbox (100 ms) and pull (500 ms) delays and runs for 30 s.
    await clock.advance(28_000)
    await sim.settle()
    assert.equal(rec((await sim.client.get(resources.pods, 'default', 'ticking')).status).phase, 'Running')
    await clock.advance(2_000)
    await eventually(
      async () => rec((await sim.client.get(resources.pods, 'default', 'ticking')).status).phase === 'Succeeded',
    )
  })

  it('deletes the pods of a deleted node after the 40 s quarantine', async () => {
    await sim.client.create(resources.pods, 'default', podObject('stranded'))
    await eventually(async () => rec((await sim.client.get(resources.pods, 'default', 'stranded')).spec).nodeName)
    await sim.settle()
    await clock.advance(1000)
    await eventually(
      async () => rec((await sim.client.get(resources.pods, 'default', 'stranded')).status).phase === 'Running',
    )
    await sim.client.delete(resources.nodes, '', 'fake-worker-0')
    await sim.settle()
    await clock.advance(39_000)
    await sim.settle()
    assert.ok(await sim.client.get(resources.pods, 'default', 'stranded'))
    await clock.advance(1_000)
    await eventually(async () => {
      try {
        await sim.client.get(resources.pods, 'default', 'stranded')
        return false
      } catch {
        return true
      }
    })
  })
})
