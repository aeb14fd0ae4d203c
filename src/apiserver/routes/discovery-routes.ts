// Serves /version, discovery (/api, /apis, /api/v1, /apis/G, /apis/G/V) and OpenAPI from the
// registry's kinds. Documents are rebuilt only when the set of kinds changes.

import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  apiGroup,
  apiResourceList,
  type DiscoveryInput,
  negotiateDiscovery,
  WELL_KNOWN_SUBRESOURCES,
} from '../discovery/discovery.ts'
import { versionInfo } from '../discovery/version.ts'
import { writeJson, writeRaw } from '../http/respond.ts'
import type { Registry } from '../registry/registry.ts'
import { OpenAPIRoutes } from './openapi-routes.ts'

export class DiscoveryRoutes {
  private readonly registry: Registry
  private readonly kubernetesVersion?: string
  private readonly openapi: OpenAPIRoutes
  private cache = new Map<string, { contentType: string; body: string }>()
  private cachedGeneration = -1

  constructor(registry: Registry, kubernetesVersion?: string) {
    this.registry = registry
    this.kubernetesVersion = kubernetesVersion
    this.openapi = new OpenAPIRoutes(registry, kubernetesVersion)
  }

  private input(req: IncomingMessage): DiscoveryInput {
    return {
      kinds: this.registry.allKinds(),
      extraSubresources: WELL_KNOWN_SUBRESOURCES,
      serverAddress: req.headers.host ?? '',
    }
  }

  /** Caches a rendered document per path and Accept header until the kinds change. */
  private cached(key: string, render: () => { contentType: string; body: unknown } | undefined) {
    if (this.cachedGeneration !== this.registry.generation) {
      this.cache = new Map()
      this.cachedGeneration = this.registry.generation
    }
    let hit = this.cache.get(key)
    if (!hit) {
      const r = render()
      if (!r) return undefined
      hit = { contentType: r.contentType, body: JSON.stringify(r.body) }
      this.cache.set(key, hit)
    }
    return hit
  }

  /** Serves the request if it is a discovery, version or OpenAPI path; returns false otherwise. */
  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (path === '/version') {
      writeJson(res, 200, versionInfo({ kubernetesVersion: this.kubernetesVersion }))
      return true
    }
    if (path.startsWith('/openapi/')) return this.openapi.serve(req, res, path)
    const parts = path.split('/').filter(Boolean)
    const accept = req.headers.accept
    let doc: { contentType: string; body: string } | undefined
    if (path === '/api' || path === '/apis') {
      doc = this.cached(`${path}|${accept}|${req.headers.host}`, () =>
        negotiateDiscovery(this.input(req), path === '/api' ? 'core' : 'apis', accept),
      )
      res.setHeader('Vary', 'Accept')
    } else if (parts[0] === 'api' && parts.length === 2) {
      doc = this.cached(path, () => {
        const list = apiResourceList(this.input(req), '', parts[1])
        return list && { contentType: 'application/json', body: list }
      })
    } else if (parts[0] === 'apis' && parts.length === 2) {
      doc = this.cached(path, () => {
        const g = apiGroup(this.registry.allKinds(), parts[1])
        return g && { contentType: 'application/json', body: g }
      })
    } else if (parts[0] === 'apis' && parts.length === 3) {
      doc = this.cached(path, () => {
        const list = apiResourceList(this.input(req), parts[1], parts[2])
        return list && { contentType: 'application/json', body: list }
      })
    }
    if (!doc) return false
    writeRaw(res, 200, doc.contentType, doc.body)
    return true
  }
}
