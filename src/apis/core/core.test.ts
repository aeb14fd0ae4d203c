import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ago, cell, fields, object, row } from '../test-helpers.ts'
import { configMap, secret, serviceAccount } from './config.ts'
import { endpoints } from './endpoints.ts'
import { event } from './event.ts'
import { namespace } from './namespace.ts'
import { node } from './node.ts'
import { limitRange, resourceQuota } from './quota.ts'
import { service } from './service.ts'
import { persistentVolume, persistentVolumeClaim } from './volume.ts'

describe('Service columns (printService)', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) =>
    object(service, { spec: { selector: { app: 'web' }, ...spec }, status })

  it('a ClusterIP service', () => {
    const s = svc({
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ports: [{ port: 80, protocol: 'TCP' }],
    })
    assert.deepEqual(row(service, s), {
      TYPE: 'ClusterIP',
      'CLUSTER-IP': '10.96.0.10',
      'EXTERNAL-IP': '<none>',
      'PORT(S)': '80/TCP',
      AGE: '10m',
      SELECTOR: 'app=web',
    })
  })

  it('NodePort ports, external IPs and several ports', () => {
    const s = svc({
      type: 'NodePort',
      clusterIPs: ['10.96.1.1'],
      externalIPs: ['1.2.3.4'],
      ports: [
        { name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' },
        { name: 'dns', port: 53, protocol: 'UDP' },
      ],
    })
    assert.equal(cell(service, 'Port(s)', s), '80:30080/TCP,53/UDP')
    assert.equal(cell(service, 'External-IP', s), '1.2.3.4')
  })

  it('LoadBalancer: <pending> until the ingress is known, then sorted unique addresses', () => {
    assert.equal(
      cell(service, 'External-IP', svc({ type: 'LoadBalancer', ports: [{ port: 443, protocol: 'TCP' }] })),
      '<pending>',
    )
    const ready = svc(
      { type: 'LoadBalancer' },
      { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }, { ip: '203.0.113.9' }] } },
    )
    assert.equal(cell(service, 'External-IP', ready), '203.0.113.9,lb.example.com')
    const withExternal = svc(
      { type: 'LoadBalancer', externalIPs: ['5.6.7.8'] },
      { loadBalancer: { ingress: [{ ip: '1.1.1.1' }] } },
    )
    assert.equal(cell(service, 'External-IP', withExternal), '1.1.1.1,5.6.7.8')
  })

  it('ExternalName, headless and portless services', () => {
    const ext = svc({ type: 'ExternalName', externalName: 'db.example.com' })
    assert.equal(cell(service, 'External-IP', ext), 'db.example.com')
    assert.equal(cell(service, 'Cluster-IP', ext), '<none>')
    assert.equal(cell(service, 'Port(s)', ext), '<none>')
    const headless = svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] })
    assert.equal(cell(service, 'Cluster-IP', headless), 'None')
    assert.equal(cell(service, 'Selector', svc({ selector: undefined })), '<none>')
  })

  it('prepareForCreate defaults type, protocol and targetPort', () => {
    const s = object(service, { spec: { ports: [{ port: 8080 }] } })
    service.prepareForCreate?.(s)
    const spec = s.spec as Record<string, unknown>
    assert.equal(spec.type, 'ClusterIP')
    assert.equal(spec.sessionAffinity, 'None')
    assert.deepEqual(spec.ports, [{ port: 8080, protocol: 'TCP', targetPort: 8080 }])
  })
})

describe('Service validation', () => {
  const validate = (spec: Record<string, unknown>, name = 'web') => {
    const s = object(service, { spec }, { name })
    service.prepareForCreate?.(s)
    return service.validate?.(s) ?? []
  }

  it('rejects port numbers outside 1-65535', () => {
    const errs = validate({ ports: [{ port: 0 }, { name: 'b', port: 70000 }] })
    assert.ok(fields(errs).includes('spec.ports[0].port'))
    assert.ok(fields(errs).includes('spec.ports[1].port'))
    assert.equal(errs.find((e) => e.field === 'spec.ports[1].port')?.detail, 'must be between 1 and 65535, inclusive')
    assert.deepEqual(fields(validate({ ports: [{ port: 80, targetPort: 0 }] })), ['spec.ports[0].targetPort'])
  })

  it('requires ports (except ExternalName and headless) and names when there are several', () => {
    assert.deepEqual(fields(validate({})), ['spec.ports'])
    assert.deepEqual(fields(validate({ type: 'ExternalName', externalName: 'x.example.com' })), [])
    assert.deepEqual(fields(validate({ clusterIP: 'None' })), [])
    assert.deepEqual(fields(validate({ ports: [{ port: 80 }, { port: 81 }] })), [
      'spec.ports[0].name',
      'spec.ports[1].name',
    ])
    const dup = validate({
      ports: [
        { name: 'a', port: 80 },
        { name: 'a', port: 81 },
      ],
    })
    assert.deepEqual(fields(dup), ['spec.ports[1].name'])
    assert.equal(dup[0].type, 'FieldValueDuplicate')
  })

  it('rejects unknown types and protocols, and names that are not DNS-1035 labels', () => {
    assert.deepEqual(fields(validate({ type: 'Magic', ports: [{ port: 80 }] })), ['spec.type'])
    assert.deepEqual(fields(validate({ ports: [{ port: 80, protocol: 'HTTP' }] })), ['spec.ports[0].protocol'])
    const errs = validate({ ports: [{ port: 80 }] }, '1web')
    assert.deepEqual(fields(errs), ['metadata.name'])
    assert.match(errs[0].detail, /a DNS-1035 label must consist of/)
    assert.deepEqual(validate({ ports: [{ port: 80 }] }), [])
  })
})

