// What an authorizer decides on: who asks to do which verb on what (a resource request) or on
// which path (a non-resource request), as apiserver's authorizer.Attributes.

import type { UserInfo } from '../authn.ts'

export interface Attributes {
  user: UserInfo
  verb: string
  isResourceRequest: boolean
  /** For non-resource requests, e.g. "/healthz", "/apis". */
  path: string
  apiGroup: string
  apiVersion: string
  resource: string
  subresource: string
  namespace: string
  name: string
  /**
   * The request's fieldSelector (list/watch), as kube-apiserver 1.31+ passes it to
   * authorizers: lets an authorizer allow a list only when it is pinned to allowed objects.
   */
  fieldSelector?: string
}

export interface Decision {
  allowed: boolean
  reason: string
}

export interface Authorizer {
  authorize(a: Attributes): Decision
}
