// Random and mutated Kubernetes API requests for the fuzz test: a seeded PRNG (every request is
// a pure function of (seed, index), so one failing request can be regenerated alone), a
// vocabulary of resources and object templates, mutations of objects, bodies, paths, query
// strings and headers, and a guard that keeps writes away from a protected namespace.

import { stringify as toYaml } from 'yaml'
import { parseRequestInfo } from '../../src/apiserver/request-info.ts'
import { Rng } from './rng.ts'

export { fuzzSeed, Rng } from './rng.ts'

// ---------------------------------------------------------------- vocabulary

export interface ResourceInfo {
  group: string
  version: string
  plural: string
  kind: string
  namespaced: boolean
}

const R = (group: string, version: string, plural: string, kind: string, namespaced: boolean): ResourceInfo => ({
  group,
  version,
  plural,
  kind,
  namespaced,
})

export const RESOURCES: ResourceInfo[] = [
  R('', 'v1', 'configmaps', 'ConfigMap', true),
  R('', 'v1', 'secrets', 'Secret', true),
  R('', 'v1', 'serviceaccounts', 'ServiceAccount', true),
  R('', 'v1', 'services', 'Service', true),
  R('', 'v1', 'endpoints', 'Endpoints', true),
  R('', 'v1', 'pods', 'Pod', true),
  R('', 'v1', 'events', 'Event', true),
  R('', 'v1', 'resourcequotas', 'ResourceQuota', true),
  R('', 'v1', 'limitranges', 'LimitRange', true),
  R('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true),
  R('', 'v1', 'persistentvolumes', 'PersistentVolume', false),
  R('', 'v1', 'nodes', 'Node', false),
  R('', 'v1', 'namespaces', 'Namespace', false),
  R('apps', 'v1', 'deployments', 'Deployment', true),
  R('apps', 'v1', 'replicasets', 'ReplicaSet', true),
  R('apps', 'v1', 'statefulsets', 'StatefulSet', true),
  R('apps', 'v1', 'daemonsets', 'DaemonSet', true),
  R('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  R('batch', 'v1', 'jobs', 'Job', true),
  R('batch', 'v1', 'cronjobs', 'CronJob', true),
  R('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true),
  R('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true),
  R('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  R('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  R('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  R('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  R('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  R('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true),
  R('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true),
  R('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false),
  R('events.k8s.io', 'v1', 'events', 'Event', true),
  R('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
]

/** Resource names that are namespaced somewhere (their cluster-wide path serves only list/watch). */
export const NAMESPACED_PLURALS = new Set(RESOURCES.filter((r) => r.namespaced).map((r) => r.plural))

const podSpec = () => ({ containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] })
const template = (app: string) => ({ metadata: { labels: { app } }, spec: podSpec() })

/** A valid object of the resource (the starting point of mutations). */
export function validObject(r: ResourceInfo, name: string, namespace: string | undefined): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name, labels: { app: 'fuzz', tier: name.slice(0, 8) } }
  if (r.namespaced && namespace !== undefined) metadata.namespace = namespace
  const o: Record<string, unknown> = {
    apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
    kind: r.kind,
    metadata,
  }
  const sel = { matchLabels: { app: name.slice(0, 20) || 'x' } }
  switch (r.plural) {
    case 'configmaps':
      o.data = { key: 'value', 'file.txt': 'hello\nworld' }
      break
    case 'secrets':
      o.type = 'Opaque'
      o.data = { password: Buffer.from('s3cret').toString('base64') }
      break
    case 'services':
      o.spec = { selector: { app: 'x' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }
      break
    case 'endpoints':
      o.subsets = [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }]
      break
    case 'pods':
      o.spec = podSpec()
      break
    case 'events':
      if (r.group === '') {
        o.involvedObject = { kind: 'Pod', name: 'p', namespace: namespace ?? 'default' }
        o.reason = 'Fuzz'
        o.message = 'fuzzing'
        o.type = 'Normal'
      } else {
        o.eventTime = '2024-01-01T00:00:00.000000Z'
        o.reportingController = 'fuzz.io/ctl'
        o.reportingInstance = 'fuzz-1'
        o.action = 'Fuzz'
        o.reason = 'Fuzz'
        o.type = 'Normal'
        o.regarding = { kind: 'Pod', name: 'p', namespace: namespace ?? 'default' }
      }
      break
    case 'resourcequotas':
      o.spec = { hard: { pods: '10', 'requests.cpu': '2' } }
      break
    case 'limitranges':
      o.spec = { limits: [{ type: 'Container', default: { cpu: '100m' } }] }
      break
    case 'persistentvolumeclaims':
      o.spec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }
      break
    case 'persistentvolumes':
      o.spec = { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/x' } }
      break
    case 'nodes':
      o.spec = { podCIDR: '10.1.0.0/24' }
      break
    case 'namespaces':
      break
    case 'deployments':
    case 'replicasets':
    case 'statefulsets':
    case 'daemonsets':
      o.spec = { selector: sel, template: template(sel.matchLabels.app) }
      if (r.plural !== 'daemonsets') (o.spec as Record<string, unknown>).replicas = 2
      if (r.plural === 'statefulsets') (o.spec as Record<string, unknown>).serviceName = 'svc'
      break
    case 'controllerrevisions':
      o.revision = 1
      o.data = { spec: {} }
      break
    case 'jobs':
      o.spec = { template: { spec: { ...podSpec(), restartPolicy: 'Never' } } }
      break
    case 'cronjobs':
      o.spec = {
        schedule: '*/5 * * * *',
        jobTemplate: { spec: { template: { spec: { ...podSpec(), restartPolicy: 'OnFailure' } } } },
      }
      break
    case 'ingresses':
      o.spec = {
        rules: [
          {
            host: 'a.example.com',
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }],
            },
          },
        ],
      }
      break
    case 'networkpolicies':
      o.spec = { podSelector: {}, policyTypes: ['Ingress'] }
      break
    case 'roles':
    case 'clusterroles':
      o.rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]
      break
    case 'rolebindings':
    case 'clusterrolebindings':
      o.roleRef = {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: r.plural === 'rolebindings' ? 'Role' : 'ClusterRole',
        name: 'r',
      }
      o.subjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }]
      break
    case 'leases':
      o.spec = { holderIdentity: 'me', leaseDurationSeconds: 15 }
      break
    case 'horizontalpodautoscalers':
      o.spec = {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' },
        minReplicas: 1,
        maxReplicas: 3,
      }
      break
    case 'poddisruptionbudgets':
      o.spec = { minAvailable: 1, selector: sel }
      break
    case 'storageclasses':
      o.provisioner = 'fuzz.io/provisioner'
      break
    case 'customresourcedefinitions':
      metadata.name = 'widgets.fuzz.io'
      o.spec = {
        group: 'fuzz.io',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
      }
      break
  }
  return o
}

