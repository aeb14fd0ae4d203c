// Services end to end: Endpoints and EndpointSlices from the selected pods (named target ports,
// not-ready pods, headless services with hostnames), and PersistentVolume provisioning and
// binding for claims of the default StorageClass.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { resources } from '../../src/client/client.ts'
import { defaultStorageClass } from '../../src/controllers/workloads/index.ts'
import { endpointSlices } from '../../src/controllers/workloads/service/endpointslice.ts'
import type { KubeObject } from '../../src/machinery/object.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { type Cluster, KNOBS, list, podTemplate, startCluster, until } from './workloads-helpers.ts'

let c: Cluster
before(async () => {
  c = await startCluster()
  await c.client.create(resources.namespaces, '', { metadata: { name: 'net' } })
  await c.client.create(resources.storageclasses, '', defaultStorageClass())
})
after(async () => {
  await c?.stop()
})

const service = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, labels: { team: 'web' } },
  spec,
})

type Subset = {
  addresses?: { ip: string; hostname?: string; targetRef: { name: string } }[]
  notReadyAddresses?: { ip: string }[]
  ports?: { name?: string; port: number }[]
}
const subsets = async (name: string) =>
  ((await c.client.get(resources.endpoints, 'net', name)).subsets ?? []) as Subset[]

describe('Endpoints and EndpointSlices', () => {
  it('list ready pod IPs with the named target port resolved', async () => {
    await c.client.create(resources.deployments, 'net', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: podTemplate({ app: 'web' }) },
    })
    await c.client.create(
      resources.services,
      'net',
      service('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }),
    )
    const ss = await until(async () => {
      const s = await subsets('web')
      return s.length === 1 && (s[0].addresses ?? []).length === 3 ? s : undefined
    }, 'three ready addresses')
    assert.deepEqual(ss[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }])
    const pods = await list(c.client, resources.pods, 'net', 'app=web')
    const ips = pods.map((p) => (p.status as { podIP: string }).podIP).sort()
    assert.deepEqual(ss[0].addresses?.map((a) => a.ip).sort(), ips)
    const ep = await c.client.get(resources.endpoints, 'net', 'web')
    assert.equal(ep.metadata.labels?.team, 'web')

    const slices = await until(async () => {
      const s = await list(c.client, endpointSlices, 'net', 'kubernetes.io/service-name=web')
      return s.length === 1 && ((s[0].endpoints as unknown[]) ?? []).length === 3 ? s : undefined
    }, 'slice with three endpoints')
    const slice = slices[0]
    assert.equal(slice.addressType, 'IPv4')
    assert.match(slice.metadata.name ?? '', /^web-[a-z0-9]{5}$/)
    assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io')
    assert.equal(slice.metadata.ownerReferences?.[0]?.kind, 'Service')
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }])
    const e0 = (
      slice.endpoints as { conditions: Record<string, boolean>; targetRef: { kind: string }; nodeName: string }[]
    )[0]
    assert.deepEqual(e0.conditions, { ready: true, serving: true, terminating: false })
    assert.equal(e0.targetRef.kind, 'Pod')
    assert.ok(e0.nodeName)
  })

  it('puts pods that are not ready in notReadyAddresses', async () => {
    await c.client.create(resources.pods, 'net', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'slow', labels: { app: 'web' }, annotations: KNOBS.neverReady },
      spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] },
    })
    const slowIP = await until(
      async () => ((await c.client.get(resources.pods, 'net', 'slow')).status as { podIP?: string })?.podIP,
      'slow pod IP',
    )
    await until(async () => {
      const s = await subsets('web')
      return s.some((x) => (x.notReadyAddresses ?? []).some((a) => a.ip === slowIP))
    }, 'not-ready address')
    const slow = await until(async () => {
      const slice = (await list(c.client, endpointSlices, 'net', 'kubernetes.io/service-name=web'))[0]
      return (slice?.endpoints as { addresses: string[]; conditions: Record<string, boolean> }[] | undefined)?.find(
        (e) => e.addresses[0] === slowIP,
      )
    }, 'slow pod in the slice')
    assert.deepEqual(slow.conditions, { ready: false, serving: false, terminating: false })
    await c.client.delete(resources.pods, 'net', 'slow', { gracePeriodSeconds: 0 })
    await until(async () => !(await subsets('web')).some((x) => (x.notReadyAddresses ?? []).length > 0), 'gone')
  })

  it('headless services list hostnames of pods whose subdomain is the service', async () => {
    await c.client.create(
      resources.services,
      'net',
      service('db', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] }),
    )
    await c.client.create(resources.statefulsets, 'net', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        replicas: 2,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: podTemplate({ app: 'db' }),
      },
    })
    const ss = await until(async () => {
      const s = await subsets('db')
      return s.length === 1 && (s[0].addresses ?? []).length === 2 ? s : undefined
    }, 'two db addresses')
    assert.deepEqual(ss[0].addresses?.map((a) => a.hostname).sort(), ['db-0', 'db-1'])
    assert.deepEqual(ss[0].ports, [{ port: 5432, protocol: 'TCP' }])
    const ep = await c.client.get(resources.endpoints, 'net', 'db')
    assert.equal(ep.metadata.labels?.['service.kubernetes.io/headless'], '')
  })

  it('deleting the service removes its Endpoints', async () => {
    await c.client.create(
      resources.services,
      'net',
      service('tmp', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }),
    )
    await until(async () => (await subsets('tmp')).length === 1, 'tmp endpoints')
    await c.client.delete(resources.services, 'net', 'tmp')
    await until(async () => {
      try {
        await c.client.get(resources.endpoints, 'net', 'tmp')
        return false
      } catch {
        return true
      }
    }, 'endpoints deleted')
  })
})

