// Impersonation headers (Impersonate-User, -Group, -Uid, -Extra-*): the request runs as another
// identity if the caller may `impersonate` each part of it, as kube-apiserver's filter checks.
// The hub uses this to run proxied requests as the hub user inside a member.

import type { IncomingMessage } from 'node:http'
import { forbidden } from '../../machinery/errors.ts'
import type { UserInfo } from '../authn.ts'
import type { Attributes, Authorizer } from './attributes.ts'

/**
 * Each header line is one value, as Go's net/http gives them to kube-apiserver: a group or extra
 * value may contain a comma, so lines are never split (Node's req.headers would join repeated
 * lines with ", ", hence headersDistinct).
 */
function headerList(req: IncomingMessage, name: string): string[] {
  return (req.headersDistinct[name] ?? []).map((s) => s.trim()).filter(Boolean)
}

const IMPERSONATE_HEADER = /^impersonate-/i

/**
 * Whether any Impersonate-* header came with the request. Almost no request has one, and the
 * answer comes from the raw header lines without building headersDistinct (a new object of
 * arrays on every access), which this check used to cost every request.
 */
function asksToImpersonate(req: IncomingMessage): boolean {
  const raw = req.rawHeaders
  for (let i = 0; i < raw.length; i += 2) if (IMPERSONATE_HEADER.test(raw[i])) return true
  return false
}

function check(authz: Authorizer, user: UserInfo, resource: string, name: string, namespace = '', group = ''): void {
  const a: Attributes = {
    user,
    verb: 'impersonate',
    isResourceRequest: true,
    path: '',
    apiGroup: group,
    apiVersion: 'v1',
    resource,
    subresource: '',
    namespace,
    name,
  }
  if (!authz.authorize(a).allowed) {
    const what = resource === 'serviceaccounts' ? `serviceaccounts "${name}"` : `${resource} "${name}"`
    throw forbidden(
      `${what} is forbidden: User "${user.username}" cannot impersonate resource "${resource}" in API group "${group}"${namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'}`,
    )
  }
}

/** The identity a request runs as: the authenticated user, or whom it may impersonate. */
export function impersonate(req: IncomingMessage, user: UserInfo, authz: Authorizer): UserInfo {
  if (!asksToImpersonate(req)) return user
  const username = headerList(req, 'impersonate-user')[0]
  const groups = headerList(req, 'impersonate-group')
  const uid = headerList(req, 'impersonate-uid')[0]
  const extraHeaders = Object.keys(req.headers).filter((h) => h.startsWith('impersonate-extra-'))
  if (!username && groups.length === 0 && !uid && extraHeaders.length === 0) return user
  if (!username) throw forbidden('requested impersonation of groups, uid or extra without a user')
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username)
  if (sa) check(authz, user, 'serviceaccounts', sa[2], sa[1])
  else check(authz, user, 'users', username, '', '')
  for (const g of groups) check(authz, user, 'groups', g)
  if (uid) check(authz, user, 'uids', uid, '', 'authentication.k8s.io')
  const extra: Record<string, string[]> = {}
  for (const h of extraHeaders) {
    const key = decodeURIComponent(h.slice('impersonate-extra-'.length))
    const values = headerList(req, h)
    for (const v of values) check(authz, user, `userextras/${key}`, v, '', 'authentication.k8s.io')
    extra[key] = values
  }
  const outGroups = [...groups]
  if (sa) outGroups.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`)
  if (!outGroups.includes('system:authenticated')) outGroups.push('system:authenticated')
  return { username, uid, groups: outGroups, ...(extraHeaders.length ? { extra } : {}) }
}