describe('Node columns (printNode)', () => {
  const n = (labels: Record<string, string>, spec: Record<string, unknown>, status: Record<string, unknown>) =>
    object(node, { spec, status }, { name: 'node-1', labels })

  it('STATUS, ROLES, VERSION and the wide columns', () => {
    const ready = n(
      {
        'node-role.kubernetes.io/control-plane': '',
        'node-role.kubernetes.io/etcd': 'true',
        'kubernetes.io/role': 'master',
      },
      {},
      {
        conditions: [
          { type: 'MemoryPressure', status: 'False' },
          { type: 'Ready', status: 'True' },
        ],
        addresses: [
          { type: 'Hostname', address: 'node-1' },
          { type: 'InternalIP', address: '192.168.1.10' },
        ],
        nodeInfo: {
          kubeletVersion: 'v1.33.1',
          osImage: 'Ubuntu 24.04 LTS',
          kernelVersion: '6.8.0',
          containerRuntimeVersion: 'containerd://1.7.27',
        },
      },
    )
    assert.deepEqual(row(node, ready), {
      STATUS: 'Ready',
      ROLES: 'control-plane,etcd,master',
      AGE: '10m',
      VERSION: 'v1.33.1',
      'INTERNAL-IP': '192.168.1.10',
      'EXTERNAL-IP': '<none>',
      'OS-IMAGE': 'Ubuntu 24.04 LTS',
      'KERNEL-VERSION': '6.8.0',
      'CONTAINER-RUNTIME': 'containerd://1.7.27',
    })
  })

  it('NotReady,SchedulingDisabled, Unknown and <none> roles', () => {
    const cordoned = n({}, { unschedulable: true }, { conditions: [{ type: 'Ready', status: 'Unknown' }] })
    assert.equal(cell(node, 'Status', cordoned), 'NotReady,SchedulingDisabled')
    assert.equal(cell(node, 'Roles', cordoned), '<none>')
    assert.equal(cell(node, 'OS-Image', cordoned), '<unknown>')
    assert.equal(cell(node, 'Status', n({}, {}, {})), 'Unknown')
    assert.equal(
      cell(node, 'Status', n({}, { unschedulable: true }, { conditions: [{ type: 'Ready', status: 'True' }] })),
      'Ready,SchedulingDisabled',
    )
    assert.equal(node.fieldSelectors['spec.unschedulable'](cordoned), 'true')
    assert.equal(node.fieldSelectors['spec.unschedulable'](n({}, {}, {})), 'false')
  })
})