describe('PersistentVolumes', () => {
  const claim = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, ...spec },
  })
  const bound = (name: string) =>
    until(async () => {
      const pvc = await c.client.get(resources.persistentvolumeclaims, 'net', name)
      return (pvc.status as { phase?: string })?.phase === 'Bound' ? pvc : undefined
    }, `claim ${name} bound`)

  it('a claim without a class gets the default class and a provisioned, bound volume', async () => {
    await c.client.create(resources.persistentvolumeclaims, 'net', claim('data'))
    const pvc = await bound('data')
    const spec = pvc.spec as { storageClassName: string; volumeName: string }
    assert.equal(spec.storageClassName, 'standard')
    assert.equal(spec.volumeName, `pvc-${pvc.metadata.uid}`)
    assert.deepEqual((pvc.status as { capacity: unknown }).capacity, { storage: '2Gi' })
    assert.equal(pvc.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes')
    const pv = await until(async () => {
      const pv = await c.client.get(resources.persistentvolumes, '', spec.volumeName)
      return (pv.status as { phase?: string })?.phase === 'Bound' ? pv : undefined
    }, 'volume bound')
    const pvSpec = pv.spec as Record<string, any>
    assert.equal(pvSpec.claimRef.uid, pvc.metadata.uid)
    assert.equal(pvSpec.persistentVolumeReclaimPolicy, 'Delete')
    assert.equal(pvSpec.storageClassName, 'standard')
    assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'sim.flotilla.dev/hostpath')
  })

  it('reclaim policy Delete deletes the volume with its claim', async () => {
    const pvc = await c.client.get(resources.persistentvolumeclaims, 'net', 'data')
    const pvName = (pvc.spec as { volumeName: string }).volumeName
    await c.client.delete(resources.persistentvolumeclaims, 'net', 'data')
    await until(async () => {
      try {
        await c.client.get(resources.persistentvolumes, '', pvName)
        return false
      } catch {
        return true
      }
    }, 'volume deleted')
  })

  it('WaitForFirstConsumer binds once a pod using the claim is scheduled', async () => {
    await c.client.create(
      resources.storageclasses,
      '',
      defaultStorageClass({ name: 'local', volumeBindingMode: 'WaitForFirstConsumer' }),
    )
    // Only one default class: drop the annotation from the new one.
    await c.client.patch(resources.storageclasses, '', 'local', 'merge', {
      metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': null } },
    })
    await c.client.create(resources.persistentvolumeclaims, 'net', claim('late', { storageClassName: 'local' }))
    await new Promise((r) => setTimeout(r, 200))
    const pending = await c.client.get(resources.persistentvolumeclaims, 'net', 'late')
    assert.equal((pending.status as { phase: string }).phase, 'Pending')
    await c.client.create(resources.pods, 'net', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'user' },
      spec: {
        containers: [{ name: 'app', image: 'nginx' }],
        volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'late' } }],
      },
    })
    const pvc = await bound('late')
    const pod = await c.client.get(resources.pods, 'net', 'user')
    const pv = await c.client.get(resources.persistentvolumes, '', (pvc.spec as { volumeName: string }).volumeName)
    const term = (pv.spec as Record<string, any>).nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0]
    assert.deepEqual(term.values, [(pod.spec as { nodeName: string }).nodeName])
  })

  it('StatefulSet claims are provisioned and bound', async () => {
    await c.client.create(resources.statefulsets, 'net', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'store' },
      spec: {
        replicas: 2,
        serviceName: 'store',
        selector: { matchLabels: { app: 'store' } },
        template: podTemplate({ app: 'store' }),
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
      },
    })
    await bound('data-store-0')
    await bound('data-store-1')
  })
})

for (const bin of kubectlBinaries()) {
  describe(`kubectl ${bin.version}: services and storage`, () => {
    it('get endpoints, endpointslices, pvc and pv', async () => {
      const k = new Kubectl(bin, c.server.kubeconfig)
      const ep = await k.ok(['get', 'endpoints', 'web', '-n', 'net'])
      assert.match(ep, /web\s+10\.244\.\d+\.\d+:8080,10\.244\.\d+\.\d+:8080,10\.244\.\d+\.\d+:8080\s+/)
      const slices = await k.ok(['get', 'endpointslices', '-n', 'net', '-l', 'kubernetes.io/service-name=web'])
      assert.match(slices, /NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE/)
      assert.match(slices, /web-[a-z0-9]{5}\s+IPv4\s+8080\s+10\.244\.\d+\.\d+,10\.244\.\d+\.\d+,10\.244\.\d+\.\d+\s+/)
      const pvc = await k.ok(['get', 'pvc', 'data-store-0', '-n', 'net'])
      assert.match(pvc, /data-store-0\s+Bound\s+pvc-[0-9a-f-]+\s+1Gi\s+RWO\s+standard/)
    })
  })
}
