// Turns a URL path and method into the Kubernetes request attributes (as apiserver's
// RequestInfoFactory does): which group/version/resource, namespace, name and subresource the
// request addresses, and which verb it is (get/list/watch/create/update/patch/delete/...).

export interface RequestInfo {
  isResourceRequest: boolean
  path: string
  verb: string
  apiPrefix: 'api' | 'apis' | ''
  apiGroup: string
  apiVersion: string
  namespace: string
  resource: string
  subresource: string
  name: string
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize'])

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  }
  const parts = path.split('/').filter((p) => p !== '')
  if (parts[0] !== 'api' && parts[0] !== 'apis') return info
  info.apiPrefix = parts[0]
  let rest: string[]
  if (parts[0] === 'api') {
    if (parts.length < 3) return info // /api, /api/v1 are discovery
    info.apiVersion = parts[1]
    rest = parts.slice(2)
  } else {
    if (parts.length < 4) return info // /apis, /apis/G, /apis/G/V are discovery
    info.apiGroup = parts[1]
    info.apiVersion = parts[2]
    rest = parts.slice(3)
  }
  info.isResourceRequest = true

  // /namespaces/NS/RESOURCE... addresses namespaced objects, except /namespaces/NS[/status|finalize]
  // which addresses the Namespace object itself.
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    if (rest.length === 2 || (rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2]))) {
      info.resource = 'namespaces'
      info.name = rest[1]
      info.subresource = rest[2] ?? ''
    } else {
      info.namespace = rest[1]
      info.resource = rest[2]
      info.name = rest[3] ?? ''
      info.subresource = rest.slice(4).join('/')
    }
  } else {
    info.resource = rest[0]
    info.name = rest[1] ?? ''
    info.subresource = rest.slice(2).join('/')
  }

  switch (method) {
    case 'POST':
      info.verb = 'create'
      break
    case 'GET':
    case 'HEAD':
      info.verb = info.name ? 'get' : isWatch(query) ? 'watch' : 'list'
      break
    case 'PUT':
      info.verb = 'update'
      break
    case 'PATCH':
      info.verb = 'patch'
      break
    case 'DELETE':
      info.verb = info.name ? 'delete' : 'deletecollection'
      break
  }
  return info
}

function isWatch(query: URLSearchParams): boolean {
  const w = query.get('watch')
  return w === 'true' || w === '1'
}

/**
 * The subresource as authorization, connectors and metrics name it. `…/NAME/proxy/<path>`
 * (pods, services, nodes, the hub's clusters) is the `proxy` subresource whatever the path
 * after it, as kube-apiserver's RequestInfo has it; `info.subresource` keeps that path
 * ("proxy/api/v1/...") for the connector.
 */
export function baseSubresource(subresource: string): string {
  return subresource.startsWith('proxy/') ? 'proxy' : subresource
}
