// The few Client calls the hub makes itself against a member endpoint, with the hub's own
// credential (no impersonation): enough for ensureHubAdminBinding from the proxy. JSON in,
// JSON out; a member's Status becomes a StatusError.

import type { Client, Resource } from '../../client/client.ts'
import { StatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import type { MemberEndpoint } from '../members/directory.ts'
import { targetOf } from './target.ts'

const TIMEOUT_MS = 15_000

function collectionPath(r: Resource, namespace: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`
  return namespace ? `${base}/namespaces/${namespace}/${r.resource}` : `${base}/${r.resource}`
}

function send(endpoint: MemberEndpoint, method: string, path: string, body?: unknown): Promise<unknown> {
  const t = targetOf(endpoint)
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
  return new Promise((resolve, reject) => {
    const req = t.request(
      {
        hostname: t.hostname,
        port: t.port,
        method,
        path: t.basePath + path,
        agent: endpoint.agent,
        timeout: TIMEOUT_MS,
        headers: {
          ...endpoint.authHeaders,
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let parsed: unknown
          try {
            parsed = text ? JSON.parse(text) : undefined
          } catch {
            parsed = undefined
          }
          const code = res.statusCode ?? 500
          if (code < 300) return resolve(parsed)
          const s = parsed as { reason?: string; message?: string; details?: never } | undefined
          reject(
            new StatusError(
              code,
              (s?.reason ?? 'InternalError') as never,
              s?.message ?? `the member answered ${code}`,
              s?.details,
            ),
          )
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)))
    req.on('error', reject)
    req.end(payload)
  })
}

/** get/create/update/delete against `endpoint` as the hub itself. */
export function endpointClient(endpoint: MemberEndpoint): Pick<Client, 'get' | 'create' | 'update' | 'delete'> {
  return {
    async get(r, namespace, name) {
      return (await send(endpoint, 'GET', `${collectionPath(r, namespace)}/${name}`)) as KubeObject
    },
    async create(r, namespace, obj) {
      return (await send(endpoint, 'POST', collectionPath(r, namespace), obj)) as KubeObject
    },
    async update(r, namespace, obj) {
      return (await send(endpoint, 'PUT', `${collectionPath(r, namespace)}/${obj.metadata.name}`, obj)) as KubeObject
    },
    async delete(r, namespace, name) {
      await send(endpoint, 'DELETE', `${collectionPath(r, namespace)}/${name}`)
    },
  }
}
