// Deployments and ReplicaSets end to end: the controllers against a real server, pods run by a
// node agent, rollouts observed from a pod watch and checked with real kubectl.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { resources } from '../../src/client/client.ts'
import type { KubeObject } from '../../src/machinery/object.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { type Cluster, KNOBS, list, podTemplate, startCluster, until } from './workloads-helpers.ts'

let c: Cluster
before(async () => {
  c = await startCluster()
  await c.client.create(resources.namespaces, '', { metadata: { name: 'apps' } })
})
after(async () => {
  await c?.stop()
})

const deployment = (name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: podTemplate({ app: name }), ...extra },
})

async function rolledOut(name: string, ns = 'apps'): Promise<KubeObject> {
  return until(async () => {
    const d = await c.client.get(resources.deployments, ns, name)
    const st = (d.status ?? {}) as Record<string, number>
    const replicas = (d.spec as { replicas: number }).replicas
    const done =
      (st.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
      (st.updatedReplicas ?? 0) === replicas &&
      (st.replicas ?? 0) === replicas &&
      (st.availableReplicas ?? 0) === replicas
    return done ? d : undefined
  }, `deployment ${name} rolled out`)
}

describe('Deployment', () => {
  it('creates a ReplicaSet named after the template hash and reaches availability', async () => {
    await c.client.create(resources.deployments, 'apps', deployment('web', 3))
    const d = await rolledOut('web')
    const rss = await list(c.client, resources.replicasets, 'apps', 'app=web')
    assert.equal(rss.length, 1)
    const rs = rss[0]
    const hash = rs.metadata.labels?.['pod-template-hash'] ?? ''
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/)
    assert.equal(rs.metadata.name, `web-${hash}`)
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '1')
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3')
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4')
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1')
    const pods = await list(c.client, resources.pods, 'apps', 'app=web')
    assert.equal(pods.length, 3)
    for (const p of pods) {
      assert.match(p.metadata.name ?? '', new RegExp(`^web-${hash}-[a-z0-9]{5}$`))
      assert.equal(p.metadata.labels?.['pod-template-hash'], hash)
      assert.deepEqual(p.metadata.ownerReferences?.[0]?.kind, 'ReplicaSet')
    }
    const conds = (d.status as { conditions: { type: string; reason: string; status: string }[] }).conditions
    assert.deepEqual(
      conds.map((x) => [x.type, x.status, x.reason]),
      [
        ['Available', 'True', 'MinimumReplicasAvailable'],
        ['Progressing', 'True', 'NewReplicaSetAvailable'],
      ],
    )
  })
})

