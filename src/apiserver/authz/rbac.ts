// The RBAC authorizer: allows a request when a ClusterRoleBinding (anywhere) or a RoleBinding
// (in the request's namespace) binds one of the user's subjects to a role with a matching
// rule. Roles and bindings are kept in memory from informers and indexed by subject, so a
// decision is a few map lookups and rule checks, not a list.

import type { Client } from '../../client/client.ts'
import { Informer } from '../../client/informer.ts'
import type { Logger } from '../../log/logger.ts'
import type { KubeObject } from '../../machinery/object.ts'
import type { UserInfo } from '../authn.ts'
import type { Attributes, Authorizer, Decision } from './attributes.ts'
import { type PolicyRule, ruleAllows } from './rules.ts'

const RBAC = 'rbac.authorization.k8s.io'
const rbac = (resource: string) => ({ group: RBAC, version: 'v1', resource })

interface Subject {
  kind: string
  name: string
  namespace?: string
}

interface RoleRef {
  kind: 'Role' | 'ClusterRole'
  name: string
}

interface Binding {
  kind: 'RoleBinding' | 'ClusterRoleBinding'
  name: string
  namespace: string
  roleRef: RoleRef
}

/** The keys under which a user's bindings are indexed. */
export function subjectKeys(user: UserInfo): string[] {
  const keys = [`User:${user.username}`, ...user.groups.map((g) => `Group:${g}`)]
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user.username)
  if (sa) keys.push(`ServiceAccount:${sa[1]}:${sa[2]}`)
  return keys
}

function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  if (s.kind === 'User') return `User:${s.name}`
  if (s.kind === 'Group') return `Group:${s.name}`
  if (s.kind === 'ServiceAccount') return `ServiceAccount:${s.namespace || bindingNamespace}:${s.name}`
  return undefined
}

export class RBACAuthorizer implements Authorizer {
  private readonly informers: Informer[] = []
  private readonly roles = new Map<string, PolicyRule[]>() // "ns/name" for Roles, "name" for ClusterRoles
  private readonly clusterBindings = new Map<string, Binding[]>() // subject key -> bindings
  private readonly namespaceBindings = new Map<string, Map<string, Binding[]>>() // ns -> subject -> bindings
  private readonly clusterRoleBindings: Informer
  private readonly roleBindings: Informer

  constructor(opts: { client: Client; log: Logger }) {
    const make = (resource: string) => new Informer({ client: opts.client, resource: rbac(resource), log: opts.log })
    const clusterRoles = make('clusterroles')
    const roles = make('roles')
    this.clusterRoleBindings = make('clusterrolebindings')
    this.roleBindings = make('rolebindings')
    clusterRoles.on({
      add: (o) => this.roles.set(o.metadata.name!, rulesOf(o)),
      update: (o) => this.roles.set(o.metadata.name!, rulesOf(o)),
      delete: (o) => this.roles.delete(o.metadata.name!),
    })
    roles.on({
      add: (o) => this.roles.set(`${o.metadata.namespace}/${o.metadata.name}`, rulesOf(o)),
      update: (o) => this.roles.set(`${o.metadata.namespace}/${o.metadata.name}`, rulesOf(o)),
      delete: (o) => this.roles.delete(`${o.metadata.namespace}/${o.metadata.name}`),
    })
    // Binding indexes are rebuilt from the informers' caches on any change: bindings change
    // rarely and the rebuild is linear in their number.
    const rebuild = () => this.reindex()
    for (const inf of [this.clusterRoleBindings, this.roleBindings])
      inf.on({ add: rebuild, update: rebuild, delete: rebuild })
    this.informers.push(clusterRoles, roles, this.clusterRoleBindings, this.roleBindings)
  }

  async start(): Promise<void> {
    for (const i of this.informers) i.start()
    await Promise.all(this.informers.map((i) => i.synced))
  }

  stop(): void {
    for (const i of this.informers) i.stop()
  }