// ---------------------------------------------------------------- values and mutations

function deep(rng: Rng, depth: number): unknown {
  let v: unknown = rng.bool() ? 'bottom' : {}
  for (let i = 0; i < depth; i++) v = rng.bool(0.5) ? [v] : { a: v }
  return v
}

/** An "interesting" JSON value: boundary numbers, odd strings, wrong types, deep or wide values. */
export function randomValue(rng: Rng, budget = 3): unknown {
  const kind = rng.int(0, budget > 0 ? 15 : 9)
  switch (kind) {
    case 0:
      return null
    case 1:
      return rng.bool()
    case 2:
      return rng.pick([
        0,
        -1,
        1,
        1.5,
        -0.5,
        2 ** 31,
        2 ** 31 - 1,
        -(2 ** 31),
        2 ** 53 + 2,
        1e308,
        -1e308,
        5e-324,
        65536,
      ])
    case 3:
      return rng.pick(['', ' ', 'a', 'A_B', '-', '.', '..', '../..', '/', '\\', '%2F', '%00', '\u0000', '\n', '\t'])
    case 4:
      return rng.pick([
        '\ud800',
        '\udfff',
        '💥',
        'Ω≈ç√',
        'e\u0301',
        '\u202e',
        '\ufeff',
        '\uffff',
        'null',
        'true',
        '{}',
        '[]',
      ])
    case 5:
      return rng.pick([
        '1Gi',
        '100m',
        '-1',
        '1e3',
        'Infinity',
        'NaN',
        '0x10',
        '2024-01-01T00:00:00Z',
        'not-a-date',
        '*/5 * * *',
      ])
    case 6:
      return rng.string(
        rng.int(1, 80),
        'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!@#$%^&*()[]{}:;"\'<>,?/|\\ ',
      )
    case 7:
      return rng.string(rng.int(64, 400))
    case 8:
      return {}
    case 9:
      return []
    case 10:
      return Array.from({ length: rng.int(1, 5) }, () => randomValue(rng, budget - 1))
    case 11: {
      const o: Record<string, unknown> = {}
      for (let i = rng.int(1, 5); i > 0; i--) o[randomKey(rng)] = randomValue(rng, budget - 1)
      return o
    }
    case 12:
      return deep(rng, rng.pick([10, 100, 1000, 5000]))
    case 13:
      return 'x'.repeat(rng.pick([1000, 70_000, 300_000]))
    case 14:
      return Array.from({ length: rng.pick([100, 2000]) }, (_, i) => (rng.bool() ? i : `v${i}`))
    default:
      return { name: randomName(rng), namespace: rng.pick(FUZZ_NAMESPACES), uid: rng.string(36) }
  }
}

const KEYS = [
  'metadata',
  'name',
  'namespace',
  'generateName',
  'labels',
  'annotations',
  'finalizers',
  'ownerReferences',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'generation',
  'selfLink',
  'spec',
  'status',
  'data',
  'binaryData',
  'stringData',
  'type',
  'immutable',
  'replicas',
  'selector',
  'matchLabels',
  'matchExpressions',
  'template',
  'containers',
  'image',
  'ports',
  'port',
  'nodeName',
  'phase',
  'conditions',
  'rules',
  'subjects',
  'roleRef',
  'kind',
  'apiVersion',
  'items',
  'involvedObject',
  'finalizers',
  'scaleTargetRef',
  '',
  '$patch',
  '$retainKeys',
  '$setElementOrder/containers',
  '__proto__',
  'constructor',
  'toString',
  'a.b',
  'a/b',
  '💥',
]

function randomKey(rng: Rng): string {
  return rng.bool(0.8) ? rng.pick(KEYS) : rng.string(rng.int(1, 20))
}

/** Names: mostly from a small pool (so writes collide), sometimes invalid or odd. */
export function randomName(rng: Rng): string {
  return rng.weighted<() => string>([
    [8, () => `obj-${rng.int(0, 7)}`],
    [2, () => `hot-${rng.int(0, 2)}`],
    [
      3,
      () =>
        rng.pick([
          'Upper',
          'under_score',
          '-lead',
          'trail-',
          'a..b',
          '.',
          '..',
          'x'.repeat(64),
          'x'.repeat(254),
          'x'.repeat(300),
          'a.b.c',
          '1',
          'a b',
          'ünïcode',
          '%2F',
          'a%00b',
          'kube-system',
          'default',
          'status',
          'scale',
        ]),
    ],
    [1, () => rng.string(rng.int(1, 70), 'abcdefghijklmnopqrstuvwxyz0123456789-._~ABCZ%')],
  ])()
}