/** Watches the pods of a selector and records the extremes a rollout must stay within. */
async function watchPods(ns: string, selector: string) {
  const pods = new Map<string, KubeObject>()
  let maxPods = 0
  let minReady = Number.POSITIVE_INFINITY
  const live = () => [...pods.values()].filter((p) => !p.metadata.deletionTimestamp)
  const ready = (p: KubeObject) =>
    ((p.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []).some(
      (x) => x.type === 'Ready' && x.status === 'True',
    )
  const initial = await c.client.list(resources.pods, ns, { labelSelector: selector })
  for (const p of initial.items) pods.set(p.metadata.name ?? '', p)
  const w = await c.client.watch(
    resources.pods,
    ns,
    { labelSelector: selector, resourceVersion: initial.resourceVersion },
    (ev) => {
      if (ev.type === 'DELETED') pods.delete(ev.object.metadata.name ?? '')
      else if (ev.type === 'ADDED' || ev.type === 'MODIFIED') pods.set(ev.object.metadata.name ?? '', ev.object)
      const l = live()
      maxPods = Math.max(maxPods, l.length)
      minReady = Math.min(minReady, l.filter(ready).length)
    },
  )
  return {
    stop: () => w.stop(),
    get maxPods() {
      return maxPods
    },
    get minReady() {
      return minReady
    },
    live,
  }
}

const setImage = (name: string, image: string) =>
  c.client.patch(resources.deployments, 'apps', name, 'strategic', {
    spec: { template: { spec: { containers: [{ name: 'app', image }] } } },
  })

/** The image of a pod's first container. */
const imageOf = (pod: KubeObject) => (pod.spec as { containers: { image: string }[] }).containers[0]?.image

describe('Deployment rollouts', () => {
  it('RollingUpdate stays within maxSurge and maxUnavailable (25%/25% of 6: surge 2, unavailable 1)', async () => {
    await c.client.create(resources.deployments, 'apps', deployment('roll', 6))
    await rolledOut('roll')
    const w = await watchPods('apps', 'app=roll')
    await setImage('roll', 'nginx:1.28')
    const d = await rolledOut('roll')
    w.stop()
    assert.ok(w.maxPods <= 8, `at most replicas + maxSurge pods, saw ${w.maxPods}`)
    assert.ok(w.minReady >= 5, `at least replicas - maxUnavailable ready pods, saw ${w.minReady}`)
    await until(() => w.live().length === 6 && w.live().every((p) => imageOf(p) === 'nginx:1.28'), 'new pods only')
    const rss = await list(c.client, resources.replicasets, 'apps', 'app=roll')
    assert.equal(rss.length, 2)
    const byRev = Object.fromEntries(
      rss.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs]),
    )
    assert.equal((byRev['1'].spec as { replicas: number }).replicas, 0)
    assert.equal((byRev['2'].spec as { replicas: number }).replicas, 6)
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '2')
  })

  it('maxSurge 0 / maxUnavailable 2 and percentages round as Kubernetes does', async () => {
    await c.client.create(
      resources.deployments,
      'apps',
      deployment('nosurge', 5, {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '40%' } },
      }),
    )
    await rolledOut('nosurge')
    const w = await watchPods('apps', 'app=nosurge')
    await setImage('nosurge', 'nginx:1.28')
    await rolledOut('nosurge')
    w.stop()
    assert.ok(w.maxPods <= 5, `maxSurge 0: never more than 5 pods, saw ${w.maxPods}`)
    assert.ok(w.minReady >= 3, `40% of 5 rounds down to 2 unavailable, saw ${w.minReady} ready`)
  })

  it('rollout undo (as kubectl does it) reuses the old ReplicaSet with the next revision', async () => {
    const rss = await list(c.client, resources.replicasets, 'apps', 'app=roll')
    const rev1 = rss.find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '1')!
    const template = structuredClone(
      rev1.spec as { template: { metadata: { labels: Record<string, string> } } },
    ).template
    delete template.metadata.labels['pod-template-hash']
    // kubectl rollout undo: a JSON patch replacing the template (and annotations).
    await c.client.patch(resources.deployments, 'apps', 'roll', 'json', [
      {
        op: 'replace',
        path: '/spec/template',
        value: { ...template, metadata: { ...template.metadata, creationTimestamp: null } },
      },
    ])
    const d = await rolledOut('roll')
    const after = await list(c.client, resources.replicasets, 'apps', 'app=roll')
    assert.equal(after.length, 2, 'no third ReplicaSet')
    const reused = after.find((rs) => rs.metadata.uid === rev1.metadata.uid)!
    assert.equal(reused.metadata.annotations?.['deployment.kubernetes.io/revision'], '3')
    assert.equal(reused.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1')
    assert.equal((reused.spec as { replicas: number }).replicas, 6)
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '3')
  })

  it('Recreate deletes every old pod before creating new ones', async () => {
    await c.client.create(resources.deployments, 'apps', deployment('recreate', 3, { strategy: { type: 'Recreate' } }))
    await rolledOut('recreate')
    const seen: { old: number; new: number }[] = []
    const w = await watchPods('apps', 'app=recreate')
    const timer = setInterval(() => {
      const l = w.live()
      seen.push({
        old: l.filter((p) => imageOf(p) === 'nginx:1.27').length,
        new: l.filter((p) => imageOf(p) === 'nginx:1.28').length,
      })
    }, 2)
    await setImage('recreate', 'nginx:1.28')
    await rolledOut('recreate')
    clearInterval(timer)
    w.stop()
    assert.ok(!seen.some((s) => s.old > 0 && s.new > 0), 'old and new pods never run together')
    assert.equal(w.live().filter((p) => imageOf(p) === 'nginx:1.28').length, 3)
  })

  it('pause holds template changes; resume rolls them out; scaling while paused is proportional', async () => {
    await c.client.create(resources.deployments, 'apps', deployment('paused', 2))
    await rolledOut('paused')
    await c.client.patch(resources.deployments, 'apps', 'paused', 'merge', { spec: { paused: true } })
    await until(async () => {
      const d = await c.client.get(resources.deployments, 'apps', 'paused')
      const cond = ((d.status as { conditions: { type: string; reason: string }[] }).conditions ?? []).find(
        (x) => x.type === 'Progressing',
      )
      return cond?.reason === 'DeploymentPaused'
    }, 'DeploymentPaused')
    await setImage('paused', 'nginx:1.28')
    await c.client.patch(resources.deployments, 'apps', 'paused', 'merge', { spec: { replicas: 4 } })
    const d = await until(async () => {
      const d = await c.client.get(resources.deployments, 'apps', 'paused')
      const st = d.status as { observedGeneration: number; replicas: number }
      return st.observedGeneration === d.metadata.generation && st.replicas === 4 ? d : undefined
    }, 'paused deployment scaled')
    assert.equal((d.status as { updatedReplicas?: number }).updatedReplicas ?? 0, 0, 'no new ReplicaSet while paused')
    assert.equal((await list(c.client, resources.replicasets, 'apps', 'app=paused')).length, 1)
    await c.client.patch(resources.deployments, 'apps', 'paused', 'merge', { spec: { paused: false } })
    await rolledOut('paused')
    const pods = await list(c.client, resources.pods, 'apps', 'app=paused')
    await until(async () => {
      const live = (await list(c.client, resources.pods, 'apps', 'app=paused')).filter(
        (p) => !p.metadata.deletionTimestamp,
      )
      return live.length === 4 && live.every((p) => imageOf(p) === 'nginx:1.28')
    }, 'resumed rollout')
    assert.ok(pods.length >= 4)
  })

  it('reports ProgressDeadlineExceeded when pods never become available', async () => {
    const stuck = deployment('stuck', 1, { progressDeadlineSeconds: 1 })
    ;(stuck.spec as { template: { metadata: Record<string, unknown> } }).template.metadata.annotations =
      KNOBS.neverReady
    await c.client.create(resources.deployments, 'apps', stuck)
    const d = await until(async () => {
      const d = await c.client.get(resources.deployments, 'apps', 'stuck')
      const cond = (
        (d.status as { conditions?: { type: string; reason: string; status: string }[] }).conditions ?? []
      ).find((x) => x.type === 'Progressing')
      return cond?.reason === 'ProgressDeadlineExceeded' ? d : undefined
    }, 'ProgressDeadlineExceeded')
    const conds = (d.status as { conditions: { type: string; status: string; reason: string; message: string }[] })
      .conditions
    const avail = conds.find((x) => x.type === 'Available')!
    assert.deepEqual([avail.status, avail.reason], ['False', 'MinimumReplicasUnavailable'])
    const prog = conds.find((x) => x.type === 'Progressing')!
    assert.equal(prog.status, 'False')
    assert.match(prog.message, /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/)
  })
})

