// Simulated clusters as kubectl sees them: nodes with leases, scheduling (resources,
// nodeSelector, taints, cordon), pods going Running, CrashLoopBackOff, graceful deletion, the
// NotReady knob, and two sims side by side. Runs with kubectl 1.28 and 1.33 when available.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { arr, rec, str } from '../../src/apis/json.ts'
import { resources } from '../../src/client/client.ts'
import type { KubeObject } from '../../src/machinery/object.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { eventually, startTestSim, type TestSim } from '../helpers/sim.ts'

const bins = kubectlBinaries()

function podYaml(name: string, extra: { annotations?: Record<string, string>; spec?: string } = {}): string {
  const annotations = Object.entries(extra.annotations ?? {})
    .map(([k, v]) => `    ${k}: "${v}"`)
    .join('\n')
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${annotations ? `  annotations:\n${annotations}\n` : ''}spec:
${extra.spec ?? ''}  containers:
  - name: web
    image: nginx:1.27
    resources:
      requests:
        cpu: 100m
        memory: 64Mi
`
}

function condition(obj: KubeObject | undefined, type: string): Record<string, unknown> | undefined {
  return arr(rec(obj?.status).conditions)
    .map(rec)
    .find((c) => c.type === type)
}

async function pod(sim: TestSim, name: string, ns = 'default'): Promise<KubeObject | undefined> {
  try {
    return await sim.client.get(resources.pods, ns, name)
  } catch {
    return undefined
  }
}

async function events(sim: TestSim, name: string, ns = 'default'): Promise<KubeObject[]> {
  const list = await sim.client.list(resources.events, ns, { fieldSelector: `involvedObject.name=${name}` })
  return list.items
}

describe('simulated cluster', () => {
  let sim: TestSim
  before(async () => {
    sim = await startTestSim({
      name: 'core',
      nodes: 3,
      node: { zones: ['zone-a', 'zone-b', 'zone-c'], region: 'region-1', cpu: '4', memory: '8Gi', pods: 20 },
      nodeController: { leaseRenewMs: 500 },
      scheduler: { retryIntervalMs: 200 },
    })
  })
  after(async () => {
    await sim?.dispose()
  })

  it('registers Ready nodes with addresses, capacity, zones and renewing leases', async () => {
    const nodes = await eventually(
      async () => {
        const list = await sim.client.list(resources.nodes, '')
        const ready = list.items.filter((n) => condition(n, 'Ready')?.status === 'True')
        return ready.length === 3 ? list.items : undefined
      },
      { what: '3 Ready nodes' },
    )
    assert.deepEqual(nodes.map((n) => n.metadata.name).sort(), ['core-worker-0', 'core-worker-1', 'core-worker-2'])
    const n0 = nodes.find((n) => n.metadata.name === 'core-worker-0')!
    assert.equal(n0.metadata.labels?.['topology.kubernetes.io/zone'], 'zone-a')
    assert.equal(n0.metadata.labels?.['topology.kubernetes.io/region'], 'region-1')
    assert.equal(n0.metadata.labels?.['kubernetes.io/hostname'], 'core-worker-0')
    const status = rec(n0.status)
    assert.equal(rec(status.capacity).cpu, '4')
    assert.equal(rec(status.allocatable).pods, '20')
    assert.equal(rec(status.nodeInfo).kubeletVersion, 'v1.31.4')
    assert.deepEqual(
      arr(status.conditions).map((c) => `${str(rec(c).type)}=${str(rec(c).status)}`),
      ['NetworkUnavailable=False', 'MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True'],
    )
    assert.match(str(rec(n0.spec).podCIDR), /^10\.244\.\d+\.0\/24$/)
    const lease = await eventually(() => sim.client.get(resources.leases, 'kube-node-lease', 'core-worker-0'))
    assert.equal(lease.metadata.ownerReferences?.[0]?.uid, n0.metadata.uid)
    assert.equal(rec(lease.spec).leaseDurationSeconds, 40)
    const first = str(rec(lease.spec).renewTime)
    await eventually(
      async () => {
        const l = await sim.client.get(resources.leases, 'kube-node-lease', 'core-worker-0')
        return str(rec(l.spec).renewTime) !== first
      },
      { what: 'lease renewal' },
    )
  })

  for (const bin of bins) {
    it(`kubectl ${bin.version}: get nodes -o wide, a pod becomes Running 1/1 with an IP`, async () => {
      const k = new Kubectl(bin, sim.kubeconfig)
      const wide = await k.ok(['get', 'nodes', '-o', 'wide'])
      assert.match(wide, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE/)
      assert.match(wide, /core-worker-0\s+Ready\s+<none>\s+\S+\s+v1\.31\.4\s+172\.18\.0\.2\s+<none>\s+Debian/)
      const name = `web-${bin.version.replace('.', '')}`
      await k.ok(['apply', '-f', '-'], { input: podYaml(name) })
      await k.ok(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=60s'])
      const out = await k.ok(['get', 'pod', name, '-o', 'wide'])
      assert.match(
        out,
        new RegExp(`${name}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+10\\.244\\.\\d+\\.\\d+\\s+core-worker-\\d`),
      )
      const p = await pod(sim, name)
      const cs = rec(arr(rec(p?.status).containerStatuses)[0])
      assert.equal(cs.image, 'docker.io/library/nginx:1.27')
      assert.match(str(cs.containerID), /^containerd:\/\/[0-9a-f]{64}$/)
      assert.equal(rec(p?.status).qosClass, 'Burstable')
      assert.equal(
        arr(rec(p?.status).conditions)
          .map((c) => `${str(rec(c).type)}=${str(rec(c).status)}`)
          .join(','),
        'PodReadyToStartContainers=True,Initialized=True,Ready=True,ContainersReady=True,PodScheduled=True',
      )
      const reasons = (await events(sim, name)).map((e) => str(e.reason))
      for (const r of ['Scheduled', 'Pulled', 'Created', 'Started'])
        assert.ok(reasons.includes(r), `event ${r} in ${reasons}`)
      const describe = await k.ok(['describe', 'node', str(rec(p?.spec).nodeName)])
      assert.match(describe, /Lease:\s+HolderIdentity:\s+core-worker-\d/)
      assert.match(describe, new RegExp(`default\\s+${name}\\s+100m`))
    })
  }

  it('keeps a pod too big for any node Pending with FailedScheduling', async () => {
    const k = new Kubectl(bins[bins.length - 1], sim.kubeconfig)
    const yaml = podYaml('huge').replace('cpu: 100m', 'cpu: "64"')
    await k.ok(['apply', '-f', '-'], { input: yaml })
    const message =
      '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.'
    await eventually(async () => condition(await pod(sim, 'huge'), 'PodScheduled')?.message === message, {
      what: 'Unschedulable condition',
    })
    const p = await pod(sim, 'huge')
    assert.equal(condition(p, 'PodScheduled')?.reason, 'Unschedulable')
    assert.equal(rec(p?.status).phase, 'Pending')
    const describe = await eventually(async () => {
      const d = await k.ok(['describe', 'pod', 'huge'])
      return d.includes('FailedScheduling') ? d : undefined
    })
    assert.match(
      describe,
      /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 3 Insufficient cpu\./,
    )
    assert.match(describe, /PodScheduled\s+False/)
    await k.ok(['delete', 'pod', 'huge', '--wait=true'])
  })

  it('honours nodeSelector and required node affinity', async () => {
    const k = new Kubectl(bins[bins.length - 1], sim.kubeconfig)
    await k.ok(['apply', '-f', '-'], {
      input: podYaml('in-zone-b', { spec: '  nodeSelector:\n    topology.kubernetes.io/zone: zone-b\n' }),
    })
    const affinity = `  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions:
          - key: topology.kubernetes.io/zone
            operator: NotIn
            values: [zone-a, zone-b]
`
    await k.ok(['apply', '-f', '-'], { input: podYaml('not-a-or-b', { spec: affinity }) })
    await k.ok(['apply', '-f', '-'], {
      input: podYaml('nowhere', { spec: '  nodeSelector:\n    disk: ssd\n' }),
    })
    const nodeOf = async (name: string) =>
      eventually(async () => str(rec((await pod(sim, name))?.spec).nodeName), { what: `${name} bound` })
    assert.equal(await nodeOf('in-zone-b'), 'core-worker-1')
    assert.equal(await nodeOf('not-a-or-b'), 'core-worker-2')
    await eventually(
      async () =>
        condition(await pod(sim, 'nowhere'), 'PodScheduled')?.message ===
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
      { what: 'affinity message' },
    )
    // Labelling a node makes room: the pending pod is retried and bound there.
    await k.ok(['label', 'node', 'core-worker-0', 'disk=ssd'])
    assert.equal(await nodeOf('nowhere'), 'core-worker-0')
    await k.ok(['label', 'node', 'core-worker-0', 'disk-'])
    await k.ok(['delete', 'pod', 'in-zone-b', 'not-a-or-b', 'nowhere', '--wait=true'])
  })

  it('honours taints and tolerations, and cordon', async () => {
    const k = new Kubectl(bins[0], sim.kubeconfig)
    await k.ok(['taint', 'node', 'core-worker-2', 'dedicated=gpu:NoSchedule'])
    const pin = '  nodeSelector:\n    kubernetes.io/hostname: core-worker-2\n'
    await k.ok(['apply', '-f', '-'], { input: podYaml('untolerated', { spec: pin }) })
    const tolerate = `${pin}  tolerations:\n  - key: dedicated\n    operator: Equal\n    value: gpu\n    effect: NoSchedule\n`
    await k.ok(['apply', '-f', '-'], { input: podYaml('tolerated', { spec: tolerate }) })
    await eventually(async () => rec((await pod(sim, 'tolerated'))?.spec).nodeName === 'core-worker-2', {
      what: 'tolerating pod bound',
    })
    await eventually(
      async () =>
        str(condition(await pod(sim, 'untolerated'), 'PodScheduled')?.message).startsWith(
          "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector.",
        ),
      { what: 'taint message' },
    )
    await k.ok(['taint', 'node', 'core-worker-2', 'dedicated-'])
    await eventually(async () => rec((await pod(sim, 'untolerated'))?.spec).nodeName === 'core-worker-2', {
      what: 'pod bound after the taint went',
    })

    await k.ok(['cordon', 'core-worker-1'])
    const nodes = await k.ok(['get', 'nodes'])
    assert.match(nodes, /core-worker-1\s+Ready,SchedulingDisabled/)
    await eventually(async () =>
      arr(rec((await sim.client.get(resources.nodes, '', 'core-worker-1')).spec).taints).some(
        (t) => rec(t).key === 'node.kubernetes.io/unschedulable',
      ),
    )
    const onOne = '  nodeSelector:\n    kubernetes.io/hostname: core-worker-1\n'
    await k.ok(['apply', '-f', '-'], { input: podYaml('cordoned', { spec: onOne }) })
    await eventually(
      async () =>
        str(condition(await pod(sim, 'cordoned'), 'PodScheduled')?.message).startsWith(
          "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector.",
        ),
      { what: 'unschedulable message' },
    )
    await k.ok(['uncordon', 'core-worker-1'])
    await eventually(async () => rec((await pod(sim, 'cordoned'))?.status).phase === 'Running', {
      what: 'pod Running after uncordon',
    })
    await k.ok(['delete', 'pod', 'untolerated', 'tolerated', 'cordoned', '--wait=true'])
  })

  it('shows CrashLoopBackOff with growing restarts', async () => {
    const k = new Kubectl(bins[bins.length - 1], sim.kubeconfig)
    await k.ok(['apply', '-f', '-'], {
      input: podYaml('crasher', {
        annotations: {
          'sim.flotilla.dev/fail': 'CrashLoopBackOff',
          'sim.flotilla.dev/run-for': '300ms',
          'sim.flotilla.dev/backoff': '400ms',
        },
      }),
    })
    const seen = new Set<string>()
    let restarts = 0
    await eventually(
      async () => {
        const out = await k.ok(['get', 'pod', 'crasher', '--no-headers'])
        const cols = out.trim().split(/\s+/)
        seen.add(cols[2])
        const n = Number(cols[3])
        assert.ok(n >= restarts, 'restarts never go down')
        restarts = n
        return restarts >= 3 && seen.has('CrashLoopBackOff')
      },
      { what: 'CrashLoopBackOff with 3 restarts', timeoutMs: 60_000, intervalMs: 150 },
    )
    const p = await pod(sim, 'crasher')
    const cs = rec(arr(rec(p?.status).containerStatuses)[0])
    assert.equal(rec(rec(cs.lastState).terminated).reason, 'Error')
    assert.equal(rec(rec(cs.lastState).terminated).exitCode, 1)
    assert.equal(rec(p?.status).phase, 'Running')
    const backoff = (await events(sim, 'crasher')).find((e) => e.reason === 'BackOff')
    assert.equal(backoff?.type, 'Warning')
    assert.match(str(backoff?.message), /^Back-off restarting failed container web in pod crasher_default\(/)
    await k.ok(['delete', 'pod', 'crasher', '--wait=true'])
  })

  it('completes graceful deletion quickly, with a Killing event', async () => {
    const k = new Kubectl(bins[0], sim.kubeconfig)
    await k.ok(['apply', '-f', '-'], { input: podYaml('doomed') })
    await k.ok(['wait', '--for=condition=Ready', 'pod/doomed', '--timeout=60s'])
    const started = Date.now()
    await k.ok(['delete', 'pod', 'doomed'], { timeoutMs: 30_000 })
    assert.ok(Date.now() - started < 20_000, 'deletion did not wait out the 30 s grace period')
    assert.equal(await pod(sim, 'doomed'), undefined)
    const killing = await eventually(async () => (await events(sim, 'doomed')).find((e) => e.reason === 'Killing'))
    assert.equal(killing.message, 'Stopping container web')
    assert.equal(rec(killing.involvedObject).fieldPath, 'spec.containers{web}')
  })

  it('makes a node NotReady with the knob, and recovers', async () => {
    const k = new Kubectl(bins[bins.length - 1], sim.kubeconfig)
    const pin = '  nodeSelector:\n    kubernetes.io/hostname: core-worker-0\n'
    await k.ok(['apply', '-f', '-'], { input: podYaml('on-zero', { spec: pin }) })
    await k.ok(['wait', '--for=condition=Ready', 'pod/on-zero', '--timeout=60s'])
    await k.ok(['annotate', 'node', 'core-worker-0', 'sim.flotilla.dev/not-ready=true'])
    await eventually(async () => / core-worker-0\s+NotReady/.test(` ${await k.ok(['get', 'nodes', '--no-headers'])}`), {
      what: 'NotReady node',
    })
    const node = await sim.client.get(resources.nodes, '', 'core-worker-0')
    assert.equal(condition(node, 'Ready')?.status, 'Unknown')
    assert.equal(condition(node, 'Ready')?.reason, 'NodeStatusUnknown')
    const taints = arr(rec(node.spec).taints).map((t) => `${str(rec(t).key)}:${str(rec(t).effect)}`)
    assert.deepEqual(taints.sort(), [
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/unreachable:NoSchedule',
    ])
    await eventually(async () => condition(await pod(sim, 'on-zero'), 'Ready')?.status === 'False', {
      what: 'pod not Ready',
    })
    // Heartbeats stop: the lease is not renewed any more.
    const lease = await sim.client.get(resources.leases, 'kube-node-lease', 'core-worker-0')
    await new Promise((r) => setTimeout(r, 1500))
    const later = await sim.client.get(resources.leases, 'kube-node-lease', 'core-worker-0')
    assert.equal(rec(later.spec).renewTime, rec(lease.spec).renewTime)
    // A new pod is not placed there.
    await k.ok(['apply', '-f', '-'], { input: podYaml('not-on-zero', { spec: pin }) })
    await eventually(
      async () =>
        str(condition(await pod(sim, 'not-on-zero'), 'PodScheduled')?.message).includes(
          'node(s) had untolerated taint {node.kubernetes.io/unreachable: }',
        ),
      { what: 'unreachable taint message' },
    )

    await k.ok(['annotate', 'node', 'core-worker-0', 'sim.flotilla.dev/not-ready-'])
    await k.ok(['wait', '--for=condition=Ready', 'node/core-worker-0', '--timeout=60s'])
    await k.ok(['wait', '--for=condition=Ready', 'pod/on-zero', '--timeout=60s'])
    await k.ok(['wait', '--for=condition=Ready', 'pod/not-on-zero', '--timeout=60s'])
    const recovered = await sim.client.get(resources.nodes, '', 'core-worker-0')
    assert.deepEqual(arr(rec(recovered.spec).taints), [])
    await k.ok(['delete', 'pod', 'on-zero', 'not-on-zero', '--wait=true'])
  })
})

describe('two simulated clusters in one process', () => {
  let a: TestSim
  let b: TestSim
  before(async () => {
    ;[a, b] = await Promise.all([
      startTestSim({ name: 'east', nodes: 2 }),
      startTestSim({ name: 'west', nodes: 4, kubernetesVersion: 'v1.30.6' }),
    ])
  })
  after(async () => {
    await Promise.all([a?.dispose(), b?.dispose()])
  })

  it('are independent', async () => {
    const bin = bins[bins.length - 1]
    const ka = new Kubectl(bin, a.kubeconfig)
    const kb = new Kubectl(bin, b.kubeconfig)
    await eventually(async () => (await ka.ok(['get', 'nodes', '--no-headers'])).trim().split('\n').length === 2)
    await eventually(async () => (await kb.ok(['get', 'nodes', '--no-headers'])).trim().split('\n').length === 4)
    const nodesB = await kb.ok(['get', 'nodes'])
    assert.match(nodesB, /west-worker-3\s+Ready\s+<none>\s+\S+\s+v1\.30\.6/)
    assert.doesNotMatch(nodesB, /east/)
    await ka.ok(['apply', '-f', '-'], { input: podYaml('only-east') })
    await ka.ok(['wait', '--for=condition=Ready', 'pod/only-east', '--timeout=60s'])
    assert.match(await ka.ok(['get', 'pod', 'only-east', '-o', 'wide']), /east-worker-\d/)
    const inB = await kb.run(['get', 'pod', 'only-east'])
    assert.notEqual(inB.code, 0)
    assert.match(inB.stderr, /NotFound|not found/)
    await kb.ok(['apply', '-f', '-'], { input: podYaml('only-west') })
    await kb.ok(['wait', '--for=condition=Ready', 'pod/only-west', '--timeout=60s'])
    assert.match(await kb.ok(['get', 'pod', 'only-west', '-o', 'wide']), /west-worker-\d/)
    assert.match(await kb.ok(['version', '-o', 'json']), /"gitVersion": "v1\.30\.6"/)
  })
})