describe('Event columns (printEvent)', () => {
  const ev = (fields: Record<string, unknown>) =>
    object(event, {
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff',
      message: '  Back-off restarting failed container\n',
      type: 'Warning',
      source: { component: 'kubelet', host: 'node-1' },
      ...fields,
    })

  it('LAST SEEN, TYPE, REASON, OBJECT, MESSAGE and the wide columns', () => {
    const e = ev({ firstTimestamp: ago(3600), lastTimestamp: ago(300), count: 12 })
    assert.deepEqual(row(event, e), {
      'LAST SEEN': '5m',
      TYPE: 'Warning',
      REASON: 'BackOff',
      OBJECT: 'pod/web-1',
      SUBOBJECT: 'spec.containers{app}',
      SOURCE: 'kubelet, node-1',
      MESSAGE: 'Back-off restarting failed container',
      'FIRST SEEN': '60m',
      COUNT: 12,
    })
  })

  it('falls back to eventTime, series and reportingComponent like the new events API', () => {
    const e = ev({
      eventTime: '2024-06-01T11:59:00.000000Z',
      series: { count: 4, lastObservedTime: '2024-06-01T11:59:50.000000Z' },
      source: {},
      reportingComponent: 'kubelet',
      reportingInstance: 'node-2',
    })
    assert.equal(cell(event, 'First Seen', e), '60s')
    assert.equal(cell(event, 'Last Seen', e), '10s')
    assert.equal(cell(event, 'Count', e), 4)
    assert.equal(cell(event, 'Source', e), 'kubelet, node-2')
    const single = ev({ eventTime: ago(20) })
    assert.equal(cell(event, 'Last Seen', single), '20s')
    assert.equal(cell(event, 'Count', single), 1)
    assert.equal(cell(event, 'Last Seen', ev({})), '<unknown>')
    assert.equal(cell(event, 'Object', ev({ involvedObject: { kind: 'Node' } })), 'node')
  })

  it('field selectors include involvedObject.*, reason, source, type and reportingComponent', () => {
    const e = ev({ reportingComponent: 'kubelet' })
    assert.equal(event.fieldSelectors['involvedObject.kind'](e), 'Pod')
    assert.equal(event.fieldSelectors['involvedObject.name'](e), 'web-1')
    assert.equal(event.fieldSelectors['involvedObject.uid'](e), '')
    assert.equal(event.fieldSelectors.reason(e), 'BackOff')
    assert.equal(event.fieldSelectors.source(e), 'kubelet')
    assert.equal(event.fieldSelectors.type(e), 'Warning')
    assert.equal(event.fieldSelectors.reportingComponent(e), 'kubelet')
  })
})

describe('Endpoints, Namespace, ConfigMap, Secret, ServiceAccount', () => {
  it('ENDPOINTS lists up to three addresses', () => {
    const ep = object(endpoints, {
      subsets: [
        { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 8080 }, { port: 9090 }] },
        { addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] },
      ],
    })
    assert.equal(cell(endpoints, 'Endpoints', ep), '10.0.0.1:8080,10.0.0.2:8080,10.0.0.1:9090 + 2 more...')
    const v6 = object(endpoints, { subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }] })
    assert.equal(cell(endpoints, 'Endpoints', v6), '[fd00::1]:80')
    const headless = object(endpoints, { subsets: [{ addresses: [{ ip: '10.0.0.9' }] }] })
    assert.equal(cell(endpoints, 'Endpoints', headless), '10.0.0.9')
    assert.equal(cell(endpoints, 'Endpoints', object(endpoints)), '<none>')
  })

  it('Namespace: Active with the kubernetes finalizer and the name label', () => {
    const ns = object(namespace, { spec: { finalizers: ['example.com/x'] } }, { name: 'team-a' })
    namespace.prepareForCreate?.(ns)
    assert.deepEqual(ns.spec, { finalizers: ['example.com/x', 'kubernetes'] })
    assert.deepEqual(ns.status, { phase: 'Active' })
    assert.equal(ns.metadata.labels?.['kubernetes.io/metadata.name'], 'team-a')
    assert.deepEqual(row(namespace, ns), { STATUS: 'Active', AGE: '10m' })
    assert.equal(namespace.fieldSelectors['status.phase'](ns), 'Active')
    assert.ok(!namespace.verbs.includes('deletecollection'))
  })

  it('Namespace deletion: Terminating while spec.finalizers remain', () => {
    const ns = object(namespace, {}, { name: 'team-b' })
    namespace.prepareForCreate?.(ns)
    assert.equal(namespace.pendingFinalization?.(ns), true)
    namespace.prepareForDelete?.(ns)
    assert.equal(cell(namespace, 'Status', ns), 'Terminating')
    ns.spec = { finalizers: [] }
    assert.equal(namespace.pendingFinalization?.(ns), false)
  })

  it('ConfigMap DATA counts data and binaryData; keys must be config keys', () => {
    const cm = object(configMap, { data: { a: '1', 'b.conf': 'x' }, binaryData: { c: 'AA==' } })
    assert.deepEqual(row(configMap, cm), { DATA: 3, AGE: '10m' })
    assert.deepEqual(configMap.validate?.(cm), [])
    const bad =
      configMap.validate?.(object(configMap, { data: { 'bad key!': 'x', '..x': 'y' }, binaryData: { ok: '' } })) ?? []
    assert.deepEqual(fields(bad), ['data[bad key!]', 'data[..x]'])
    assert.match(bad[0].detail, /a valid config key must consist of alphanumeric characters, '-', '_' or '\.'/)
    assert.equal(bad[1].detail, "must not start with '..'")
    const dup = configMap.validate?.(object(configMap, { data: { k: 'x' }, binaryData: { k: 'eA==' } })) ?? []
    assert.deepEqual(fields(dup), ['data[k]'])
  })

  it('Secret: TYPE, DATA, stringData merged into data, type field selector', () => {
    const s = object(secret, { data: { user: 'YWRtaW4=' }, stringData: { password: 's3cr3t' } })
    secret.prepareForCreate?.(s)
    assert.equal(s.type, 'Opaque')
    assert.deepEqual(s.data, { user: 'YWRtaW4=', password: 'czNjcjN0' })
    assert.equal(s.stringData, undefined)
    assert.deepEqual(row(secret, s), { TYPE: 'Opaque', DATA: 2, AGE: '10m' })
    assert.equal(secret.fieldSelectors.type(s), 'Opaque')
    assert.deepEqual(fields(secret.validate?.(object(secret, { data: { 'a/b': '' } })) ?? []), ['data[a/b]'])
  })

  it('ServiceAccount SECRETS counts references', () => {
    const sa = object(serviceAccount, { secrets: [{ name: 'token' }] })
    assert.deepEqual(row(serviceAccount, sa), { SECRETS: 1, AGE: '10m' })
  })
})

