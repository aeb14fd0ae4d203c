// Which requests are audited, fixed rather than configurable (no audit Policy objects yet):
//   - every resource request that can change something: create, update, patch, delete,
//     deletecollection, on any resource or subresource (status, scale, serviceaccounts/token ...),
//     whether it succeeds, fails, or is refused (401, 403);
//   - every exec, attach and portforward session: "create" over SPDY, but "get" over WebSocket
//     (kubectl 1.30 and later), which is the verb authorization saw and the one logged;
//   - every request to the hub's member proxy, `platform.flotilla.dev` clusters/NAME/proxy/...,
//     whatever its verb, with the member and the member-side request in annotations.
// Reads (get, list, watch) and non-resource requests (discovery, health, OpenAPI) are not.
// The check runs on every request, so it only compares strings already parsed.

import { parseRequestInfo, type RequestInfo } from '../request-info.ts'
import {
  CLUSTER_ANNOTATION,
  MEMBER_NAME_ANNOTATION,
  MEMBER_NAMESPACE_ANNOTATION,
  MEMBER_PATH_ANNOTATION,
  MEMBER_RESOURCE_ANNOTATION,
  MEMBER_VERB_ANNOTATION,
} from './events.ts'

export const PLATFORM_GROUP = 'platform.flotilla.dev'

const MUTATING = new Set(['create', 'update', 'patch', 'delete', 'deletecollection'])
const SESSIONS = new Set(['exec', 'attach', 'portforward'])

/** Whether the request is a request to a member cluster through the hub's cluster proxy. */
export function isClusterProxy(info: RequestInfo): boolean {
  return (
    info.resource === 'clusters' &&
    info.apiGroup === PLATFORM_GROUP &&
    info.name !== '' &&
    info.namespace === '' &&
    (info.subresource === 'proxy' || info.subresource.startsWith('proxy/'))
  )
}

/** Whether a request is written to the audit log. */
export function shouldAudit(info: RequestInfo): boolean {
  if (!info.isResourceRequest) return false
  return MUTATING.has(info.verb) || SESSIONS.has(info.subresource) || isClusterProxy(info)
}

/**
 * Annotations describing a proxied request: the member cluster, and the request the member
 * receives (the path after `/proxy`, parsed as that member's API server will):
 *   platform.flotilla.dev/cluster           NAME
 *   platform.flotilla.dev/member-verb       get, list, watch, create ... (lowercase method for non-resource paths)
 *   platform.flotilla.dev/member-resource   RESOURCE[.GROUP][/SUBRESOURCE], as kubectl names them ("pods", "deployments.apps", "pods/log")
 *   platform.flotilla.dev/member-namespace  the namespace, when there is one
 *   platform.flotilla.dev/member-name       the object's name, when there is one
 *   platform.flotilla.dev/member-path       the path, for non-resource requests ("/version", "/apis")
 * Undefined when the request is not a proxied one.
 */
export function proxyAnnotations(
  info: RequestInfo,
  method: string,
  query: URLSearchParams,
): Record<string, string> | undefined {
  if (!isClusterProxy(info)) return undefined
  const memberPath = `/${info.subresource.slice('proxy/'.length)}`
  const member = parseRequestInfo(method, memberPath, query)
  const a: Record<string, string> = { [CLUSTER_ANNOTATION]: info.name, [MEMBER_VERB_ANNOTATION]: member.verb }
  if (!member.isResourceRequest) {
    a[MEMBER_PATH_ANNOTATION] = memberPath
    return a
  }
  let resource = member.apiGroup ? `${member.resource}.${member.apiGroup}` : member.resource
  if (member.subresource) resource += `/${member.subresource}`
  a[MEMBER_RESOURCE_ANNOTATION] = resource
  if (member.namespace) a[MEMBER_NAMESPACE_ANNOTATION] = member.namespace
  if (member.name) a[MEMBER_NAME_ANNOTATION] = member.name
  return a
}
