// The rbac.authorization.k8s.io group, v1. Role and ClusterRole have no printer (the default
// "Created At" table); the bindings use printers.go roleBindingsColumnDefinitions (ROLE, and
// USERS/GROUPS/SERVICEACCOUNTS from rbac.SubjectsStrings with -o wide). Every RBAC name is
// validated as a path segment (ValidateRBACName).

import type { Column, KindDef } from '../../machinery/kinds.ts'
import { defineKind } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { DOC } from '../docs.ts'
import { arr, rec, str } from '../json.ts'
import { ageColumn, column, createdAtColumn } from '../printing.ts'

const base = { group: 'rbac.authorization.k8s.io', version: 'v1', nameValidation: 'path-segment' } as const

function subjects(binding: KubeObject, kind: string): string {
  return arr(binding.subjects)
    .map(rec)
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${str(s.namespace)}/${str(s.name)}` : str(s.name)))
    .join(', ')
}

function bindingColumns(roleRefDoc: string, what: string): Column[] {
  return [
    column('Role', roleRefDoc, (o) => `${str(rec(o.roleRef).kind)}/${str(rec(o.roleRef).name)}`),
    ageColumn(),
    column('Users', `Users in the ${what}`, (o) => subjects(o, 'User'), { priority: 1 }),
    column('Groups', `Groups in the ${what}`, (o) => subjects(o, 'Group'), { priority: 1 }),
    column('ServiceAccounts', `ServiceAccounts in the ${what}`, (o) => subjects(o, 'ServiceAccount'), { priority: 1 }),
  ]
}

export const clusterRoleBinding: KindDef = defineKind({
  ...base,
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  scope: 'Cluster',
  columns: bindingColumns(DOC.clusterRoleBindingRoleRef, 'clusterRoleBinding'),
})

export const clusterRole: KindDef = defineKind({
  ...base,
  kind: 'ClusterRole',
  plural: 'clusterroles',
  scope: 'Cluster',
  columns: [createdAtColumn()],
})

export const roleBinding: KindDef = defineKind({
  ...base,
  kind: 'RoleBinding',
  plural: 'rolebindings',
  scope: 'Namespaced',
  columns: bindingColumns(DOC.roleBindingRoleRef, 'roleBinding'),
})

export const role: KindDef = defineKind({
  ...base,
  kind: 'Role',
  plural: 'roles',
  scope: 'Namespaced',
  columns: [createdAtColumn()],
})

/** Discovery order (sorted by resource name). */
export const rbacKinds: KindDef[] = [clusterRoleBinding, clusterRole, roleBinding, role]
