import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { customResourceDefinition } from './apiextensions/index.ts'
import { horizontalPodAutoscaler } from './autoscaling/index.ts'
import { lease } from './coordination/index.ts'
import { eventsEvent } from './events/index.ts'
import { ingress } from './networking/ingress.ts'
import { networkPolicy } from './networking/networkpolicy.ts'
import { podDisruptionBudget } from './policy/index.ts'
import { clusterRole, clusterRoleBinding, role, roleBinding } from './rbac/index.ts'
import { storageClass } from './storage/index.ts'
import { ago, cell, fields, object, row } from './test-helpers.ts'

describe('HorizontalPodAutoscaler (printHorizontalPodAutoscaler)', () => {
  const hpa = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) =>
    object(horizontalPodAutoscaler, {
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 10, ...spec },
      status,
    })

  it('REFERENCE, TARGETS, MINPODS, MAXPODS, REPLICAS', () => {
    const h = hpa(
      {
        minReplicas: 2,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        ],
      },
      {
        currentReplicas: 3,
        currentMetrics: [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42, averageValue: '210m' } } },
        ],
      },
    )
    assert.deepEqual(row(horizontalPodAutoscaler, h), {
      REFERENCE: 'Deployment/web',
      TARGETS: 'cpu: 42%/50%',
      MINPODS: '2',
      MAXPODS: 10,
      REPLICAS: 3,
      AGE: '10m',
    })
  })

  it('formats every metric type and cuts after two', () => {
    const metrics = [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
      { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '30' } } },
    ]
    assert.equal(
      cell(horizontalPodAutoscaler, 'Targets', hpa({ metrics })),
      'memory: <unknown>/500Mi, <unknown>/10 + 1 more...',
    )
    const withStatus = hpa(
      { metrics: metrics.slice(1) },
      {
        currentMetrics: [
          { type: 'Pods', pods: { current: { averageValue: '7' } } },
          { type: 'External', external: { current: { value: '12' } } },
        ],
      },
    )
    assert.equal(cell(horizontalPodAutoscaler, 'Targets', withStatus), '7/10, 12/30')
    const avg = hpa({ metrics: [{ type: 'Object', object: { target: { type: 'AverageValue', averageValue: '2' } } }] })
    assert.equal(cell(horizontalPodAutoscaler, 'Targets', avg), '<unknown>/2 (avg)')
    const auto = hpa({
      metrics: [{ type: 'ContainerResource', containerResource: { name: 'cpu', target: { type: 'Utilization' } } }],
    })
    assert.equal(cell(horizontalPodAutoscaler, 'Targets', auto), 'cpu: <unknown>/<auto>')
    assert.equal(cell(horizontalPodAutoscaler, 'Targets', hpa({})), '<none>')
    assert.equal(cell(horizontalPodAutoscaler, 'MinPods', hpa({})), '<unset>')
  })

  it('defaults minReplicas and the CPU metric, and validates replicas and the target', () => {
    const h = hpa({})
    horizontalPodAutoscaler.prepareForCreate?.(h)
    assert.equal(cell(horizontalPodAutoscaler, 'MinPods', h), '1')
    assert.equal(cell(horizontalPodAutoscaler, 'Targets', h), 'cpu: <unknown>/80%')
    assert.deepEqual(horizontalPodAutoscaler.validate?.(h), [])
    const bad = object(horizontalPodAutoscaler, { spec: { minReplicas: 5, maxReplicas: 0 } })
    const errs = horizontalPodAutoscaler.validate?.(bad) ?? []
    assert.deepEqual(fields(errs), [
      'spec.maxReplicas',
      'spec.maxReplicas',
      'spec.scaleTargetRef.kind',
      'spec.scaleTargetRef.name',
    ])
    assert.equal(errs[0].detail, 'must be greater than 0')
    assert.equal(errs[1].detail, 'must be greater than or equal to `minReplicas`')
  })
})

