// The hub's proxy to its members: the `clusters/proxy` subresource of platform.flotilla.dev
// Cluster, as Karmada serves `cluster.karmada.io/v1alpha1/clusters/NAME/proxy/...`.
//
//   /apis/platform.flotilla.dev/v1alpha1/clusters/NAME/proxy/<member path>?<query>
//
// The API server has already authenticated the caller, applied any Impersonate-* headers and
// checked hub RBAC on `clusters/proxy` (verb from the HTTP method, as kube-apiserver does for
// pods/proxy). Here: 404 when there is no such Cluster, 503 when it is not connected, otherwise
// the request goes to the member with the hub's credential for it, impersonating the caller's
// mapped identity (src/hub/identity), so the member's own RBAC decides.

import type { UserInfo } from '../../apiserver/authn.ts'
import type { RequestContext } from '../../apiserver/handlers/context.ts'
import type { Connector } from '../../apiserver/server.ts'
import type { Logger } from '../../log/logger.ts'
import { serviceUnavailable } from '../../machinery/errors.ts'
import { impersonationHeaders, memberIdentity } from '../identity/member-identity.ts'
import type { MemberDirectory } from '../members/directory.ts'
import { AdminBindingOnce } from './admin-binding-once.ts'
import { forward } from './forward.ts'
import { forwardUpgrade } from './upgrade.ts'

export interface ClusterProxyOptions {
  members: MemberDirectory
  log: Logger
  /**
   * Make sure each member has the `flotilla:hub-admins` binding before the first request the
   * proxy sends it (default true; the import controller normally has done it already).
   */
  ensureAdminBinding?: boolean
}

/** How long a plain request may wait for the member's status line (streams are exempt). */
const HEADERS_TIMEOUT_MS = 60_000

export function clusterProxyConnector(opts: ClusterProxyOptions): Connector {
  const adminBinding = opts.ensureAdminBinding === false ? undefined : new AdminBindingOnce({ log: opts.log })
  return async (ctx: RequestContext, user: UserInfo) => {
    const cluster = ctx.info.name
    const endpoint = opts.members.get(cluster)
    if (!endpoint) {
      await ctx.store.get('', cluster) // NotFound when there is no such Cluster
      throw serviceUnavailable(`the member cluster "${cluster}" is not connected to the hub`)
    }
    await adminBinding?.ensure(endpoint, () => ctx.store.get('', endpoint.cluster))
    const f = {
      cluster,
      endpoint,
      req: ctx.req,
      res: ctx.res,
      path: memberPath(ctx),
      extraHeaders: memberHeaders(user),
      auditId: ctx.reqId,
    }
    // Node's parser marks requests that arrived through the server's 'upgrade' event.
    if ((ctx.req as { upgrade?: boolean }).upgrade) return forwardUpgrade(f)
    return forward({ ...f, headersTimeoutMs: isStream(ctx.query) ? undefined : HEADERS_TIMEOUT_MS })
  }
}

/** Identities seen recently → their Impersonate-* headers (bounded; cleared when full). */
const headerCache = new Map<string, readonly string[]>()
const HEADER_CACHE_MAX = 1024

/**
 * The Impersonate-* headers for a hub user: the same few identities send request after request,
 * so the mapping (and its header-safety checks) is computed once per identity. Users whose names
 * cannot be passed (the check throws) are never cached. The list is copied by forward().
 */
function memberHeaders(user: UserInfo): readonly string[] {
  // JSON, not a separator: any character may occur in a name, and keys must never collide.
  const key = JSON.stringify([user.username, user.uid ?? '', user.groups])
  let headers = headerCache.get(key)
  if (!headers) {
    headers = impersonationHeaders(memberIdentity(user))
    if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear()
    headerCache.set(key, headers)
  }
  return headers
}

/**
 * The member-side path and query: what follows `/proxy` in the (normalised) path the hub
 * authorised, a trailing slash if the caller sent one, and the query exactly as sent.
 */
function memberPath(ctx: RequestContext): string {
  const sub = ctx.info.subresource
  const rest = sub.length > 'proxy'.length ? sub.slice('proxy/'.length) : ''
  const url = ctx.req.url ?? '/'
  const q = url.indexOf('?')
  const rawPath = q < 0 ? url : url.slice(0, q)
  const trailing = rest && rawPath.endsWith('/') ? '/' : ''
  return `/${rest}${trailing}${q < 0 ? '' : url.slice(q)}`
}

/** Watches and followed logs may be silent for a long time before their first byte. */
function isStream(query: URLSearchParams): boolean {
  const on = (k: string) => {
    const v = query.get(k)
    return v === 'true' || v === '1'
  }
  return on('watch') || on('follow')
}
