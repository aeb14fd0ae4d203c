// fetch() against a test server over kept-alive HTTPS connections that trust the server's CA.
// (A fresh TLS connection per request costs a handshake and a new secure context each time,
// which on a small machine dominates tests that send thousands of requests.)

import { Agent, fetch as undiciFetch } from 'undici'

export interface ApiClient {
  dispatcher: Agent
  /** fetch() with the bearer token (unless the request sets its own authorization header). */
  request(path: string, init?: RequestInit): Promise<Response>
  close(): Promise<void>
}

export function apiClient(url: string, token: string, caCert: string): ApiClient {
  const dispatcher = new Agent({ connect: { ca: caCert }, keepAliveTimeout: 30_000 })
  return {
    dispatcher,
    request(path, init = {}) {
      const headers = new Headers(init.headers)
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`)
      return undiciFetch(url + path, {
        ...(init as object),
        headers,
        dispatcher,
      } as never) as unknown as Promise<Response>
    },
    async close() {
      await dispatcher.destroy()
    },
  }
}
