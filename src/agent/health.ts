// Probes for the agent's Deployment on a local port: /healthz (and /livez) answer 200 while the
// process serves; /readyz answers 200 only while a tunnel to the hub is up, so `kubectl get pods`
// shows which replicas are connected. Nothing else is served, and nothing secret is ever shown.

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface HealthServer {
  port: number
  close(): Promise<void>
}

export async function startHealthServer(host: string, port: number, ready: () => boolean): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    let status = 404
    let body = 'not found'
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      status = 405
      body = 'method not allowed'
    } else if (path === '/healthz' || path === '/livez') {
      status = 200
      body = 'ok'
    } else if (path === '/readyz') {
      const ok = ready()
      status = ok ? 200 : 503
      body = ok ? 'ok' : 'the tunnel to the hub is not connected'
    }
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) })
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  server.requestTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
