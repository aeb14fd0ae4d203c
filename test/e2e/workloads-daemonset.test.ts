// DaemonSets end to end: one pod per eligible node (nodeSelector, taints vs tolerations, the
// controller's own tolerations for cordoned nodes), pods pinned by node affinity, reacting to
// node changes, rolling updates and kubectl rollout history/undo/status.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { resources } from '../../src/client/client.ts'
import type { KubeObject } from '../../src/machinery/object.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { type Cluster, list, podTemplate, startCluster, until } from './workloads-helpers.ts'

let c: Cluster
const node = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  spec,
})

before(async () => {
  c = await startCluster({ nodes: 2 })
  await c.client.create(resources.namespaces, '', { metadata: { name: 'sys' } })
  // The cluster's two nodes are workers; add a dedicated (tainted) node and a cordoned worker.
  for (const n of c.nodes) {
    await c.client.patch(resources.nodes, '', n, 'merge', { metadata: { labels: { role: 'worker' } } })
  }
  await c.client.create(
    resources.nodes,
    '',
    node('gpu-0', { role: 'gpu' }, { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
  )
  await c.client.create(
    resources.nodes,
    '',
    node(
      'cordoned-0',
      { role: 'worker' },
      { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] },
    ),
  )
})
after(async () => {
  await c?.stop()
})

const ds = (name: string, extra: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): KubeObject => {
  const t = podTemplate({ app: name })
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: { selector: { matchLabels: { app: name } }, template: { ...t, spec: { ...t.spec, ...podSpec } }, ...extra },
  }
}

type DSStatus = Record<string, number>

async function settled(name: string, desired: number): Promise<KubeObject> {
  let last: unknown
  return until<KubeObject>(async () => {
    const d = await c.client.get(resources.daemonsets, 'sys', name)
    const st = (d.status ?? {}) as DSStatus
    last = st
    return st.observedGeneration === d.metadata.generation &&
      st.desiredNumberScheduled === desired &&
      st.currentNumberScheduled === desired &&
      st.numberReady === desired &&
      st.updatedNumberScheduled === desired &&
      st.numberAvailable === desired &&
      st.numberMisscheduled === 0
      ? d
      : undefined
  }, `daemonset ${name} on ${desired} nodes`).catch((e) => {
    throw new Error(`${e.message} (last status ${JSON.stringify(last)})`)
  })
}

const nodesOf = async (app: string) =>
  (await list(c.client, resources.pods, 'sys', `app=${app}`))
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => (p.spec as { nodeName: string }).nodeName)
    .sort()

