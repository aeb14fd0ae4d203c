// The hub's platform roles: what a platform administrator, a platform user and a viewer may do
// across the hub (the product's admin / user / viewer split), plus the binding that lets every
// authenticated user ask for a kubeconfig for themselves (the kubeconfig then carries only the
// caller's own identity, so this grants no access by itself). Like Kubernetes' bootstrap
// policy, the roles are created when missing and brought back to their defaults on every start
// while they carry the autoupdate annotation; an administrator who wants to customise one sets
// the annotation to "false".

import { PLATFORM_GROUP } from '../../apis/platform/cluster.ts'
import type { PolicyRule } from '../../apiserver/authz/rules.ts'
import type { Client, Resource } from '../../client/client.ts'
import { isNotFound } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'

export const PLATFORM_ADMIN = 'flotilla:platform-admin'
export const PLATFORM_USER = 'flotilla:platform-user'
export const PLATFORM_VIEWER = 'flotilla:platform-viewer'
export const KUBECONFIG_REQUESTER = 'flotilla:kubeconfig-requester'

const LABELS = { 'platform.flotilla.dev/bootstrapping': 'platform-defaults' }
const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate'
const READ = ['get', 'list', 'watch']
const FIELD_MANAGER = 'flotilla-platform-roles'

const CLUSTER_ROLES: Resource = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' }
const CLUSTER_ROLE_BINDINGS: Resource = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  resource: 'clusterrolebindings',
}

/** Events in both groups kubectl reads them from. */
const readEvents: PolicyRule[] = [
  { apiGroups: [''], resources: ['events'], verbs: READ },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
]

export function platformRoles(): KubeObject[] {
  return [
    clusterRole(PLATFORM_ADMIN, [
      // Everything on the hub, as cluster-admin: platform objects, RBAC, hub-issued tokens.
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    clusterRole(PLATFORM_USER, [
      { apiGroups: [PLATFORM_GROUP], resources: ['clusters'], verbs: READ },
      // Through the proxy the member's own RBAC decides; the hub only lets the request through.
      {
        apiGroups: [PLATFORM_GROUP],
        resources: ['clusters/proxy'],
        verbs: ['get', 'create', 'update', 'patch', 'delete', 'list', 'watch'],
      },
      { apiGroups: [PLATFORM_GROUP], resources: ['clusters/kubeconfig'], verbs: ['create'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: READ },
      ...readEvents,
    ]),
    clusterRole(PLATFORM_VIEWER, [
      { apiGroups: [PLATFORM_GROUP], resources: ['clusters'], verbs: READ },
      // Read-only through the proxy: proxied GETs only.
      { apiGroups: [PLATFORM_GROUP], resources: ['clusters/proxy'], verbs: ['get'] },
      ...readEvents,
    ]),
    clusterRole(KUBECONFIG_REQUESTER, [
      { apiGroups: [PLATFORM_GROUP], resources: ['clusters/kubeconfig'], verbs: ['create'] },
    ]),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: KUBECONFIG_REQUESTER, labels: { ...LABELS }, annotations: { [AUTOUPDATE]: 'true' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: KUBECONFIG_REQUESTER },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
    },
  ]
}

function clusterRole(name: string, rules: PolicyRule[]): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { ...LABELS }, annotations: { [AUTOUPDATE]: 'true' } },
    rules,
  }
}

interface Subject {
  kind?: string
  name?: string
  namespace?: string
}

const subjectKey = (s: Subject) => `${s.kind}/${s.namespace ?? ''}/${s.name}`

/**
 * Creates the platform roles and binding that are missing and reconciles existing ones that
 * still carry the autoupdate annotation: role rules are reset to the defaults, and a binding
 * gets back the subjects it should have (ones an administrator added are kept, as kube-apiserver's
 * reconciliation does). Idempotent: nothing is written when everything is as it should be.
 */
export async function ensurePlatformRoles(client: Client): Promise<void> {
  for (const want of platformRoles()) {
    const r = want.kind === 'ClusterRole' ? CLUSTER_ROLES : CLUSTER_ROLE_BINDINGS
    const name = want.metadata.name!
    let live: KubeObject
    try {
      live = await client.get(r, '', name)
    } catch (e) {
      if (!isNotFound(e)) throw e
      await client.create(r, '', want, { fieldManager: FIELD_MANAGER })
      continue
    }
    if (live.metadata.annotations?.[AUTOUPDATE] !== 'true') continue
    if (want.kind === 'ClusterRole') {
      if (JSON.stringify(live.rules ?? []) !== JSON.stringify(want.rules)) {
        await client.patch(r, '', name, 'merge', { rules: want.rules }, { fieldManager: FIELD_MANAGER })
      }
      continue
    }
    const have = (live.subjects as Subject[] | undefined) ?? []
    const keys = new Set(have.map(subjectKey))
    const missing = (want.subjects as Subject[]).filter((s) => !keys.has(subjectKey(s)))
    if (missing.length > 0) {
      await client.patch(r, '', name, 'merge', { subjects: [...have, ...missing] }, { fieldManager: FIELD_MANAGER })
    }
  }
}
