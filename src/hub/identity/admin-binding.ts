// Hub administrators are administrators of every member: the hub is only useful if the people
// who run it can operate the clusters it manages. Inside a member that is one
// ClusterRoleBinding, `flotilla:hub-admins`, binding the mapped hub administrator group(s) to
// `cluster-admin`. The import controller calls ensureHubAdminBinding() when it connects a member;
// the cluster proxy calls it too, once per member endpoint, in case the controller has not yet.
// A Cluster annotated `platform.flotilla.dev/hub-admin-access: "false"` opts out (the hub never
// creates or updates the binding; removing an existing one is the member owner's call).

import type { Client, Resource } from '../../client/client.ts'
import { isNotFound } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { HUB_IDENTITY_PREFIX } from './member-identity.ts'

export const HUB_ADMINS_BINDING = 'flotilla:hub-admins'
/** Hub groups whose members are cluster-admin in every member (mapped with the hub prefix). */
export const HUB_ADMIN_GROUPS = ['system:masters']
/** Cluster annotation: "false" keeps the hub from granting its administrators admin rights in the member. */
export const HUB_ADMIN_ACCESS_ANNOTATION = 'platform.flotilla.dev/hub-admin-access'

const clusterRoleBindings: Resource = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  resource: 'clusterrolebindings',
}

/** Whether the Cluster object allows the hub's administrators admin rights in its member. */
export function hubAdminAccessAllowed(cluster: KubeObject | undefined): boolean {
  return cluster?.metadata?.annotations?.[HUB_ADMIN_ACCESS_ANNOTATION] !== 'false'
}

/** The binding as the hub wants it in every member. */
export function hubAdminBinding(hubGroups: string[] = HUB_ADMIN_GROUPS): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: {
      name: HUB_ADMINS_BINDING,
      labels: { 'app.kubernetes.io/managed-by': 'flotilla' },
      annotations: {
        'platform.flotilla.dev/description':
          'Administrators of the Flotilla hub (hub groups mapped as flotilla:hub:<group>) are cluster-admin here. See docs/hub-identities.md.',
      },
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: hubGroups.map((g) => ({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Group',
      name: HUB_IDENTITY_PREFIX + g,
    })),
  }
}

export type EnsureResult = 'created' | 'updated' | 'unchanged'

/**
 * Creates or updates `flotilla:hub-admins` in the member `client` talks to (with the hub's own
 * credential for that member). A binding of that name pointing at another role is replaced:
 * roleRef is immutable, and a binding with the hub's name is the hub's.
 */
export async function ensureHubAdminBinding(
  client: Pick<Client, 'get' | 'create' | 'update' | 'delete'>,
  hubGroups: string[] = HUB_ADMIN_GROUPS,
): Promise<EnsureResult> {
  const want = hubAdminBinding(hubGroups)
  let have: KubeObject
  try {
    have = await client.get(clusterRoleBindings, '', HUB_ADMINS_BINDING)
  } catch (e) {
    if (!isNotFound(e)) throw e
    await client.create(clusterRoleBindings, '', want)
    return 'created'
  }
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
  const haveRef = have.roleRef as Record<string, unknown> | undefined
  if (haveRef?.name !== 'cluster-admin' || haveRef?.kind !== 'ClusterRole') {
    await client.delete(clusterRoleBindings, '', HUB_ADMINS_BINDING)
    await client.create(clusterRoleBindings, '', want)
    return 'updated'
  }
  if (same(have.subjects, want.subjects)) return 'unchanged'
  await client.update(clusterRoleBindings, '', { ...have, subjects: want.subjects })
  return 'updated'
}
