// A raw TLS byte pipe to a member, the floor of any extra hop in the proxy and tunnel
// benchmarks: each client connection gets its own member connection, TLS is terminated and
// re-originated, bytes are copied both ways, nothing is parsed or authenticated.

import type { AddressInfo } from 'node:net'
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls'
import { defaultSANs, ensureServingCertificate } from '../src/security/pki.ts'

export interface TlsPipe {
  url: string
  /** The CA of the pipe's own serving certificate. */
  ca: string
  close(): void
}

export async function startTlsPipe(member: { server: string; ca?: string }, dataDir: string): Promise<TlsPipe> {
  const pki = ensureServingCertificate(dataDir, defaultSANs('127.0.0.1'))
  const u = new URL(member.server)
  // Nagle off on both legs, as Node's HTTP servers and clients have it: otherwise a body's last
  // partial TLS record waits for the peer's delayed ACK (tens of ms), which is not the hop's cost.
  const server = createTlsServer({ cert: pki.cert, key: pki.key, noDelay: true }, (caller) => {
    const upstream = tlsConnect({ host: u.hostname, port: Number(u.port), ca: member.ca })
    upstream.setNoDelay(true)
    caller.pipe(upstream)
    upstream.pipe(caller)
    caller.on('error', () => upstream.destroy())
    upstream.on('error', () => caller.destroy())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: pki.caCert,
    close: () => server.close(),
  }
}