describe('ResourceQuota, LimitRange, PersistentVolume, PersistentVolumeClaim', () => {
  it('REQUEST and LIMIT as "name: used/hard", sorted, limits.* on the right', () => {
    const rq = object(resourceQuota, {
      status: {
        hard: { 'requests.cpu': '2', pods: '10', 'limits.memory': '4Gi', 'limits.cpu': '4' },
        used: { 'requests.cpu': '500m', pods: '3', 'limits.cpu': '1' },
      },
    })
    assert.deepEqual(row(resourceQuota, rq), {
      REQUEST: 'pods: 3/10, requests.cpu: 500m/2',
      LIMIT: 'limits.cpu: 1/4, limits.memory: 0/4Gi',
      AGE: '10m',
    })
  })

  it('LimitRange has the default "Created At" column', () => {
    const lr = object(limitRange, {}, { creationTimestamp: '2024-05-01T00:00:00Z' })
    assert.deepEqual(row(limitRange, lr), { 'CREATED AT': '2024-05-01T00:00:00Z' })
  })

  it('PV columns', () => {
    const pv = object(persistentVolume, {
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteMany', 'ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Delete',
        claimRef: { namespace: 'default', name: 'data' },
        storageClassName: 'standard',
      },
      status: { phase: 'Bound' },
    })
    assert.deepEqual(row(persistentVolume, pv), {
      CAPACITY: '10Gi',
      'ACCESS MODES': 'RWO,RWX',
      'RECLAIM POLICY': 'Delete',
      STATUS: 'Bound',
      CLAIM: 'default/data',
      STORAGECLASS: 'standard',
      VOLUMEATTRIBUTESCLASS: '<unset>',
      REASON: '',
      AGE: '10m',
      VOLUMEMODE: '<unset>',
    })
    const created = object(persistentVolume, { spec: { capacity: { storage: '1Gi' } } })
    persistentVolume.prepareForCreate?.(created)
    assert.equal(cell(persistentVolume, 'Status', created), 'Pending')
    assert.equal(cell(persistentVolume, 'Reclaim Policy', created), 'Retain')
    assert.equal(cell(persistentVolume, 'VolumeMode', created), 'Filesystem')
  })

  it('PVC columns: capacity and access modes only once bound; Terminating; beta class annotation', () => {
    const pending = object(persistentVolumeClaim, {
      spec: { resources: { requests: { storage: '5Gi' } }, storageClassName: 'fast' },
    })
    persistentVolumeClaim.prepareForCreate?.(pending)
    assert.deepEqual(row(persistentVolumeClaim, pending), {
      STATUS: 'Pending',
      VOLUME: '',
      CAPACITY: '',
      'ACCESS MODES': '',
      STORAGECLASS: 'fast',
      VOLUMEATTRIBUTESCLASS: '<unset>',
      AGE: '10m',
      VOLUMEMODE: 'Filesystem',
    })
    const bound = object(
      persistentVolumeClaim,
      {
        spec: { volumeName: 'pv-1', storageClassName: 'fast' },
        status: { phase: 'Bound', capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'] },
      },
      { deletionTimestamp: ago(1), annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } },
    )
    assert.equal(cell(persistentVolumeClaim, 'Status', bound), 'Terminating')
    assert.equal(cell(persistentVolumeClaim, 'Capacity', bound), '5Gi')
    assert.equal(cell(persistentVolumeClaim, 'Access Modes', bound), 'RWO')
    assert.equal(cell(persistentVolumeClaim, 'StorageClass', bound), 'legacy')
  })
})
