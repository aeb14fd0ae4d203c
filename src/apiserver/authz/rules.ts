// Matching one RBAC PolicyRule against request attributes, with Kubernetes' semantics
// (plugin/pkg/auth/authorizer/rbac rule matching): "*" wildcards, "resource/subresource" and
// "*/subresource" forms, resourceNames only for named requests, nonResourceURLs with a
// trailing "*" as a prefix match.

import type { Attributes } from './attributes.ts'

export interface PolicyRule {
  verbs?: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

function has(list: readonly string[] | undefined, value: string): boolean {
  return !!list && (list.includes('*') || list.includes(value))
}

function resourceMatches(rule: PolicyRule, a: Attributes): boolean {
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true
    if (!a.subresource) continue
    if (r === `*/${a.subresource}`) return true
  }
  return false
}

function nonResourceMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true
  }
  return false
}

export function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if (!has(rule.verbs, a.verb)) return false
  if (!a.isResourceRequest) return nonResourceMatches(rule, a.path)
  if (!has(rule.apiGroups, a.apiGroup)) return false
  if (!resourceMatches(rule, a)) return false
  const names = rule.resourceNames ?? []
  return names.length === 0 || (a.name !== '' && names.includes(a.name))
}
