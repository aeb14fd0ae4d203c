// StatefulSets end to end: ordered creation with stable identities and claims, scale down from
// the highest ordinal, partitioned rolling updates in reverse ordinal order, OnDelete, and the
// ControllerRevision history.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { resources } from '../../src/client/client.ts'
import type { KubeObject } from '../../src/machinery/object.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { type Cluster, list, podTemplate, startCluster, until } from './workloads-helpers.ts'

let c: Cluster
before(async () => {
  c = await startCluster()
  await c.client.create(resources.namespaces, '', { metadata: { name: 'db' } })
})
after(async () => {
  await c?.stop()
})

const sts = (name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name },
  spec: {
    replicas,
    serviceName: name,
    selector: { matchLabels: { app: name } },
    template: podTemplate({ app: name }),
    volumeClaimTemplates: [
      {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    ],
    ...extra,
  },
})

const ready = (p: KubeObject) =>
  ((p.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []).some(
    (x) => x.type === 'Ready' && x.status === 'True',
  )

async function settled(name: string): Promise<KubeObject> {
  return until(async () => {
    const s = await c.client.get(resources.statefulsets, 'db', name)
    const st = (s.status ?? {}) as Record<string, unknown>
    const r = (s.spec as { replicas: number }).replicas
    return st.observedGeneration === s.metadata.generation &&
      st.readyReplicas === (r || undefined) &&
      st.updatedReplicas === (r || undefined) &&
      st.currentRevision === st.updateRevision &&
      st.replicas === r
      ? s
      : undefined
  }, `statefulset ${name} settled`)
}

describe('StatefulSet', () => {
  it('creates pods in ordinal order, each after the previous is Running and Ready, with claims', async () => {
    const order: string[] = []
    const seen = new Map<string, KubeObject>()
    const violations: string[] = []
    const w = await c.client.watch(resources.pods, 'db', { labelSelector: 'app=web' }, (ev) => {
      const name = ev.object.metadata.name ?? ''
      if (ev.type === 'ADDED') {
        order.push(name)
        // When a pod is created, the previous ordinal must already be Running and Ready.
        const k = Number(name.split('-')[1])
        const prev = seen.get(`web-${k - 1}`)
        if (k > 0 && !(prev && ready(prev))) violations.push(name)
      }
      seen.set(name, ev.object)
    })
    await c.client.create(resources.statefulsets, 'db', sts('web', 3))
    const s = await settled('web')
    w.stop()
    assert.deepEqual(order, ['web-0', 'web-1', 'web-2'])
    assert.deepEqual(violations, [])
    const pods = await list(c.client, resources.pods, 'db', 'app=web')
    for (const p of pods) {
      const name = p.metadata.name ?? ''
      const ordinal = name.split('-')[1]
      assert.equal(p.metadata.labels?.['statefulset.kubernetes.io/pod-name'], name)
      assert.equal(p.metadata.labels?.['apps.kubernetes.io/pod-index'], ordinal)
      assert.equal(
        p.metadata.labels?.['controller-revision-hash'],
        (s.status as { updateRevision: string }).updateRevision,
      )
      const spec = p.spec as {
        hostname: string
        subdomain: string
        volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[]
      }
      assert.equal(spec.hostname, name)
      assert.equal(spec.subdomain, 'web')
      assert.equal(spec.volumes[0].persistentVolumeClaim?.claimName, `data-${name}`)
      assert.ok(ready(p))
    }
    const pvcs = await list(c.client, resources.persistentvolumeclaims, 'db')
    assert.deepEqual(pvcs.map((x) => x.metadata.name).sort(), ['data-web-0', 'data-web-1', 'data-web-2'])
    assert.equal(pvcs[0].metadata.labels?.app, 'web')
    const st = s.status as Record<string, unknown>
    assert.equal(st.availableReplicas, 3)
    assert.equal(st.collisionCount, 0)
    assert.match(String(st.currentRevision), /^web-[a-z0-9]+$/)
    const crs = await list(c.client, resources.controllerrevisions, 'db')
    assert.equal(crs.length, 1)
    assert.equal(crs[0].metadata.name, st.currentRevision)
    assert.equal(crs[0].revision, 1)
  })

  it('scales down from the highest ordinal and keeps the claims', async () => {
    await c.client.patch(resources.statefulsets, 'db', 'web', 'merge', { spec: { replicas: 1 } })
    await settled('web')
    await until(async () => (await list(c.client, resources.pods, 'db', 'app=web')).length === 1, 'one pod left')
    const pods = await list(c.client, resources.pods, 'db', 'app=web')
    assert.equal(pods[0].metadata.name, 'web-0')
    assert.equal((await list(c.client, resources.persistentvolumeclaims, 'db')).length, 3)
    await c.client.patch(resources.statefulsets, 'db', 'web', 'merge', { spec: { replicas: 3 } })
    await settled('web')
  })

  it('rolls updates in reverse ordinal order above the partition', async () => {
    await c.client.patch(resources.statefulsets, 'db', 'web', 'merge', {
      spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } },
    })
    const deleted: string[] = []
    const w = await c.client.watch(resources.pods, 'db', { labelSelector: 'app=web' }, (ev) => {
      if (ev.type === 'DELETED') deleted.push(ev.object.metadata.name ?? '')
    })
    await c.client.patch(resources.statefulsets, 'db', 'web', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } },
    })
    const s = await until(async () => {
      const s = await c.client.get(resources.statefulsets, 'db', 'web')
      const st = s.status as Record<string, unknown>
      return st.updatedReplicas === 2 && st.readyReplicas === 3 && st.observedGeneration === s.metadata.generation
        ? s
        : undefined
    }, 'partitioned update')
    w.stop()
    assert.deepEqual(deleted, ['web-2', 'web-1'])
    const st = s.status as Record<string, unknown>
    assert.notEqual(st.currentRevision, st.updateRevision)
    assert.equal(st.currentReplicas, 1)
    const images = Object.fromEntries(
      (await list(c.client, resources.pods, 'db', 'app=web')).map((p) => [
        p.metadata.name,
        (p.spec as { containers: { image: string }[] }).containers[0].image,
      ]),
    )
    assert.deepEqual(images, { 'web-0': 'nginx:1.27', 'web-1': 'nginx:1.28', 'web-2': 'nginx:1.28' })
    // Partition 0 finishes the rollout and the current revision catches up.
    await c.client.patch(resources.statefulsets, 'db', 'web', 'merge', {
      spec: { updateStrategy: { rollingUpdate: { partition: 0 } } },
    })
    const done = await settled('web')
    assert.equal((done.status as Record<string, unknown>).currentReplicas, 3)
    assert.equal((await list(c.client, resources.controllerrevisions, 'db')).length, 2)
  })

  it('rolling back to an earlier template reuses its revision with the next number', async () => {
    const before = await list(c.client, resources.controllerrevisions, 'db')
    const first = before.find((r) => r.revision === 1)!
    await c.client.patch(resources.statefulsets, 'db', 'web', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
    })
    const s = await settled('web')
    assert.equal((s.status as Record<string, unknown>).updateRevision, first.metadata.name)
    const crs = await list(c.client, resources.controllerrevisions, 'db')
    assert.equal(crs.length, 2)
    assert.equal(crs.find((r) => r.metadata.name === first.metadata.name)?.revision, 3)
  })

  it('OnDelete waits for pods to be deleted; Parallel creates all at once', async () => {
    await c.client.create(
      resources.statefulsets,
      'db',
      sts('par', 3, {
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'OnDelete' },
        volumeClaimTemplates: [],
      }),
    )
    await settled('par')
    await c.client.patch(resources.statefulsets, 'db', 'par', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } },
    })
    await until(async () => {
      const s = await c.client.get(resources.statefulsets, 'db', 'par')
      return (s.status as Record<string, unknown>).observedGeneration === s.metadata.generation
    }, 'observed')
    await new Promise((r) => setTimeout(r, 200))
    let pods = await list(c.client, resources.pods, 'db', 'app=par')
    assert.ok(pods.every((p) => (p.spec as { containers: { image: string }[] }).containers[0].image === 'nginx:1.27'))
    await c.client.delete(resources.pods, 'db', 'par-1')
    await until(async () => {
      pods = await list(c.client, resources.pods, 'db', 'app=par')
      const p1 = pods.find((p) => p.metadata.name === 'par-1')
      return (
        p1 &&
        !p1.metadata.deletionTimestamp &&
        (p1.spec as { containers: { image: string }[] }).containers[0].image === 'nginx:1.28'
      )
    }, 'par-1 recreated at the update revision')
  })
})

