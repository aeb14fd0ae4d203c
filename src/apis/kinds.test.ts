import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ALL_VERBS, apiVersionOf, type KindDef } from '../machinery/kinds.ts'
import { builtinKinds } from './index.ts'

const byKey = new Map(builtinKinds.map((k) => [`${k.group}/${k.kind}`, k]))
const get = (group: string, kind: string): KindDef => {
  const def = byKey.get(`${group}/${kind}`)
  if (!def) throw new Error(`no ${group}/${kind}`)
  return def
}

// Facts checked against Kubernetes' discovery documents (api/discovery/*.json) and registries.
// [group, kind, plural, scope, shortNames, categories, status, scale, generation, nameValidation]
type Row = [
  string,
  string,
  string,
  'Namespaced' | 'Cluster',
  string[],
  string[],
  boolean,
  boolean,
  'spec' | 'none',
  KindDef['nameValidation'],
]
const facts: Row[] = [
  ['', 'ConfigMap', 'configmaps', 'Namespaced', ['cm'], [], false, false, 'none', 'dns1123-subdomain'],
  ['', 'Endpoints', 'endpoints', 'Namespaced', ['ep'], [], false, false, 'none', 'dns1123-subdomain'],
  ['', 'Event', 'events', 'Namespaced', ['ev'], [], false, false, 'none', 'dns1123-subdomain'],
  ['', 'LimitRange', 'limitranges', 'Namespaced', ['limits'], [], false, false, 'none', 'dns1123-subdomain'],
  ['', 'Namespace', 'namespaces', 'Cluster', ['ns'], [], true, false, 'none', 'dns1123-label'],
  ['', 'Node', 'nodes', 'Cluster', ['no'], [], true, false, 'none', 'dns1123-subdomain'],
  [
    '',
    'PersistentVolumeClaim',
    'persistentvolumeclaims',
    'Namespaced',
    ['pvc'],
    [],
    true,
    false,
    'none',
    'dns1123-subdomain',
  ],
  ['', 'PersistentVolume', 'persistentvolumes', 'Cluster', ['pv'], [], true, false, 'none', 'dns1123-subdomain'],
  ['', 'Pod', 'pods', 'Namespaced', ['po'], ['all'], true, false, 'spec', 'dns1123-subdomain'],
  ['', 'ResourceQuota', 'resourcequotas', 'Namespaced', ['quota'], [], true, false, 'none', 'dns1123-subdomain'],
  ['', 'Secret', 'secrets', 'Namespaced', [], [], false, false, 'none', 'dns1123-subdomain'],
  ['', 'ServiceAccount', 'serviceaccounts', 'Namespaced', ['sa'], [], false, false, 'none', 'dns1123-subdomain'],
  ['', 'Service', 'services', 'Namespaced', ['svc'], ['all'], true, false, 'none', 'dns1123-label'],
  [
    'apps',
    'ControllerRevision',
    'controllerrevisions',
    'Namespaced',
    [],
    [],
    false,
    false,
    'none',
    'dns1123-subdomain',
  ],
  ['apps', 'DaemonSet', 'daemonsets', 'Namespaced', ['ds'], ['all'], true, false, 'spec', 'dns1123-subdomain'],
  ['apps', 'Deployment', 'deployments', 'Namespaced', ['deploy'], ['all'], true, true, 'spec', 'dns1123-subdomain'],
  ['apps', 'ReplicaSet', 'replicasets', 'Namespaced', ['rs'], ['all'], true, true, 'spec', 'dns1123-subdomain'],
  ['apps', 'StatefulSet', 'statefulsets', 'Namespaced', ['sts'], ['all'], true, true, 'spec', 'dns1123-subdomain'],
  ['events.k8s.io', 'Event', 'events', 'Namespaced', ['ev'], [], false, false, 'none', 'dns1123-subdomain'],
  [
    'authentication.k8s.io',
    'SelfSubjectReview',
    'selfsubjectreviews',
    'Cluster',
    [],
    [],
    false,
    false,
    'none',
    'dns1123-subdomain',
  ],
  [
    'authentication.k8s.io',
    'TokenReview',
    'tokenreviews',
    'Cluster',
    [],
    [],
    false,
    false,
    'none',
    'dns1123-subdomain',
  ],
  [
    'authorization.k8s.io',
    'LocalSubjectAccessReview',
    'localsubjectaccessreviews',
    'Namespaced',
    [],
    [],
    false,
    false,
    'none',
    'dns1123-subdomain',
  ],
  [
    'authorization.k8s.io',
    'SelfSubjectAccessReview',
    'selfsubjectaccessreviews',
    'Cluster',
    [],
    [],
    false,
    false,
    'none',
    'dns1123-subdomain',
  ],
  [
    'authorization.k8s.io',
    'SelfSubjectRulesReview',
    'selfsubjectrulesreviews',
    'Cluster',
    [],
    [],
    false,
    false,
    'none',
    'dns1123-subdomain',
  ],
  [
    'authorization.k8s.io',
    'SubjectAccessReview',
    'subjectaccessreviews',
    'Cluster',
    [],
    [],
    false,
    false,
    'none',
    'dns1123-subdomain',
  ],
  [
    'autoscaling',
    'HorizontalPodAutoscaler',
    'horizontalpodautoscalers',
    'Namespaced',
    ['hpa'],
    ['all'],
    true,
    false,
    'none',
    'dns1123-subdomain',
  ],
  ['batch', 'CronJob', 'cronjobs', 'Namespaced', ['cj'], ['all'], true, false, 'spec', 'dns1123-subdomain'],
  ['batch', 'Job', 'jobs', 'Namespaced', [], ['all'], true, false, 'spec', 'dns1123-subdomain'],
  ['networking.k8s.io', 'Ingress', 'ingresses', 'Namespaced', ['ing'], [], true, false, 'spec', 'dns1123-subdomain'],
  [
    'networking.k8s.io',
    'NetworkPolicy',
    'networkpolicies',
    'Namespaced',
    ['netpol'],
    [],
    false,
    false,
    'spec',
    'dns1123-subdomain',
  ],
  [
    'policy',
    'PodDisruptionBudget',
    'poddisruptionbudgets',
    'Namespaced',
    ['pdb'],
    [],
    true,
    false,
    'spec',
    'dns1123-subdomain',
  ],
  [
    'rbac.authorization.k8s.io',
    'ClusterRoleBinding',
    'clusterrolebindings',
    'Cluster',
    [],
    [],
    false,
    false,
    'none',
    'path-segment',
  ],
  ['rbac.authorization.k8s.io', 'ClusterRole', 'clusterroles', 'Cluster', [], [], false, false, 'none', 'path-segment'],
  [
    'rbac.authorization.k8s.io',
    'RoleBinding',
    'rolebindings',
    'Namespaced',
    [],
    [],
    false,
    false,
    'none',
    'path-segment',
  ],
  ['rbac.authorization.k8s.io', 'Role', 'roles', 'Namespaced', [], [], false, false, 'none', 'path-segment'],
  [
    'storage.k8s.io',
    'StorageClass',
    'storageclasses',
    'Cluster',
    ['sc'],
    [],
    false,
    false,
    'none',
    'dns1123-subdomain',
  ],
  [
    'apiextensions.k8s.io',
    'CustomResourceDefinition',
    'customresourcedefinitions',
    'Cluster',
    ['crd', 'crds'],
    ['api-extensions'],
    true,
    false,
    'spec',
    'dns1123-subdomain',
  ],
  ['coordination.k8s.io', 'Lease', 'leases', 'Namespaced', [], [], false, false, 'none', 'dns1123-subdomain'],
  [
    'discovery.k8s.io',
    'EndpointSlice',
    'endpointslices',
    'Namespaced',
    [],
    [],
    false,
    false,
    'spec',
    'dns1123-subdomain',
  ],
]

