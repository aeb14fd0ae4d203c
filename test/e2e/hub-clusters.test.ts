// Importing simulated member clusters into a real hub: with `flotilla cluster import` (a child
// process) and with kubectl apply of a Secret and a Cluster; phases, version, node and resource
// summaries checked against the members' own nodes and pods; printer columns with real kubectl;
// a member that stops and comes back; delete protection; deleting leaves the member untouched.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { stringify } from 'yaml'
import { parseQuantity } from '../../src/apis/quantity.ts'
import { resources } from '../../src/client/client.ts'
import { type Sim, startSim } from '../../src/sim/index.ts'
import {
  CLUSTERS_PATH,
  clusterEvents,
  getCluster,
  type Obj,
  postJson,
  readyOf,
  runFlotilla,
  waitForCluster,
  waitForPhase,
} from '../helpers/clusters.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { eventually, startTestSim, type TestSim } from '../helpers/sim.ts'

const INTERVAL_MS = 200
const GRACE_MS = 1500

/** What the member itself says: node counts, allocatable and requests of bound, running pods. */
async function memberTotals(sim: Sim) {
  const nodes = (await sim.client.list(resources.nodes, '')).items
  const pods = (await sim.client.list(resources.pods, '')).items
  let cpu = 0
  let memory = 0
  let podsAllocatable = 0
  let ready = 0
  for (const n of nodes) {
    const status = n.status as Obj
    cpu += parseQuantity(status.allocatable.cpu)! * 1000
    memory += parseQuantity(status.allocatable.memory)!
    podsAllocatable += parseQuantity(status.allocatable.pods)!
    if (status.conditions.some((c: Obj) => c.type === 'Ready' && c.status === 'True')) ready++
  }
  let usedCpu = 0
  let usedMemory = 0
  let usedPods = 0
  for (const p of pods) {
    const spec = p.spec as Obj
    const phase = (p.status as Obj)?.phase
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') continue
    usedPods++
    for (const c of spec.containers) {
      usedCpu += (parseQuantity(c.resources?.requests?.cpu) ?? 0) * 1000
      usedMemory += parseQuantity(c.resources?.requests?.memory) ?? 0
    }
  }
  return { total: nodes.length, ready, cpu, memory, podsAllocatable, usedCpu, usedMemory, usedPods }
}

function summaryNumbers(c: Obj) {
  const rs = c.status.resourceSummary
  return {
    total: c.status.nodeSummary.totalNum,
    ready: c.status.nodeSummary.readyNum,
    cpu: parseQuantity(rs.allocatable.cpu)! * 1000,
    memory: parseQuantity(rs.allocatable.memory)!,
    podsAllocatable: parseQuantity(rs.allocatable.pods)!,
    usedCpu: Math.round(parseQuantity(rs.allocated.cpu)! * 1000),
    usedMemory: parseQuantity(rs.allocated.memory)!,
    usedPods: parseQuantity(rs.allocated.pods)!,
  }
}

/** Waits until the hub's summary of `name` equals what the member says. */
async function summariesMatch(hub: TestHub, name: string, sim: Sim): Promise<Obj> {
  let expected: Obj
  return eventually(
    async () => {
      expected = await memberTotals(sim)
      const c = await getCluster(hub, name)
      if (!c?.status?.resourceSummary || !c.status.nodeSummary) return undefined
      try {
        assert.deepEqual(summaryNumbers(c), expected)
        return c
      } catch {
        return undefined
      }
    },
    { timeoutMs: 20_000, what: `summaries of ${name} to match the member` },
  )
}

function webDeployment(replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu: '250m', memory: '128Mi' } } }],
        },
      },
    },
  }
}