for (const bin of kubectlBinaries()) {
  describe(`kubectl ${bin.version}: Deployment scenario`, () => {
    it('create --replicas=6, rollout status, set image within surge/unavailability, history, undo', async () => {
      const k = new Kubectl(bin, c.server.kubeconfig)
      const name = `k${bin.version.replace('.', '')}`
      await k.ok(['create', 'deployment', name, '--image=nginx:1.27', '--replicas=6', '-n', 'apps'])
      const status = await k.ok(['rollout', 'status', `deployment/${name}`, '-n', 'apps', '--timeout=60s'])
      assert.match(status, new RegExp(`deployment "${name}" successfully rolled out`))
      const w = await watchPods('apps', `app=${name}`)
      await k.ok(['set', 'image', `deployment/${name}`, 'nginx=nginx:1.28', '-n', 'apps'])
      await k.ok(['rollout', 'status', `deployment/${name}`, '-n', 'apps', '--timeout=60s'])
      w.stop()
      assert.ok(w.maxPods <= 8, `replicas + maxSurge = 8, saw ${w.maxPods}`)
      assert.ok(w.minReady >= 5, `replicas - maxUnavailable = 5, saw ${w.minReady}`)
      const history = await k.ok(['rollout', 'history', `deployment/${name}`, '-n', 'apps'])
      assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/)
      const undo = await k.ok(['rollout', 'undo', `deployment/${name}`, '-n', 'apps'])
      assert.match(undo, /rolled back/)
      await k.ok(['rollout', 'status', `deployment/${name}`, '-n', 'apps', '--timeout=60s'])
      const after = await k.ok(['rollout', 'history', `deployment/${name}`, '-n', 'apps'])
      assert.match(after, /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/)
      const d = await c.client.get(resources.deployments, 'apps', name)
      assert.equal(
        (d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image,
        'nginx:1.27',
      )
      assert.equal((await list(c.client, resources.replicasets, 'apps', `app=${name}`)).length, 2)
      const table = await k.ok(['get', 'deploy', name, '-n', 'apps'])
      assert.match(table, new RegExp(`${name}\\s+6/6\\s+6\\s+6\\s+`))
      // Pause and resume through kubectl.
      await k.ok(['rollout', 'pause', `deployment/${name}`, '-n', 'apps'])
      await k.ok(['set', 'image', `deployment/${name}`, 'nginx=nginx:1.29', '-n', 'apps'])
      await new Promise((r) => setTimeout(r, 200))
      assert.equal(
        (await list(c.client, resources.replicasets, 'apps', `app=${name}`)).length,
        2,
        'paused: no new ReplicaSet',
      )
      await k.ok(['rollout', 'resume', `deployment/${name}`, '-n', 'apps'])
      await k.ok(['rollout', 'status', `deployment/${name}`, '-n', 'apps', '--timeout=60s'])
      assert.equal((await list(c.client, resources.replicasets, 'apps', `app=${name}`)).length, 3)
    })
  })
}