  private reindex(): void {
    this.clusterBindings.clear()
    this.namespaceBindings.clear()
    for (const o of this.clusterRoleBindings.list()) {
      const b: Binding = { kind: 'ClusterRoleBinding', name: o.metadata.name!, namespace: '', roleRef: roleRefOf(o) }
      for (const s of subjectsOf(o)) {
        const k = subjectKey(s, '')
        if (k) push(this.clusterBindings, k, b)
      }
    }
    for (const o of this.roleBindings.list()) {
      const ns = o.metadata.namespace!
      const b: Binding = { kind: 'RoleBinding', name: o.metadata.name!, namespace: ns, roleRef: roleRefOf(o) }
      let byNs = this.namespaceBindings.get(ns)
      if (!byNs) {
        byNs = new Map()
        this.namespaceBindings.set(ns, byNs)
      }
      for (const s of subjectsOf(o)) {
        const k = subjectKey(s, ns)
        if (k) push(byNs, k, b)
      }
    }
  }

  private rulesFor(b: Binding): PolicyRule[] {
    const key = b.roleRef.kind === 'Role' ? `${b.namespace}/${b.roleRef.name}` : b.roleRef.name
    return this.roles.get(key) ?? []
  }

  authorize(a: Attributes): Decision {
    const keys = subjectKeys(a.user)
    const check = (bindings: Binding[] | undefined, subject: string): Decision | undefined => {
      for (const b of bindings ?? []) {
        if (this.rulesFor(b).some((r) => ruleAllows(r, a))) {
          return {
            allowed: true,
            reason: `RBAC: allowed by ${b.kind} "${b.name}${b.namespace ? `/${b.namespace}` : ''}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${subject.split(':')[0]} "${subject.slice(subject.indexOf(':') + 1)}"`,
          }
        }
      }
      return undefined
    }
    for (const k of keys) {
      const d = check(this.clusterBindings.get(k), k)
      if (d) return d
    }
    if (a.namespace) {
      const byNs = this.namespaceBindings.get(a.namespace)
      for (const k of keys) {
        const d = check(byNs?.get(k), k)
        if (d) return d
      }
    }
    return { allowed: false, reason: '' }
  }

  /** The rules that apply to a user in a namespace (SelfSubjectRulesReview). */
  rulesForUser(user: UserInfo, namespace: string): PolicyRule[] {
    const out: PolicyRule[] = []
    for (const k of subjectKeys(user)) {
      for (const b of this.clusterBindings.get(k) ?? []) out.push(...this.rulesFor(b))
      for (const b of this.namespaceBindings.get(namespace)?.get(k) ?? []) out.push(...this.rulesFor(b))
    }
    return out
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k)
  if (list) list.push(v)
  else m.set(k, [v])
}

function rulesOf(o: KubeObject): PolicyRule[] {
  return Array.isArray(o.rules) ? (o.rules as PolicyRule[]) : []
}

function roleRefOf(o: KubeObject): RoleRef {
  const r = (o.roleRef ?? {}) as { kind?: string; name?: string }
  return { kind: r.kind === 'Role' ? 'Role' : 'ClusterRole', name: r.name ?? '' }
}

function subjectsOf(o: KubeObject): Subject[] {
  return Array.isArray(o.subjects) ? (o.subjects as Subject[]) : []
}

/** Kubernetes' denial message, e.g. `pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns"`. */
export function forbiddenMessage(a: Attributes): string {
  const who = `User ${JSON.stringify(a.user.username)}`
  if (!a.isResourceRequest) return `forbidden: ${who} cannot ${a.verb} path ${JSON.stringify(a.path)}`
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource
  const where = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope'
  const reason = `${who} cannot ${a.verb} resource ${JSON.stringify(res)} in API group ${JSON.stringify(a.apiGroup)} ${where}`
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource
  return `${qualified}${a.name ? ` ${JSON.stringify(a.name)}` : ''} is forbidden: ${reason}`
}
