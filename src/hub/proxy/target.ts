// Where requests for a member go: the parts of its endpoint's base URL that every proxied
// request needs (http or https, host, port, path prefix, Host header), computed once per
// endpoint rather than parsing a URL on each request.

import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { MemberEndpoint } from '../members/directory.ts'

export interface Target {
  request: typeof httpRequest
  hostname: string
  port: number
  /** Path prefix of the member's server URL ("" or "/some/prefix"). */
  basePath: string
  /** Value of the Host header. */
  host: string
}

const targets = new WeakMap<MemberEndpoint, Target>()

export function targetOf(endpoint: MemberEndpoint): Target {
  let t = targets.get(endpoint)
  if (!t) {
    const u = new URL(endpoint.server)
    const https = u.protocol === 'https:'
    t = {
      request: https ? httpsRequest : httpRequest,
      // URL keeps IPv6 literals bracketed; the socket layer wants them bare.
      hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: u.port ? Number(u.port) : https ? 443 : 80,
      basePath: u.pathname.replace(/\/+$/, ''),
      host: u.host,
    }
    targets.set(endpoint, t)
  }
  return t
}