describe('PodDisruptionBudget (printPodDisruptionBudget)', () => {
  it('MIN AVAILABLE, MAX UNAVAILABLE (N/A when unset), ALLOWED DISRUPTIONS', () => {
    const pdb = object(podDisruptionBudget, { spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } })
    assert.deepEqual(row(podDisruptionBudget, pdb), {
      'MIN AVAILABLE': '50%',
      'MAX UNAVAILABLE': 'N/A',
      'ALLOWED DISRUPTIONS': 1,
      AGE: '10m',
    })
    const max = object(podDisruptionBudget, { spec: { maxUnavailable: 1 } })
    assert.equal(cell(podDisruptionBudget, 'Min Available', max), 'N/A')
    assert.equal(cell(podDisruptionBudget, 'Max Unavailable', max), '1')
    const both = object(podDisruptionBudget, { spec: { minAvailable: 1, maxUnavailable: 1 } })
    const errs = podDisruptionBudget.validate?.(both) ?? []
    assert.deepEqual(fields(errs), ['spec'])
    assert.equal(errs[0].detail, 'minAvailable and maxUnavailable cannot be both set')
  })
})

describe('Ingress and NetworkPolicy', () => {
  it('CLASS, HOSTS, ADDRESS, PORTS', () => {
    const ing = object(ingress, {
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }],
        tls: [{ hosts: ['a.example.com'] }],
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.5' }] } },
    })
    assert.deepEqual(row(ingress, ing), {
      CLASS: 'nginx',
      HOSTS: 'a.example.com,b.example.com',
      ADDRESS: '203.0.113.5',
      PORTS: '80, 443',
      AGE: '10m',
    })
    const bare = object(ingress, { spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } })
    assert.deepEqual(row(ingress, bare), { CLASS: '<none>', HOSTS: '*', ADDRESS: '', PORTS: '80', AGE: '10m' })
    const many = object(ingress, { spec: { rules: ['a', 'b', 'c', 'd', 'e'].map((h) => ({ host: `${h}.io` })) } })
    assert.equal(cell(ingress, 'Hosts', many), 'a.io,b.io,c.io + 2 more...')
  })

  it('POD-SELECTOR', () => {
    assert.equal(cell(networkPolicy, 'Pod-Selector', object(networkPolicy, { spec: { podSelector: {} } })), '<none>')
    const np = object(networkPolicy, { spec: { podSelector: { matchLabels: { role: 'db' } } } })
    assert.deepEqual(row(networkPolicy, np), { 'POD-SELECTOR': 'role=db', AGE: '10m' })
  })
})

describe('RBAC', () => {
  it('Role and ClusterRole use the default "Created At" table', () => {
    const r = object(role, { rules: [] }, { creationTimestamp: '2024-05-30T08:00:00Z' })
    assert.deepEqual(row(role, r), { 'CREATED AT': '2024-05-30T08:00:00Z' })
    assert.deepEqual(row(clusterRole, object(clusterRole, {}, { creationTimestamp: '2024-05-30T08:00:00Z' })), {
      'CREATED AT': '2024-05-30T08:00:00Z',
    })
  })

  it('bindings: ROLE, AGE and subjects with -o wide', () => {
    const rb = object(roleBinding, {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'User', name: 'bob' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', namespace: 'ci', name: 'builder' },
      ],
    })
    assert.deepEqual(row(roleBinding, rb), {
      ROLE: 'ClusterRole/view',
      AGE: '10m',
      USERS: 'alice, bob',
      GROUPS: 'devs',
      SERVICEACCOUNTS: 'ci/builder',
    })
    const crb = object(clusterRoleBinding, { roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } })
    assert.equal(cell(clusterRoleBinding, 'Role', crb), 'ClusterRole/cluster-admin')
    assert.equal(cell(clusterRoleBinding, 'Users', crb), '')
  })
})