export const PROTECTED_NAMESPACE = 'fuzz-protected'
export const FUZZ_NAMESPACES = ['fuzz-a', 'fuzz-b', 'fuzz-c']

/** All paths of an object: [key path], for picking a mutation site. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = [], depth = 0) {
  out.push(prefix)
  if (depth > 8) return out
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) paths(v[i], [...prefix, i], out, depth + 1)
  else if (v !== null && typeof v === 'object')
    for (const k of Object.keys(v as object)) paths((v as Record<string, unknown>)[k], [...prefix, k], out, depth + 1)
  return out
}

function getAt(root: unknown, path: (string | number)[]): unknown {
  let v = root
  for (const p of path) v = (v as Record<string | number, unknown>)?.[p]
  return v
}

/** Applies 1..n random structural mutations (replace, delete, insert, retype) to a copy of obj. */
export function mutateObject(rng: Rng, obj: Record<string, unknown>, n = rng.int(1, 3)): unknown {
  let root: unknown = structuredClone(obj)
  for (let i = 0; i < n; i++) {
    const all = paths(root)
    const path = rng.pick(all)
    if (path.length === 0) {
      if (rng.bool(0.15)) root = randomValue(rng)
      continue
    }
    const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>
    const last = path[path.length - 1]
    if (parent === null || typeof parent !== 'object') continue
    const op = rng.int(0, 4)
    if (op === 0) {
      if (Array.isArray(parent)) parent.splice(last as number, 1)
      else delete parent[last]
    } else if (op === 1) {
      const target = getAt(root, path)
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        ;(target as Record<string, unknown>)[randomKey(rng)] = randomValue(rng)
      } else if (Array.isArray(target)) target.push(randomValue(rng))
      else parent[last] = randomValue(rng)
    } else if (op === 2) {
      // Metadata is where most server logic lives: hit it often.
      const meta = (root as Record<string, unknown>)?.metadata
      if (meta !== null && typeof meta === 'object' && !Array.isArray(meta)) {
        const k = rng.pick([
          'name',
          'generateName',
          'namespace',
          'labels',
          'annotations',
          'finalizers',
          'ownerReferences',
          'resourceVersion',
          'uid',
          'creationTimestamp',
          'deletionTimestamp',
          'deletionGracePeriodSeconds',
          'managedFields',
          'generation',
        ])
        ;(meta as Record<string, unknown>)[k] = rng.bool(0.3) ? metaValue(rng, k) : randomValue(rng)
      } else parent[last] = randomValue(rng)
    } else {
      parent[last] = randomValue(rng)
    }
  }
  return root
}

/** Plausible-but-wrong values for metadata fields. */
function metaValue(rng: Rng, k: string): unknown {
  switch (k) {
    case 'labels':
    case 'annotations':
      return rng.pick([
        { 'a/b/c': 'x' },
        { '': 'x' },
        { a: 'x'.repeat(64) },
        { a: 1 },
        { a: null },
        { 'example.com/': 'x' },
        { ['x'.repeat(300)]: 'v' },
        { 'kubectl.kubernetes.io/last-applied-configuration': '{' },
      ])
    case 'finalizers':
      return rng.pick([['kubernetes'], ['a/b'], ['x', 'x'], [1], ['orphan'], ['foregroundDeletion'], ['Bad Finalizer']])
    case 'ownerReferences':
      return rng.pick([
        [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'obj-1', uid: '00000000-0000-0000-0000-000000000001' }],
        [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'obj-1', uid: 'u', controller: true, blockOwnerDeletion: true }],
        [{ kind: 'X' }],
        [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: 'u', controller: true },
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'b', uid: 'v', controller: true },
        ],
        {},
        'x',
      ])
    case 'resourceVersion':
      return rng.pick(['1', '0', '-1', 'abc', '99999999999', '', '1.5'])
    case 'managedFields':
      return rng.pick([[{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: {} }], [{}], [1], {}])
    case 'creationTimestamp':
    case 'deletionTimestamp':
      return rng.pick(['2024-01-01T00:00:00Z', 'yesterday', '', 0, '9999-12-31T23:59:59Z'])
    case 'generateName':
      return rng.pick(['gen-', 'Gen_', 'x'.repeat(300), '', '-', 'a.'])
    default:
      return randomName(rng)
  }
}

// ---------------------------------------------------------------- requests

export interface FuzzRequest {
  index: number
  /** Generator category, for reports. */
  category: string
  method: string
  /** Request target (path and query) as sent. */
  path: string
  headers: Record<string, string>
  body?: Buffer
  /** Raw bytes to write on a TLS socket instead of an HTTP client request. */
  raw?: Buffer
  /** A watch stream: read briefly, then abort. */
  watch: boolean
}

const PATCH_TYPES = [
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
]

const CONTENT_TYPES = [
  'application/json',
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  ...PATCH_TYPES,
  'application/vnd.kubernetes.protobuf',
  'text/plain',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=utf-16',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;;;',
  ';',
  '',
  '*/*',
  'application/*',
]

const ACCEPTS = [
  'application/json',
  '*/*',
  'application/yaml',
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io',
  'application/json;as=Foo;v=v1;g=meta.k8s.io',
  'application/json;as=Table;g=bogus;v=v9',
  'application/vnd.kubernetes.protobuf',
  'application/vnd.kubernetes.protobuf, application/json',
  'text/html',
  'garbage;;;=',
  ',,,',
  'application/json;q=0',
]