describe('hub: importing clusters', () => {
  let hub: TestHub
  let m1: TestSim
  let m2: TestSim
  /** m1 again, after it was stopped and started on the same port and data. */
  let restarted: Sim | undefined
  const binaries = kubectlBinaries()

  before(async () => {
    hub = await startTestHub({ clusterHealthIntervalMs: INTERVAL_MS, clusterGracePeriodMs: GRACE_MS })
    ;[m1, m2] = await Promise.all([
      startTestSim({ name: 'm1', nodes: 2 }),
      startTestSim({ name: 'm2', nodes: 3, node: { cpu: '4', memory: '16Gi' }, kubernetesVersion: 'v1.30.2' }),
    ])
    await m1.client.create(resources.deployments, 'default', webDeployment(2))
    await m2.client.create(resources.deployments, 'default', webDeployment(3))
  })

  after(async () => {
    await hub?.dispose()
    await restarted?.close()
    await m1?.dispose().catch(() => {})
    await m2?.dispose().catch(() => {})
  })

  it('imports a cluster with `flotilla cluster import --wait`', async () => {
    const r = await runFlotilla([
      'cluster',
      'import',
      'm1',
      '--kubeconfig',
      m1.kubeconfig,
      '--hub-kubeconfig',
      hub.adminKubeconfig,
      '--provider',
      'aws',
      '--region',
      'eu-central-1',
      '--zones',
      'eu-central-1a,eu-central-1b',
      '--wait',
    ])
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`)
    assert.match(r.stdout, /Secret flotilla-system\/cluster-m1-kubeconfig created/)
    assert.match(r.stdout, /Cluster m1 is Running \(Kubernetes v1\.31\.4, 2\/2 nodes ready\)/)
    const c = await getCluster(hub, 'm1')
    assert.deepEqual(c.spec, {
      connection: {
        mode: 'Import',
        kubeconfigSecretRef: { namespace: 'flotilla-system', name: 'cluster-m1-kubeconfig', key: 'kubeconfig' },
      },
      provider: 'aws',
      region: 'eu-central-1',
      zones: ['eu-central-1a', 'eu-central-1b'],
    })
    assert.deepEqual(c.metadata.finalizers, ['platform.flotilla.dev/cluster-cleanup'])
    assert.equal(c.status.kubernetesVersion, 'v1.31.4')
    assert.equal(c.status.apiEndpoint, m1.url)
    const ready = readyOf(c)
    assert.equal(ready.status, 'True')
    assert.ok(ready.lastTransitionTime)
    const version = c.status.conditions.find((x: Obj) => x.type === 'VersionSupported')
    assert.equal(version.status, 'True')
    // The hub knows how to reach it.
    assert.equal(hub.members.get('m1')?.server, m1.url)
  })

  it('imports a cluster with kubectl apply of a Secret and a Cluster', { skip: binaries.length === 0 }, async () => {
    const kubectl = new Kubectl(binaries[0], hub.adminKubeconfig)
    const manifest = [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'm2-kubeconfig', namespace: 'flotilla-system' },
        stringData: { kubeconfig: readFileSync(m2.kubeconfig, 'utf8') },
      },
      {
        apiVersion: 'platform.flotilla.dev/v1alpha1',
        kind: 'Cluster',
        metadata: { name: 'm2' },
        spec: {
          connection: { mode: 'Import', kubeconfigSecretRef: { name: 'm2-kubeconfig' } },
          provider: 'on-prem',
          region: 'dc-1',
        },
      },
    ]
      .map((o) => stringify(o))
      .join('---\n')
    await kubectl.ok(['apply', '-f', '-'], { input: manifest })
    const c = await waitForPhase(hub, 'm2', 'Running')
    assert.equal(c.status.kubernetesVersion, 'v1.30.2')
  })

  it('reports node and resource summaries that match the members', async () => {
    await waitForPhase(hub, 'm2', 'Running')
    const c1 = await summariesMatch(hub, 'm1', m1)
    assert.equal(c1.status.nodeSummary.totalNum, 2)
    assert.equal(c1.status.resourceSummary.allocated.pods, '2')
    assert.equal(c1.status.resourceSummary.allocated.cpu, '500m')
    assert.equal(c1.status.resourceSummary.allocated.memory, '256Mi')
    const c2 = await summariesMatch(hub, 'm2', m2)
    assert.equal(c2.status.nodeSummary.totalNum, 3)
    assert.equal(c2.status.resourceSummary.allocatable.cpu, '12')
    assert.equal(c2.status.resourceSummary.allocated.cpu, '750m')
  })

  it('follows scaling in the member, and nodes becoming NotReady', async () => {
    await m1.client.patch(resources.deployments, 'default', 'web', 'merge', { spec: { replicas: 5 } })
    await eventually(async () => (await memberTotals(m1)).usedPods === 5, { what: 'member m1 up to five pods' })
    const c = await summariesMatch(hub, 'm1', m1)
    assert.equal(c.status.resourceSummary.allocated.pods, '5')
    assert.equal(c.status.resourceSummary.allocated.cpu, '1250m')
    await m1.client.patch(resources.deployments, 'default', 'web', 'merge', { spec: { replicas: 1 } })
    // Pods being deleted still occupy their node until the kubelet confirms: wait for that.
    await eventually(async () => (await memberTotals(m1)).usedPods === 1, { what: 'member m1 down to one pod' })
    const down = await summariesMatch(hub, 'm1', m1)
    assert.equal(down.status.resourceSummary.allocated.pods, '1')
    await m2.setNodeReady(m2.nodeNames[0], 'NotReady')
    await waitForCluster(hub, 'm2', (x) => x.status?.nodeSummary?.readyNum === 2, 'readyNum 2')
    await m2.setNodeReady(m2.nodeNames[0], true)
    await waitForCluster(hub, 'm2', (x) => x.status?.nodeSummary?.readyNum === 3, 'readyNum 3')
  })

  it('does not rewrite the status while nothing changes', async () => {
    await summariesMatch(hub, 'm1', m1)
    const before = (await getCluster(hub, 'm1')).metadata.resourceVersion
    // Ten health checks later the stored Cluster is the same.
    await new Promise((r) => setTimeout(r, 10 * INTERVAL_MS))
    assert.equal((await getCluster(hub, 'm1')).metadata.resourceVersion, before)
  })

  for (const bin of binaries) {
    it(`kubectl ${bin.version} get clusters shows the printer columns`, async () => {
      const kubectl = new Kubectl(bin, hub.adminKubeconfig)
      await summariesMatch(hub, 'm1', m1)
      const out = await kubectl.ok(['get', 'clusters'])
      const lines = out.trim().split('\n')
      assert.match(lines[0], /^NAME\s+MODE\s+PROVIDER\s+VERSION\s+STATUS\s+READY\s+CPU\s+AGE$/)
      const m1Row = lines.find((l) => l.startsWith('m1 '))!
      assert.match(m1Row, /^m1\s+Import\s+aws\s+v1\.31\.4\s+Running\s+2\/2\s+0\.25\/16\s+\S+$/)
      assert.match(
        lines.find((l) => l.startsWith('m2 '))!,
        /^m2\s+Import\s+on-prem\s+v1\.30\.2\s+Running\s+3\/3\s+0\.75\/12\s+/,
      )
      const wide = await kubectl.ok(['get', 'fc', '-o', 'wide'])
      assert.match(wide.split('\n')[0], /REGION\s+ZONES$/)
      assert.match(wide, /eu-central-1\s+eu-central-1a,eu-central-1b/)
      const described = await kubectl.ok(['describe', 'cluster', 'm1'])
      assert.match(described, /Importing/)
      assert.match(described, /Connected/)
      assert.match(await kubectl.ok(['explain', 'cluster.spec.connection']), /kubeconfigSecretRef/)
      // Strict field validation knows the schema.
      const bad = await kubectl.run(['apply', '--validate=strict', '-f', '-'], {
        input: stringify({
          apiVersion: 'platform.flotilla.dev/v1alpha1',
          kind: 'Cluster',
          metadata: { name: 'typo' },
          spec: { connection: { mode: 'Import', kubeconfigSecretRef: { name: 'x' } }, provder: 'aws' },
        }),
      })
      assert.notEqual(bad.code, 0)
      assert.match(bad.stderr, /provder/)
    })
  }

  it('a member that stops is Disconnected within the grace period and Running again after a restart', async () => {
    const { dataDir, name } = m1
    const port = Number(new URL(m1.url).port)
    const memberPods = (await m1.client.list(resources.pods, 'default')).items.map((p) => p.metadata.name).sort()
    await m1.close()
    const stoppedAt = Date.now()
    const down = await waitForPhase(hub, 'm1', 'Disconnected', GRACE_MS + 10_000)
    const took = Date.now() - stoppedAt
    // The grace period, plus at most a health-check interval and timeout (and a loaded machine).
    assert.ok(took >= GRACE_MS - INTERVAL_MS, `disconnected after only ${took} ms`)
    assert.ok(took <= GRACE_MS + 4_000, `disconnected only after ${took} ms`)
    const ready = readyOf(down)
    assert.equal(ready.status, 'Unknown')
    assert.equal(ready.reason, 'Unreachable')
    assert.match(ready.message, /ECONNREFUSED/)
    // The last known summaries stay.
    assert.equal(down.status.nodeSummary.totalNum, 2)

    const again = await startSim({ name, dataDir, port, host: '127.0.0.1', nodes: 2 })
    restarted = again
    const back = await waitForPhase(hub, 'm1', 'Running', 20_000)
    assert.equal(readyOf(back).status, 'True')
    // Nothing lost on either side: the member's workload and the hub's Cluster and Secret.
    const pods = (await again.client.list(resources.pods, 'default')).items.map((p) => p.metadata.name).sort()
    assert.deepEqual(pods, memberPods)
    await again.client.get(resources.deployments, 'default', 'web')
    assert.equal((await hub.request('/api/v1/namespaces/flotilla-system/secrets/cluster-m1-kubeconfig')).status, 200)
    await summariesMatch(hub, 'm1', again)
    const reasons = (await clusterEvents(hub, 'm1')).map((e: Obj) => e.reason)
    for (const r of ['Importing', 'Connected', 'Disconnected', 'Reconnected']) {
      assert.ok(reasons.includes(r), `${r} in ${reasons}`)
    }
  })

  it('refuses to delete a protected cluster, with a clear message', async () => {
    const r = await postJson(hub, `${CLUSTERS_PATH}/m2`, { spec: { deleteProtection: true } }, 'PATCH')
    assert.equal(r.status, 200, await r.text())
    const del = await hub.request(`${CLUSTERS_PATH}/m2`, { method: 'DELETE' })
    assert.equal(del.status, 403)
    const st = (await del.json()) as Obj
    assert.equal(st.reason, 'Forbidden')
    assert.equal(st.message, 'cluster m2 has deleteProtection enabled; set spec.deleteProtection to false first')
    // A collection delete is refused too.
    const all = await hub.request(`${CLUSTERS_PATH}?fieldSelector=metadata.name%3Dm2`, { method: 'DELETE' })
    assert.equal(all.status, 403)
    assert.equal((await getCluster(hub, 'm2')).status.phase, 'Running')
    if (binaries.length > 0) {
      const kubectl = new Kubectl(binaries[0], hub.adminKubeconfig)
      const k = await kubectl.run(['delete', 'cluster', 'm2'])
      assert.notEqual(k.code, 0)
      assert.match(k.stderr, /deleteProtection enabled; set spec.deleteProtection to false first/)
    }
  })

  it('deleting an unprotected cluster removes the Secret and the connection, never the member workloads', async () => {
    const r = await postJson(hub, `${CLUSTERS_PATH}/m2`, { spec: { deleteProtection: false } }, 'PATCH')
    assert.equal(r.status, 200)
    const memberBefore = (await m2.client.list(resources.pods, 'default')).items.map((p) => p.metadata.uid).sort()
    const cli = await runFlotilla(['cluster', 'delete', 'm2', '--hub-kubeconfig', hub.adminKubeconfig, '--wait'])
    assert.equal(cli.code, 0, cli.stderr)
    assert.equal(await getCluster(hub, 'm2'), undefined)
    assert.equal((await hub.request('/api/v1/namespaces/flotilla-system/secrets/m2-kubeconfig')).status, 404)
    assert.equal(hub.members.get('m2'), undefined)
    await m2.settle()
    const memberAfter = (await m2.client.list(resources.pods, 'default')).items.map((p) => p.metadata.uid).sort()
    assert.deepEqual(memberAfter, memberBefore)
    const dep = await m2.client.get(resources.deployments, 'default', 'web')
    assert.equal(dep.metadata.deletionTimestamp, undefined)
    // m1 is unaffected.
    assert.equal((await getCluster(hub, 'm1')).status.phase, 'Running')
  })

  it('`flotilla cluster list` prints the table', async () => {
    const r = await runFlotilla(['cluster', 'list', '--hub-kubeconfig', hub.adminKubeconfig, '-o', 'wide'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^NAME\s+MODE\s+PROVIDER\s+VERSION\s+STATUS\s+READY\s+CPU\s+AGE\s+REGION\s+ZONES\n/)
    assert.match(r.stdout, /\nm1\s+Import\s+aws\s+v1\.31\.4\s+Running\s+2\/2/)
  })
})
