// Placeholder replaced below once the OpenAPI builders land.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Registry } from '../registry/registry.ts'

export class OpenAPIRoutes {
  constructor(_registry: Registry) {}
  async serve(_req: IncomingMessage, _res: ServerResponse, _path: string): Promise<boolean> {
    return false
  }
}