function forgedContinue(rng: Rng, prefixGuess: string): string {
  const v = rng.weighted<() => unknown>([
    [
      3,
      () => ({
        v: 'flotilla/v1',
        rv: rng.pick([0, 1, 2, -1, 5, 10 ** 9, 1.5, 2 ** 53 + 1]),
        start: prefixGuess + rng.pick(['', 'obj-3', '\u0000', 'zzz']),
      }),
    ],
    [1, () => ({ v: 'flotilla/v1', rv: rng.pick(['1', null, {}]), start: rng.pick([1, null, '/registry/', '']) })],
    [1, () => ({ v: 'meta.k8s.io/v1', rv: 1, start: 'x' })],
    [1, () => randomValue(rng, 0)],
  ])()
  const text = rng.bool(0.1) ? rng.string(rng.int(0, 40)) : (JSON.stringify(v) ?? 'undefined')
  return Buffer.from(text).toString(rng.bool(0.85) ? 'base64url' : 'base64')
}

function labelSelector(rng: Rng): string {
  return rng.pick([
    'app=fuzz',
    'app!=fuzz',
    'app in (fuzz,x)',
    'app notin (x)',
    'app',
    '!app',
    'app==fuzz',
    'tier,app=fuzz',
    'a in ()',
    'a in (',
    '(',
    ',',
    '=',
    '!',
    'a=b=c',
    'a b',
    'x'.repeat(70) + '=y',
    'example.com/a=b',
    'a/b/c=d',
    'a in (b),,c',
    'a gt 1',
    'a>1',
    'a<1',
    '💥=1',
    '%ZZ',
    rng.string(rng.int(1, 30), 'abc=!,() in'),
  ])
}

function fieldSelector(rng: Rng): string {
  return rng.pick([
    'metadata.name=obj-1',
    'metadata.name!=obj-1',
    'metadata.namespace=fuzz-a',
    'metadata.name==obj-1',
    'spec.nodeName=n1',
    'status.phase=Running',
    'involvedObject.kind=Pod',
    'involvedObject.name=p,involvedObject.namespace=fuzz-a',
    'type=Opaque',
    'spec.unschedulable=false',
    'bogus.field=1',
    'metadata.labels=x',
    'metadata.name',
    '=',
    '',
    ',',
    'metadata.name in (a,b)',
    'metadata.name=a,metadata.name=b',
    rng.string(rng.int(1, 30), 'abc.=!,'),
  ])
}

function rvValue(rng: Rng): string {
  return rng.pick([
    '0',
    '',
    '1',
    '2',
    '10',
    '100',
    '-1',
    'abc',
    '1.0',
    ' 1',
    '99999999999999999999',
    String(2 ** 53),
    '0x10',
    '01',
  ])
}

function queryString(rng: Rng, method: string, prefixGuess: string): { query: string; watch: boolean } {
  const params: [string, string][] = []
  const n = rng.weighted([
    [3, 0],
    [4, 1],
    [3, 2],
    [2, 4],
    [1, 8],
  ] as const)
  let watch = false
  for (let i = 0; i < n; i++) {
    const p = rng.weighted<() => [string, string]>([
      [3, () => ['labelSelector', labelSelector(rng)]],
      [2, () => ['fieldSelector', fieldSelector(rng)]],
      [
        3,
        () => [
          'limit',
          rng.pick(['0', '1', '2', '3', '500', '-1', 'abc', '1e3', '2147483648', '9223372036854775808', '']),
        ],
      ],
      [2, () => ['continue', forgedContinue(rng, prefixGuess)]],
      [3, () => ['resourceVersion', rvValue(rng)]],
      [2, () => ['resourceVersionMatch', rng.pick(['NotOlderThan', 'Exact', 'exact', 'Bogus', ''])]],
      [1, () => ['timeoutSeconds', rng.pick(['0', '1', '-1', 'x', '999999999999', '1.5'])]],
      [2, () => ['watch', rng.pick(['true', '1', 'false', '0', 'yes', ''])]],
      [1, () => ['allowWatchBookmarks', rng.pick(['true', 'false', 'maybe'])]],
      [1, () => ['sendInitialEvents', rng.pick(['true', 'false', 'x'])]],
      [2, () => ['dryRun', rng.pick(['All', 'all', 'None', '', 'x'])]],
      [2, () => ['fieldValidation', rng.pick(['Strict', 'Warn', 'Ignore', 'strict', 'bogus', ''])]],
      [1, () => ['fieldManager', rng.pick(['fuzz', 'x'.repeat(200), 'ünï', '', 'kubectl-client-side-apply'])]],
      [1, () => ['force', rng.pick(['true', 'false', 'x'])]],
      [1, () => ['pretty', rng.pick(['true', 'false', '1'])]],
      [1, () => ['propagationPolicy', rng.pick(['Orphan', 'Background', 'Foreground', 'orphan', 'x'])]],
      [1, () => ['gracePeriodSeconds', rng.pick(['0', '30', '-1', 'x', '99999999999999999999'])]],
      [1, () => ['orphanDependents', rng.pick(['true', 'false', 'x'])]],
      [1, () => ['includeObject', rng.pick(['None', 'Object', 'Metadata', 'x'])]],
      [
        1,
        () => [rng.pick(['allowWatchBookmarks', 'export', 'exact', 'x', '', '%', 'a[b]']), rng.string(rng.int(0, 10))],
      ],
    ])()
    if (p[0] === 'watch' && (p[1] === 'true' || p[1] === '1')) watch = true
    params.push(p)
  }
  if (method !== 'GET' && method !== 'HEAD') watch = false
  let q = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
  if (rng.bool(0.03)) q += rng.pick(['&%ZZ=1', '&a=%', '&=&=', '&&&', '&x=%00', '&%E2%82=1', '#frag'])
  return { query: q, watch }
}

interface Target {
  path: string
  resource?: ResourceInfo
  namespace?: string
  name?: string
}