describe('DaemonSet', () => {
  it('runs one pod on every node whose taints it tolerates (cordoned nodes included)', async () => {
    await c.client.create(resources.daemonsets, 'sys', ds('agent'))
    await settled('agent', 3)
    assert.deepEqual(await nodesOf('agent'), ['cordoned-0', ...c.nodes].sort())
    const pod = (await list(c.client, resources.pods, 'sys', 'app=agent'))[0]
    const spec = pod.spec as Record<string, any>
    const term = spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
    assert.deepEqual(term.matchFields[0].key, 'metadata.name')
    assert.deepEqual(
      spec.tolerations.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`),
      [
        'node.kubernetes.io/not-ready:NoExecute',
        'node.kubernetes.io/unreachable:NoExecute',
        'node.kubernetes.io/disk-pressure:NoSchedule',
        'node.kubernetes.io/memory-pressure:NoSchedule',
        'node.kubernetes.io/pid-pressure:NoSchedule',
        'node.kubernetes.io/unschedulable:NoSchedule',
      ],
    )
    assert.ok(pod.metadata.labels?.['controller-revision-hash'])
    assert.equal(pod.metadata.labels?.['pod-template-generation'], '1')
    assert.match(pod.metadata.name ?? '', /^agent-[a-z0-9]{5}$/)
  })

  it('tolerations and nodeSelector choose the nodes', async () => {
    await c.client.create(
      resources.daemonsets,
      'sys',
      ds('gpu', {}, { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }),
    )
    await settled('gpu', 4)
    await c.client.create(resources.daemonsets, 'sys', ds('workers', {}, { nodeSelector: { role: 'worker' } }))
    await settled('workers', 3)
    assert.deepEqual(await nodesOf('workers'), ['cordoned-0', ...c.nodes].sort())
  })

  it('follows node changes: new nodes get a pod, nodes that stop matching lose theirs', async () => {
    await c.client.create(resources.nodes, '', node('extra-0', { role: 'worker' }))
    await settled('workers', 4)
    assert.ok((await nodesOf('workers')).includes('extra-0'))
    await c.client.patch(resources.nodes, '', 'extra-0', 'merge', { metadata: { labels: { role: 'infra' } } })
    await settled('workers', 3)
    await until(async () => !(await nodesOf('workers')).includes('extra-0'), 'pod gone from extra-0')
    await c.client.delete(resources.nodes, '', 'extra-0')
  })

  it('rolls out a new template node by node and keeps ControllerRevisions', async () => {
    await c.client.patch(resources.daemonsets, 'sys', 'agent', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } },
    })
    await until(async () => {
      const pods = (await list(c.client, resources.pods, 'sys', 'app=agent')).filter(
        (p) => !p.metadata.deletionTimestamp,
      )
      return (
        pods.length === 3 &&
        pods.every((p) => (p.spec as { containers: { image: string }[] }).containers[0].image === 'nginx:1.28')
      )
    }, 'new pods everywhere')
    await settled('agent', 3)
    const crs = (await list(c.client, resources.controllerrevisions, 'sys')).filter(
      (r) => r.metadata.ownerReferences?.[0]?.name === 'agent',
    )
    assert.deepEqual(crs.map((r) => r.revision).sort(), [1, 2])
  })
})

describe('DaemonSet surge', () => {
  it('maxSurge 1 / maxUnavailable 0: every node keeps an available pod during the update', async () => {
    await c.client.create(
      resources.daemonsets,
      'sys',
      ds('surge', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }),
    )
    await settled('surge', 3)
    const live = new Map<string, KubeObject>()
    const initial = await c.client.list(resources.pods, 'sys', { labelSelector: 'app=surge' })
    for (const p of initial.items) live.set(p.metadata.name ?? '', p)
    let gaps = 0
    let maxPods = 0
    const ready = (p: KubeObject) =>
      !p.metadata.deletionTimestamp &&
      ((p.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []).some(
        (x) => x.type === 'Ready' && x.status === 'True',
      )
    const w = await c.client.watch(
      resources.pods,
      'sys',
      { labelSelector: 'app=surge', resourceVersion: initial.resourceVersion },
      (ev) => {
        if (ev.type === 'DELETED') live.delete(ev.object.metadata.name ?? '')
        else live.set(ev.object.metadata.name ?? '', ev.object)
        const perNode = new Map<string, number>()
        for (const p of live.values()) {
          const n = (p.spec as { nodeName?: string }).nodeName
          if (n && ready(p)) perNode.set(n, (perNode.get(n) ?? 0) + 1)
        }
        if (perNode.size < 3) gaps++
        maxPods = Math.max(maxPods, [...live.values()].filter((p) => !p.metadata.deletionTimestamp).length)
      },
    )
    await c.client.patch(resources.daemonsets, 'sys', 'surge', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } },
    })
    await until(async () => {
      const pods = (await list(c.client, resources.pods, 'sys', 'app=surge')).filter(
        (p) => !p.metadata.deletionTimestamp,
      )
      return (
        pods.length === 3 &&
        pods.every((p) => (p.spec as { containers: { image: string }[] }).containers[0].image === 'nginx:1.28')
      )
    }, 'surged update done')
    await settled('surge', 3)
    w.stop()
    assert.equal(gaps, 0, 'no node was left without a ready pod')
    assert.ok(maxPods <= 4, `at most one surge pod at a time, saw ${maxPods}`)
  })
})

for (const bin of kubectlBinaries()) {
  describe(`kubectl ${bin.version}: DaemonSet rollout`, () => {
    it('rollout status, history and undo', async () => {
      const k = new Kubectl(bin, c.server.kubeconfig)
      await k.ok(['rollout', 'status', 'daemonset/agent', '-n', 'sys', '--timeout=60s'])
      const history = await k.ok(['rollout', 'history', 'daemonset/agent', '-n', 'sys'])
      assert.match(history, /REVISION\s+CHANGE-CAUSE/)
      const before = (await c.client.get(resources.daemonsets, 'sys', 'agent')).spec as {
        template: { spec: { containers: { image: string }[] } }
      }
      const target = before.template.spec.containers[0].image === 'nginx:1.28' ? 'nginx:1.27' : 'nginx:1.28'
      await k.ok(['rollout', 'undo', 'daemonset/agent', '-n', 'sys'])
      await until(async () => {
        const d = await c.client.get(resources.daemonsets, 'sys', 'agent')
        return (d.spec as typeof before).template.spec.containers[0].image === target
      }, 'template restored')
      await k.ok(['rollout', 'status', 'daemonset/agent', '-n', 'sys', '--timeout=60s'])
      const table = await k.ok(['get', 'ds', 'agent', '-n', 'sys'])
      assert.match(table, /agent\s+3\s+3\s+3\s+3\s+3\s+<none>/)
    })
  })
}