describe('builtinKinds', () => {
  it('lists every kind once, in discovery order', () => {
    assert.deepEqual(
      builtinKinds.map((k) => `${k.group}/${k.kind}`),
      facts.map(([g, k]) => `${g}/${k}`),
    )
  })

  it('versions: v1 everywhere except autoscaling/v2', () => {
    for (const k of builtinKinds)
      assert.equal(apiVersionOf(k), k.group === 'autoscaling' ? 'autoscaling/v2' : k.group ? `${k.group}/v1` : 'v1')
  })

  for (const [group, kind, plural, scope, shortNames, categories, status, scale, generation, nameValidation] of facts) {
    it(`${group || 'core'}/${kind}`, () => {
      const def = get(group, kind)
      assert.equal(def.plural, plural)
      assert.equal(def.singular, kind.toLowerCase())
      assert.equal(def.listKind, `${kind}List`)
      assert.equal(def.scope, scope)
      assert.deepEqual(def.shortNames, shortNames)
      assert.deepEqual(def.categories, categories)
      assert.equal(def.subresources.status, status)
      assert.equal(def.subresources.scale !== undefined, scale)
      assert.equal(def.generation, generation)
      assert.equal(def.nameValidation, nameValidation)
      assert.deepEqual(
        [...def.verbs],
        def.virtual
          ? ['create']
          : kind === 'Namespace'
            ? ALL_VERBS.filter((v) => v !== 'deletecollection')
            : [...ALL_VERBS],
      )
    })
  }

  it('plural and short names are unique within each group', () => {
    const groups = new Map<string, string[]>()
    for (const k of builtinKinds)
      groups.set(k.group, [...(groups.get(k.group) ?? []), k.plural, k.singular, ...k.shortNames])
    for (const [group, names] of groups) {
      const dupes = names.filter((n, i) => names.indexOf(n) !== i)
      // singular and plural of Endpoints are both "endpoints", as in Kubernetes.
      assert.deepEqual(
        dupes.filter((n) => n !== 'endpoints'),
        [],
        `duplicates in group "${group}"`,
      )
    }
  })

  it('columns: no NAME column, unique names, AGE (or Created At) present', () => {
    for (const k of builtinKinds.filter((d) => !d.virtual)) {
      const names = k.columns.map((c) => c.name)
      assert.ok(!names.some((n) => n.toLowerCase() === 'name'), `${k.kind} has a Name column`)
      assert.equal(new Set(names).size, names.length, `${k.kind} repeats a column`)
      const isEvent = k.kind === 'Event'
      assert.ok(isEvent || names.includes('Age') || names.includes('Created At'), `${k.kind} has no age column`)
      for (const c of k.columns) {
        assert.ok(c.priority === 0 || c.priority === 1)
        assert.ok(c.description.length > 0, `${k.kind}.${c.name} has no description`)
        const age = k.columns.find((c) => c.name === 'Age')
        if (age) assert.equal(age.type, 'string')
      }
    }
  })

  it('the kinds kubectl lists with "get all"', () => {
    const all = builtinKinds.filter((k) => k.categories.includes('all')).map((k) => k.plural)
    assert.deepEqual(all.sort(), [
      'cronjobs',
      'daemonsets',
      'deployments',
      'horizontalpodautoscalers',
      'jobs',
      'pods',
      'replicasets',
      'services',
      'statefulsets',
    ])
  })

  it('field selector functions return strings for an empty object', () => {
    for (const k of builtinKinds) {
      for (const [field, read] of Object.entries(k.fieldSelectors)) {
        assert.equal(typeof read({ metadata: {} }), 'string', `${k.kind} ${field}`)
      }
    }
  })

  it('cells never throw on an empty object', () => {
    for (const k of builtinKinds) for (const c of k.columns) c.cell({ metadata: {} }, Date.now())
  })

  it('hooks tolerate an empty object', () => {
    for (const k of builtinKinds) {
      const obj = { metadata: { name: 'x', uid: 'u' } }
      k.prepareForCreate?.(obj)
      k.prepareForUpdate?.(obj, { metadata: { name: 'x' } })
      assert.ok(Array.isArray(k.validate?.(obj) ?? []))
    }
  })
})