describe('Lease, StorageClass, CustomResourceDefinition', () => {
  it('Lease HOLDER', () => {
    const l = object(lease, { spec: { holderIdentity: 'kube-controller-manager_abc', leaseDurationSeconds: 15 } })
    assert.deepEqual(row(lease, l), { HOLDER: 'kube-controller-manager_abc', AGE: '10m' })
    assert.equal(cell(lease, 'Holder', object(lease, { spec: {} })), '')
  })

  it('StorageClass columns with defaults', () => {
    const sc = object(storageClass, { provisioner: 'rancher.io/local-path' })
    storageClass.prepareForCreate?.(sc)
    assert.deepEqual(row(storageClass, sc), {
      PROVISIONER: 'rancher.io/local-path',
      RECLAIMPOLICY: 'Delete',
      VOLUMEBINDINGMODE: 'Immediate',
      ALLOWVOLUMEEXPANSION: false,
      AGE: '10m',
    })
    const wait = object(storageClass, {
      provisioner: 'x',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    })
    assert.equal(cell(storageClass, 'AllowVolumeExpansion', wait), true)
    assert.equal(cell(storageClass, 'VolumeBindingMode', wait), 'WaitForFirstConsumer')
    assert.deepEqual(fields(storageClass.validate?.(object(storageClass)) ?? []), ['provisioner'])
  })

  it('CRD: Created At, name must be plural.group, one storage version', () => {
    const crd = object(
      customResourceDefinition,
      {
        spec: {
          group: 'example.com',
          names: { plural: 'widgets', kind: 'Widget' },
          scope: 'Namespaced',
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
        },
      },
      { name: 'widgets.example.com', creationTimestamp: '2024-01-01T00:00:00Z' },
    )
    customResourceDefinition.prepareForCreate?.(crd)
    assert.deepEqual(row(customResourceDefinition, crd), { 'CREATED AT': '2024-01-01T00:00:00Z' })
    const names = (crd.spec as Record<string, any>).names
    assert.equal(names.singular, 'widget')
    assert.equal(names.listKind, 'WidgetList')
    assert.deepEqual(customResourceDefinition.validate?.(crd), [])
    crd.metadata.name = 'widget.example.com'
    ;(crd.spec as Record<string, any>).versions.push({
      name: 'v2',
      served: true,
      storage: true,
      schema: { openAPIV3Schema: { type: 'object' } },
    })
    assert.deepEqual(fields(customResourceDefinition.validate?.(crd) ?? []), ['metadata.name', 'spec.versions'])
  })
})

describe('events.k8s.io/v1 Event', () => {
  const ev = (fields: Record<string, unknown> = {}) =>
    object(eventsEvent, {
      eventTime: '2024-06-01T11:58:00.000000Z',
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
      action: 'Pulling',
      reason: 'Pulling',
      type: 'Normal',
      note: 'Pulling image "nginx"',
      regarding: { kind: 'Pod', namespace: 'default', name: 'web-1', fieldPath: 'spec.containers{web}', uid: 'p1' },
      ...fields,
    })

  it('prints like a core event, reading regarding/note/series', () => {
    assert.deepEqual(row(eventsEvent, ev()), {
      'LAST SEEN': '2m',
      TYPE: 'Normal',
      REASON: 'Pulling',
      OBJECT: 'pod/web-1',
      SUBOBJECT: 'spec.containers{web}',
      SOURCE: 'kubelet, node-1',
      MESSAGE: 'Pulling image "nginx"',
      'FIRST SEEN': '2m',
      COUNT: 1,
    })
    const series = ev({ series: { count: 3, lastObservedTime: '2024-06-01T11:59:30.000000Z' } })
    assert.equal(cell(eventsEvent, 'Last Seen', series), '30s')
    assert.equal(cell(eventsEvent, 'Count', series), 3)
    const legacy = ev({ deprecatedFirstTimestamp: ago(3600), deprecatedLastTimestamp: ago(60), deprecatedCount: 9 })
    assert.equal(cell(eventsEvent, 'First Seen', legacy), '60m')
    assert.equal(cell(eventsEvent, 'Last Seen', legacy), '60s')
    assert.equal(cell(eventsEvent, 'Count', legacy), 9)
  })

  it('field selectors use the events.k8s.io names', () => {
    const e = ev()
    assert.equal(eventsEvent.fieldSelectors['regarding.name'](e), 'web-1')
    assert.equal(eventsEvent.fieldSelectors['regarding.uid'](e), 'p1')
    assert.equal(eventsEvent.fieldSelectors.reportingController(e), 'kubelet')
    assert.equal(eventsEvent.fieldSelectors.source(e), 'kubelet')
    assert.equal(eventsEvent.fieldSelectors['involvedObject.name'], undefined)
  })

  it('validates the fields the new events API requires', () => {
    assert.deepEqual(eventsEvent.validate?.(ev()), [])
    const bare = object(eventsEvent, { type: 'Info' })
    assert.deepEqual(fields(eventsEvent.validate?.(bare) ?? []), [
      'eventTime',
      'type',
      'reportingController',
      'reportingInstance',
      'action',
      'reason',
    ])
  })
})
