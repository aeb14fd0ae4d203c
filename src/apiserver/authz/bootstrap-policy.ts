// The roles and bindings every Kubernetes API server starts with (the rbac bootstrap policy):
// cluster-admin for system:masters, discovery and self-review for every authenticated user,
// health and version for everyone, and the user-facing admin/edit/view roles, which are
// aggregated from the system:aggregate-to-* roles so that CRD authors can extend them.

import type { Client } from '../../client/client.ts'
import { isNotFound } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import type { PolicyRule } from './rules.ts'

const BOOTSTRAP = { 'kubernetes.io/bootstrapping': 'rbac-defaults' }
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }
const READ = ['get', 'list', 'watch']
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update']

function clusterRole(
  name: string,
  rules: PolicyRule[],
  labels: Record<string, string> = {},
  aggregateFrom?: string,
): KubeObject {
  const role: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { ...BOOTSTRAP, ...labels }, annotations: { ...AUTOUPDATE } },
    rules,
  }
  if (aggregateFrom) {
    role.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [aggregateFrom]: 'true' } }] }
  }
  return role
}

function binding(name: string, role: string, groups: string[]): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...BOOTSTRAP }, annotations: { ...AUTOUPDATE } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: groups.map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
  }
}

const workloads = {
  core: [
    'pods',
    'pods/log',
    'pods/status',
    'services',
    'services/status',
    'endpoints',
    'persistentvolumeclaims',
    'persistentvolumeclaims/status',
    'configmaps',
    'serviceaccounts',
    'replicationcontrollers',
    'replicationcontrollers/scale',
    'replicationcontrollers/status',
    'limitranges',
    'resourcequotas',
    'resourcequotas/status',
    'events',
    'namespaces',
    'namespaces/status',
    'bindings',
  ],
  apps: [
    'deployments',
    'deployments/scale',
    'deployments/status',
    'replicasets',
    'replicasets/scale',
    'replicasets/status',
    'statefulsets',
    'statefulsets/scale',
    'statefulsets/status',
    'daemonsets',
    'daemonsets/status',
    'controllerrevisions',
  ],
  batch: ['jobs', 'jobs/status', 'cronjobs', 'cronjobs/status'],
  autoscaling: ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'],
  policy: ['poddisruptionbudgets', 'poddisruptionbudgets/status'],
  'networking.k8s.io': ['ingresses', 'ingresses/status', 'networkpolicies'],
  'discovery.k8s.io': ['endpointslices'],
  'events.k8s.io': ['events'],
}

const viewRules: PolicyRule[] = Object.entries(workloads).map(([group, resources]) => ({
  apiGroups: [group === 'core' ? '' : group],
  resources,
  verbs: READ,
}))

const editRules: PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'services/proxy'],
    verbs: ['create', ...READ],
  },
  { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
  { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
  { apiGroups: [''], resources: ['secrets'], verbs: [...READ, ...WRITE] },
  {
    apiGroups: [''],
    resources: [
      'pods',
      'services',
      'endpoints',
      'persistentvolumeclaims',
      'configmaps',
      'serviceaccounts',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'events',
    ],
    verbs: WRITE,
  },
  {
    apiGroups: ['apps'],
    resources: [
      'deployments',
      'deployments/scale',
      'deployments/rollback',
      'replicasets',
      'replicasets/scale',
      'statefulsets',
      'statefulsets/scale',
      'daemonsets',
    ],
    verbs: WRITE,
  },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: WRITE },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: WRITE },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: WRITE },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: WRITE },
]

const adminRules: PolicyRule[] = [
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
]

export function bootstrapPolicy(): KubeObject[] {
  return [
    clusterRole('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    clusterRole('system:discovery', [
      {
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
        verbs: ['get'],
      },
    ]),
    clusterRole('system:public-info-viewer', [
      { nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] },
    ]),
    clusterRole('system:basic-user', [
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        verbs: ['create'],
      },
      { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
    ]),
    // For components that delegate authentication and authorization to this server (no binding
    // by default, as in Kubernetes).
    clusterRole('system:auth-delegator', [
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ]),
    clusterRole('system:aggregate-to-view', viewRules, { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }),
    clusterRole('system:aggregate-to-edit', editRules, { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' }),
    clusterRole('system:aggregate-to-admin', adminRules, { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' }),
    clusterRole(
      'view',
      [],
      { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' },
      'rbac.authorization.k8s.io/aggregate-to-view',
    ),
    clusterRole(
      'edit',
      [],
      { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' },
      'rbac.authorization.k8s.io/aggregate-to-edit',
    ),
    clusterRole('admin', [], {}, 'rbac.authorization.k8s.io/aggregate-to-admin'),
    binding('cluster-admin', 'cluster-admin', ['system:masters']),
    binding('system:discovery', 'system:discovery', ['system:authenticated']),
    binding('system:basic-user', 'system:basic-user', ['system:authenticated']),
    binding('system:public-info-viewer', 'system:public-info-viewer', [
      'system:authenticated',
      'system:unauthenticated',
    ]),
  ]
}

/**
 * Creates the bootstrap roles and bindings that are missing, and brings the rules of existing
 * ones back to the defaults when they carry the autoupdate annotation (as kube-apiserver's
 * rbac post-start hook does).
 */
export async function ensureBootstrapPolicy(client: Client): Promise<void> {
  for (const obj of bootstrapPolicy()) {
    const r = obj.kind === 'ClusterRole' ? CLUSTER_ROLES : CLUSTER_ROLE_BINDINGS
    try {
      const live = await client.get(r, '', obj.metadata.name!)
      const auto = live.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'] === 'true'
      const managed = obj.kind === 'ClusterRole' && !obj.aggregationRule
      if (auto && managed && JSON.stringify(live.rules) !== JSON.stringify(obj.rules)) {
        await client.patch(r, '', obj.metadata.name!, 'merge', { rules: obj.rules }, { fieldManager: 'rbac-bootstrap' })
      }
    } catch (e) {
      if (!isNotFound(e)) throw e
      await client.create(r, '', obj, { fieldManager: 'rbac-bootstrap' })
    }
  }
}

const CLUSTER_ROLES = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' }
const CLUSTER_ROLE_BINDINGS = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings' }
