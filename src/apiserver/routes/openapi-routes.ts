// Serves /openapi/v2 (protobuf for kubectl, JSON on request) and /openapi/v3[/<group-version>]
// from the registry's current kinds; the service rebuilds documents only when kinds change.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { OpenAPIService } from '../openapi/index.ts'
import type { Registry } from '../registry/registry.ts'

export class OpenAPIRoutes {
  private readonly registry: Registry
  private readonly service: OpenAPIService

  constructor(registry: Registry, kubernetesVersion?: string) {
    this.registry = registry
    this.service = new OpenAPIService({ kubernetesVersion })
  }

  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const kinds = this.registry.allKinds()
    let r: ReturnType<OpenAPIService['serveV2']>
    if (path === '/openapi/v2') {
      r = this.service.serveV2(kinds, req.headers.accept)
    } else if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
      const hash = new URL(req.url ?? '/', 'http://localhost').searchParams.get('hash')
      r = this.service.serveV3(kinds, path, hash, req.headers.accept)
    } else {
      return false
    }
    res.writeHead(r.status, { ...r.headers, 'Content-Length': Buffer.byteLength(r.body) })
    res.end(r.body)
    return true
  }
}