function structuredTarget(rng: Rng, forWrite: boolean): Target {
  const r = rng.pick(RESOURCES)
  let prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`
  if (rng.bool(0.04)) prefix = rng.pick(['/api/v2', '/apis/apps/v1beta1', '/apis/nope/v1', '/apis/apps', '/api/v1/v1'])
  let namespace: string | undefined
  let path = prefix
  if (r.namespaced) {
    if (rng.bool(0.85)) {
      namespace = rng.weighted([
        [8, rng.pick(FUZZ_NAMESPACES)],
        [forWrite ? 0 : 3, PROTECTED_NAMESPACE],
        [1, rng.pick(['default', 'kube-system', 'missing', 'UPPER', 'a_b', '', 'x'.repeat(70)])],
      ] as const)
      path += `/namespaces/${namespace}`
    }
  }
  let resource = r.plural
  if (rng.bool(0.03)) resource = rng.pick(['ConfigMap', 'configmap', 'cm', 'configmaps.v1', 'nope', 'pods/log'])
  path += `/${resource}`
  let name: string | undefined
  if (rng.bool(0.7)) {
    name =
      r.plural === 'namespaces' ? rng.pick([...FUZZ_NAMESPACES, 'fuzz-x', 'fuzz-y', randomName(rng)]) : randomName(rng)
    if (r.plural === 'customresourcedefinitions' && rng.bool(0.7)) name = 'widgets.fuzz.io'
    path += `/${encodeURIComponent(name).replace(/%2F/g, '/')}`
    if (rng.bool(0.2))
      path += `/${rng.pick(['status', 'scale', 'finalize', 'log', 'exec', 'proxy', 'eviction', 'binding', 'status/x', 'x', ''])}`
  }
  if (rng.bool(0.03)) path += rng.pick(['/', '//', '/.', '/..', '/../..'])
  return { path, resource: r, namespace, name }
}

const SEGMENTS = [
  'api',
  'apis',
  'v1',
  'v2',
  'apps',
  'namespaces',
  'fuzz-a',
  'configmaps',
  'deployments',
  'pods',
  'status',
  'scale',
  'watch',
  'proxy',
  '',
  '.',
  '..',
  '%2e%2e',
  '%2F',
  '%00',
  '%',
  '%ZZ',
  '%C3%A9',
  '%FF%FE',
  '~',
  '@',
  ':',
  ';',
  "'",
  '"'.replace('"', '%22'),
  'a'.repeat(300),
]

function randomTarget(rng: Rng): Target {
  const root = rng.pick(['/api', '/apis', '/api/v1', '/apis/apps/v1'])
  let path = root
  for (let i = rng.int(0, 7); i > 0; i--)
    path += `/${rng.bool(0.8) ? rng.pick(SEGMENTS) : encodeURIComponent(rng.string(rng.int(1, 12), 'abcXYZ09-_.~!$&()*+,;=:@ é'))}`
  if (rng.bool(0.05)) path += '/' + 'x'.repeat(rng.pick([2000, 8000]))
  return { path }
}

function discoveryTarget(rng: Rng): Target {
  return {
    path: rng.pick([
      '/api',
      '/apis',
      '/api/v1',
      '/apis/apps',
      '/apis/apps/v1',
      '/apis/nope',
      '/apis/nope/v1',
      '/version',
      '/version/x',
      '/healthz',
      '/livez',
      '/readyz',
      '/readyz/x',
      '/metrics',
      '/openapi/v2',
      '/openapi/v3',
      '/openapi/v3/api/v1',
      '/openapi/v3/apis/apps/v1',
      '/openapi/v3/apis/nope/v9',
      '/openapi/v3/../v2',
      '/',
      '/x',
      '/apis/apiextensions.k8s.io/v1',
      '/apis/fuzz.io/v1',
      '/apis/fuzz.io/v1/namespaces/fuzz-a/widgets',
    ]),
  }
}

/** A body for a write to `t`, in one of many shapes, with the content type to send. */
function makeBody(rng: Rng, t: Target, method: string): { body?: Buffer; contentType?: string } {
  const r = t.resource ?? rng.pick(RESOURCES)
  const name = t.name ?? randomName(rng)
  const namespace = t.namespace && t.namespace !== PROTECTED_NAMESPACE ? t.namespace : rng.pick(FUZZ_NAMESPACES)
  const base = validObject(r, name, rng.bool(0.7) ? namespace : undefined)
  if (rng.bool(0.1)) base.apiVersion = rng.pick(['v1', 'apps/v1', 'v2', 'nope/v1', 1, null])
  if (rng.bool(0.1)) base.kind = rng.pick(['ConfigMap', 'Deployment', 'Pod', 'Status', 'List', 'DeleteOptions', '', 7])
  if (rng.bool(0.05)) {
    base.kind = 'List'
    base.items = [validObject(r, name, namespace)]
  }

  let doc: unknown
  let contentType: string
  if (method === 'PATCH') {
    contentType = rng.weighted([
      [5, 'application/merge-patch+json'],
      [5, 'application/json-patch+json'],
      [1, 'application/strategic-merge-patch+json'],
      [1, 'application/apply-patch+yaml'],
      [2, rng.pick(CONTENT_TYPES)],
    ] as const)
    if (contentType === 'application/json-patch+json' || rng.bool(0.1)) {
      doc = Array.from({ length: rng.int(0, 4) }, () => jsonPatchOp(rng))
      if (rng.bool(0.1)) doc = rng.pick([{}, null, 'x', [[]], [null], [{ op: 'add' }]])
    } else {
      doc = rng.bool(0.5)
        ? mutateObject(rng, base)
        : rng.pick([
            { metadata: { labels: { a: 'b' } } },
            { data: { k: null } },
            { spec: { replicas: 5 } },
            { metadata: null },
            { metadata: { name: 'other' } },
            null,
            [],
            'x',
            { status: { phase: 'Failed' } },
          ])
    }
  } else if (method === 'DELETE') {
    contentType = rng.pick(['application/json', 'application/json', 'application/yaml', rng.pick(CONTENT_TYPES)])
    const opts: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' }
    if (rng.bool(0.4)) opts.propagationPolicy = rng.pick(['Orphan', 'Background', 'Foreground', 'x', 1, null])
    if (rng.bool(0.3)) opts.gracePeriodSeconds = rng.pick([0, 30, -1, 1.5, '5', null, 2 ** 62])
    if (rng.bool(0.3))
      opts.preconditions = rng.pick([{ uid: 'x' }, { resourceVersion: '1' }, { resourceVersion: 5 }, 'x', null, {}])
    if (rng.bool(0.2)) opts.dryRun = rng.pick([['All'], ['x'], 'All', null])
    if (rng.bool(0.2)) opts.orphanDependents = rng.pick([true, false, 'x'])
    doc = rng.bool(0.3) ? mutateObject(rng, opts) : opts
    if (rng.bool(0.3)) return { contentType: rng.bool() ? contentType : undefined } // no body at all
  } else {
    contentType = rng.weighted([
      [10, 'application/json'],
      [3, rng.pick(['application/yaml', 'application/x-yaml', 'text/yaml'])],
      [2, rng.pick(CONTENT_TYPES)],
      [1, ''],
    ] as const)
    doc = rng.bool(0.6) ? mutateObject(rng, base) : base
  }

  let text: string
  const yaml = /yaml/.test(contentType)
  try {
    text = yaml && rng.bool(0.8) ? toYaml(doc) : (JSON.stringify(doc) ?? 'null')
  } catch {
    text = '{}'
  }
  let buf = Buffer.from(text, 'utf8')

  // Byte-level damage.
  const damage = rng.weighted([
    [14, 'none'],
    [3, 'truncate'],
    [2, 'utf8'],
    [1, 'flip'],
    [1, 'huge'],
    [1, 'deep'],
    [1, 'yaml-bomb'],
    [1, 'junk'],
    [1, 'empty'],
    [1, 'multi'],
  ] as const)
  switch (damage) {
    case 'truncate':
      buf = buf.subarray(0, rng.int(0, Math.max(0, buf.length - 1)))
      break
    case 'utf8': {
      const bad = rng.pick([
        [0xff],
        [0xfe, 0xff],
        [0xc0, 0x80],
        [0xed, 0xa0, 0x80],
        [0xf4, 0x90, 0x80, 0x80],
        [0xe2, 0x82],
        [0x00],
      ])
      const at = rng.int(0, buf.length)
      buf = Buffer.concat([buf.subarray(0, at), Buffer.from(bad), buf.subarray(at)])
      break
    }
    case 'flip':
      for (let i = rng.int(1, 5); i > 0 && buf.length > 0; i--) buf[rng.int(0, buf.length - 1)] = rng.int(0, 255)
      break
    case 'huge': {
      // Around the limits: 1.5 MiB objects, 3 MiB bodies.
      const size = rng.pick([
        1024 * 1024,
        1.5 * 1024 * 1024 + 100,
        2 * 1024 * 1024,
        3 * 1024 * 1024 + 1,
        4 * 1024 * 1024,
      ])
      const o = validObject(r, name, namespace)
      o.data = { big: 'x'.repeat(size) }
      if (r.plural !== 'configmaps') o.metadata = { name, annotations: { big: 'y'.repeat(size) } }
      buf = Buffer.from(JSON.stringify(o))
      contentType = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json'
      break
    }
    case 'deep': {
      const n = rng.pick([1000, 10_000, 100_000, 500_000])
      const open = rng.pick(['[', '{"a":', '{"metadata":'])
      const close = open === '[' ? ']' : '}'
      const inner = rng.bool(0.5) ? `${open.repeat(n)}1${close.repeat(n)}` : open.repeat(n)
      buf = Buffer.from(
        rng.bool(0.5)
          ? inner
          : `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"},"data":{},"x":${inner}}`,
      )
      if (yaml && rng.bool()) buf = Buffer.from(`${'- '.repeat(n % 20000)}x`)
      break
    }
    case 'yaml-bomb':
      buf = Buffer.from(
        rng.pick([
          'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
          'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: x\n  self: *m\n',
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: !!binary aGVsbG8=\n',
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: !!js/function "function(){}"\n',
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, name: b}\n',
          '--- \napiVersion: v1\nkind: ConfigMap\n---\nkind: Secret\n',
          '%YAML 9.9\n---\na: 1\n',
          '? [a, b]\n: c\n',
          'a: 1\n\tb: 2\n',
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  n: 0o777\n  b: yes\n  t: 2001-12-14t21:59:43.10-05:00\n`,
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: [1, 2]\n',
          '<<: {a: 1}\n',
        ]),
      )
      if (rng.bool(0.7)) contentType = 'application/yaml'
      break
    case 'junk':
      buf = Buffer.from(Array.from({ length: rng.int(1, 2000) }, () => rng.int(0, 255)))
      break
    case 'empty':
      buf = Buffer.from(rng.pick(['', ' ', '\n', 'null', '0', '""', '[]', '{}', 'true', '-', '\ufeff{}']))
      break
    case 'multi':
      buf = Buffer.from(`${text}\n${text}`)
      break
  }
  return { body: buf, contentType }
}

function jsonPatchOp(rng: Rng): unknown {
  const op = rng.pick(['add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus', 'ADD'])
  const path = rng.pick([
    '/metadata/labels/a',
    '/metadata/labels',
    '/metadata/annotations/x~1y',
    '/metadata/finalizers/-',
    '/metadata/finalizers/0',
    '/metadata/finalizers/99',
    '/metadata/name',
    '/metadata/namespace',
    '/metadata/uid',
    '/metadata/resourceVersion',
    '/metadata/deletionTimestamp',
    '/metadata/ownerReferences',
    '/metadata',
    '/data/k',
    '/data',
    '/spec/replicas',
    '/spec/template/spec/containers/0/image',
    '/spec/template/spec/containers/-',
    '/spec/template/spec/containers/1',
    '/status',
    '/kind',
    '/apiVersion',
    '',
    '/',
    'metadata',
    '/a/b/c/d/e',
    '/~2',
    '/metadata/labels/~',
    '/data/-1',
    '/spec/replicas/0',
    '/__proto__/polluted',
    '/constructor/prototype/x',
  ])
  const o: Record<string, unknown> = { op, path }
  if (rng.bool(0.8))
    o.value = rng.bool(0.5) ? randomValue(rng, 1) : rng.pick(['v', 'x', 3, { a: 'b' }, ['kubernetes'], null])
  if (op === 'move' || op === 'copy' || rng.bool(0.1))
    o.from = rng.pick(['/metadata/labels', '/data', '/metadata', '/nope', '', '/metadata/name'])
  if (rng.bool(0.05)) delete o.op
  if (rng.bool(0.05)) delete o.path
  return o
}

/** The request target as the server sees it: its path (normalised as the server does) and query. */
export function serverView(target: string): { pathname: string; query: URLSearchParams } | undefined {
  try {
    const url = new URL(target, 'http://localhost')
    const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname
    return { pathname, query: url.searchParams }
  } catch {
    return undefined
  }
}

/**
 * Whether a request might change protected data: any method but GET/HEAD addressing the
 * protected namespace or something in it, or the cluster-wide collection of a namespaced
 * resource (whose writes would reach every namespace). Decided on the server's own parse.
 */
export function touchesProtected(method: string, target: string): boolean {
  if (method === 'GET' || method === 'HEAD') return false
  const view = serverView(target)
  if (view === undefined) return false // the server cannot route it at all
  const info = parseRequestInfo(method, view.pathname, view.query)
  if (!info.isResourceRequest) return false
  if (info.namespace === PROTECTED_NAMESPACE) return true
  if (info.resource === 'namespaces' && info.name === PROTECTED_NAMESPACE) return true
  // Deleting the namespace collection would take the protected one along (it is a 405 today).
  if (info.resource === 'namespaces' && info.name === '' && method === 'DELETE') return true
  if (info.namespace === '' && NAMESPACED_PLURALS.has(info.resource)) return true
  return false
}

/** Whether the server will treat a GET of this target as a watch (a resource collection with watch=true). */
function isWatchRequest(target: string): boolean {
  const view = serverView(target)
  return view !== undefined && parseRequestInfo('GET', view.pathname, view.query).verb === 'watch'
}

const METHODS = [
  [30, 'GET'],
  [14, 'POST'],
  [10, 'PUT'],
  [14, 'PATCH'],
  [10, 'DELETE'],
  [2, 'HEAD'],
  [1, 'OPTIONS'],
  [1, 'TRACE'],
  [1, 'PROPFIND'],
  [1, 'SEARCH'],
] as const

/** Generates request `index` of the run with this seed (always the same request). */
export function generateRequest(seed: number, index: number, port: number, token: string): FuzzRequest[] {
  const rng = new Rng(seed, index)
  const category = rng.weighted([
    [60, 'structured'],
    [12, 'random-path'],
    [8, 'discovery'],
    [6, 'conflict-burst'],
    [5, 'raw'],
    [3, 'auth'],
  ] as const)
  if (category === 'conflict-burst') return conflictBurst(rng, index, token)
  if (category === 'raw') return [rawRequest(rng, index, port, token)]

  let method: string = rng.weighted(METHODS)
  const t =
    category === 'structured'
      ? structuredTarget(rng, method !== 'GET' && method !== 'HEAD')
      : category === 'discovery'
        ? discoveryTarget(rng)
        : randomTarget(rng)
  const prefixGuess = t.resource
    ? `/registry/${t.resource.group || 'core'}/${t.resource.plural}/${t.namespace ? `${t.namespace}/` : ''}`
    : '/registry/'
  const { query } = queryString(rng, method, prefixGuess)
  let path = query ? `${t.path}?${query}` : t.path
  if (touchesProtected(method, path)) method = 'GET'
  const watch = method === 'GET' && isWatchRequest(path)
  // Watches end by themselves soon (and the client hangs up after a moment anyway).
  if (watch && !/timeoutSeconds=/.test(path)) path += `${path.includes('?') ? '&' : '?'}timeoutSeconds=1`

  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  if (category === 'auth') {
    const auth = rng.pick([
      undefined,
      'Bearer wrong',
      'Bearer ',
      'Basic YTpi',
      `bearer ${token}`,
      `Bearer  ${token}`,
      'Bearer \u00ff',
      `Bearer ${token}x`,
    ])
    if (auth === undefined) delete headers.authorization
    else headers.authorization = auth
  }
  if (rng.bool(0.3)) headers.accept = rng.pick(ACCEPTS)
  if (rng.bool(0.1))
    headers['user-agent'] = rng.pick(['kubectl/v1.33.1 (linux/amd64) kubernetes/abc', '', 'x'.repeat(500), '/'])
  let body: Buffer | undefined
  if (method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE' || rng.bool(0.02)) {
    const b = makeBody(rng, t, method)
    body = b.body
    if (b.contentType !== undefined && b.contentType !== '') headers['content-type'] = b.contentType
  }
  return [{ index, category, method, path, headers, body, watch }]
}

/** Several writes to one object at once: stale updates, patches, deletes and re-creates race. */
function conflictBurst(rng: Rng, index: number, token: string): FuzzRequest[] {
  const ns = rng.pick(FUZZ_NAMESPACES)
  const r = rng.pick(
    RESOURCES.filter(
      (x) => x.namespaced && ['configmaps', 'secrets', 'deployments', 'services', 'leases'].includes(x.plural),
    ),
  )
  const name = `hot-${rng.int(0, 2)}`
  const base = r.group
    ? `/apis/${r.group}/${r.version}/namespaces/${ns}/${r.plural}`
    : `/api/v1/namespaces/${ns}/${r.plural}`
  const out: FuzzRequest[] = []
  const n = rng.int(3, 8)
  for (let i = 0; i < n; i++) {
    const obj = validObject(r, name, ns)
    ;(obj.metadata as Record<string, unknown>).labels = { app: 'fuzz', n: String(rng.int(0, 1000)) }
    const kind = rng.pick(['create', 'update', 'update-stale', 'merge', 'json', 'delete', 'delete-pre', 'get'])
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    let method = 'GET'
    let path = `${base}/${name}`
    let body: unknown
    switch (kind) {
      case 'create':
        method = 'POST'
        path = base
        body = obj
        break
      case 'update':
        method = 'PUT'
        body = obj
        break
      case 'update-stale':
        method = 'PUT'
        ;(obj.metadata as Record<string, unknown>).resourceVersion = String(rng.int(1, 50))
        body = obj
        break
      case 'merge':
        method = 'PATCH'
        headers['content-type'] = 'application/merge-patch+json'
        body = {
          metadata: {
            labels: { n: String(rng.int(0, 1000)) },
            ...(rng.bool(0.3) ? { resourceVersion: String(rng.int(1, 50)) } : {}),
          },
        }
        break
      case 'json':
        method = 'PATCH'
        headers['content-type'] = 'application/json-patch+json'
        body = [
          ...(rng.bool(0.3) ? [{ op: 'test', path: '/metadata/labels/n', value: String(rng.int(0, 1000)) }] : []),
          { op: 'add', path: '/metadata/labels/m', value: String(rng.int(0, 1000)) },
        ]
        break
      case 'delete':
        method = 'DELETE'
        break
      case 'delete-pre':
        method = 'DELETE'
        body = { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: String(rng.int(1, 50)) } }
        break
    }
    out.push({
      index,
      category: `conflict-burst/${kind}`,
      method,
      path,
      headers,
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      watch: false,
    })
  }
  return out
}

/** Protocol-level oddities sent as raw bytes: odd request targets, framing, headers. */
function rawRequest(rng: Rng, index: number, port: number, token: string): FuzzRequest {
  const target = rng.pick([
    '//[',
    '//',
    '///api/v1',
    '//x/api/v1/namespaces',
    '//[::1]/api',
    `http://127.0.0.1:${port}/api/v1/namespaces/fuzz-a/configmaps`,
    'http://[/api',
    'https://x@y/api/v1',
    '*',
    'api/v1',
    '/api/v1/namespaces/fuzz-a/configmaps?%',
    '/api/v1/namespaces/fuzz-a/configmaps/%ff%fe',
    '/api/v1/namespaces/fuzz-a/configmaps/\u00e9',
    '/api/v1/namespaces/fuzz-a/configmaps#x',
    '/api/v1/namespaces/fuzz-a/configmaps/a?b?c',
    '/api/v1/namespaces/fuzz-a/configmaps/obj-1/../../../fuzz-b/configmaps',
    '/apis/apps/v1/namespaces/fuzz-a/deployments/obj-1/scale',
    '/healthz',
  ])
  const method = rng.pick(['GET', 'GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'get', 'FOO', 'GET /x'])
  const effectiveMethod = touchesProtected(method.toUpperCase(), target) ? 'GET' : method
  const lines = [`${effectiveMethod} ${target} HTTP/1.1`, 'Host: 127.0.0.1']
  if (rng.bool(0.9)) lines.push(`Authorization: Bearer ${token}`)
  const body = rng.pick(['', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"raw"}}', '{', '[]'])
  const framing = rng.pick(['length', 'length', 'chunked', 'bad-length', 'short-length', 'bad-chunk', 'both'])
  if (body !== '' || rng.bool(0.2))
    lines.push(`Content-Type: ${rng.pick(['application/json', 'application/merge-patch+json', 'text/plain'])}`)
  let payload = body
  switch (framing) {
    case 'length':
      lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
      break
    case 'chunked':
      lines.push('Transfer-Encoding: chunked')
      payload = body ? `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n` : '0\r\n\r\n'
      break
    case 'bad-length':
      lines.push(`Content-Length: ${rng.pick(['-1', 'abc', '1e3', '99999999999999999999', '1, 2'])}`)
      break
    case 'short-length':
      lines.push(`Content-Length: ${Buffer.byteLength(body) + 5}`)
      break
    case 'bad-chunk':
      lines.push('Transfer-Encoding: chunked')
      payload = `zz\r\n${body}\r\n`
      break
    case 'both':
      lines.push('Transfer-Encoding: chunked', `Content-Length: ${Buffer.byteLength(body)}`)
      payload = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`
      break
  }
  if (rng.bool(0.1))
    lines.push(
      rng.pick([
        'X-Bad\u0001: x',
        'NoColon',
        `X-Long: ${'x'.repeat(20_000)}`,
        'Accept: application/json;as=Table;v=v1;g=meta.k8s.io',
      ]),
    )
  lines.push('Connection: close')
  const raw = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(payload)])
  return { index, category: `raw/${framing}`, method: effectiveMethod, path: target, headers: {}, raw, watch: false }
}