for (const bin of kubectlBinaries()) {
  describe(`kubectl ${bin.version}: StatefulSet rollout`, () => {
    it('rollout status, history and undo through ControllerRevisions', async () => {
      const k = new Kubectl(bin, c.server.kubeconfig)
      const name = `k${bin.version.replace('.', '')}`
      await c.client.create(resources.statefulsets, 'db', sts(name, 2, { volumeClaimTemplates: [] }))
      await k.ok(['rollout', 'status', `statefulset/${name}`, '-n', 'db', '--timeout=60s'])
      await k.ok(['set', 'image', `statefulset/${name}`, 'app=nginx:1.28', '-n', 'db'])
      // With the defaulted partition 0, kubectl reports a partitioned roll out (as on any cluster).
      const status = await k.ok(['rollout', 'status', `statefulset/${name}`, '-n', 'db', '--timeout=60s'])
      assert.match(status, /partitioned roll out complete: 2 new pods have been updated/)
      const history = await k.ok(['rollout', 'history', `statefulset/${name}`, '-n', 'db'])
      assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/)
      await k.ok(['rollout', 'undo', `statefulset/${name}`, '-n', 'db'])
      await k.ok(['rollout', 'status', `statefulset/${name}`, '-n', 'db', '--timeout=60s'])
      const s = await settled(name)
      assert.equal(
        (s.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image,
        'nginx:1.27',
      )
      const after = await k.ok(['rollout', 'history', `statefulset/${name}`, '-n', 'db'])
      assert.match(after, /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/)
      const table = await k.ok(['get', 'sts', name, '-n', 'db'])
      assert.match(table, new RegExp(`${name}\\s+2/2\\s+`))
    })
  })
}
