// Starts a real Flotilla API server on loopback (HTTPS with a data-dir CA, as `flotilla server`
// does) with a temporary data directory, for tests.

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, fetch as undiciFetch } from 'undici'
import { StaticTokenAuthenticator } from '../../src/apiserver/authn.ts'
import type { ServerSettings } from '../../src/apiserver/handlers/context.ts'
import type { Connector } from '../../src/apiserver/server.ts'
import { type RunningApiServer, startApiServer } from '../../src/apiserver/start.ts'
import { writeKubeconfig } from '../../src/cli/kubeconfig.ts'
import { silentLogger } from '../../src/log/logger.ts'
import { defaultSANs, ensureServingCertificate } from '../../src/security/pki.ts'

export interface TestServer extends RunningApiServer {
  token: string
  dataDir: string
  kubeconfig: string
  caCert: string
  /** A fetch dispatcher that trusts the server's CA (for undici's fetch or client libraries). */
  dispatcher: Agent
  /** fetch() against the server with the admin token. */
  request(path: string, init?: RequestInit): Promise<Response>
  /** Stops the server and removes its data. */
  dispose(): Promise<void>
}

export interface TestServerOptions {
  settings?: Partial<ServerSettings>
  historyRevisions?: number
  dataDir?: string
  sync?: 'full' | 'normal'
  token?: string
  /** Subresource handlers (pods/log, pods/exec ...), passed to startApiServer. */
  connectors?: Map<string, Connector>
  /** More bearer tokens and the identities they stand for (the admin is in system:masters). */
  users?: { token: string; username: string; groups?: string[] }[]
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'flotilla-test-'))
  const token = opts.token ?? randomBytes(16).toString('hex')
  const authenticator = new StaticTokenAuthenticator()
  authenticator.add(token, { username: 'test-admin', groups: ['system:masters', 'system:authenticated'] })
  for (const u of opts.users ?? []) {
    authenticator.add(u.token, { username: u.username, groups: [...(u.groups ?? []), 'system:authenticated'] })
  }
  const pki = ensureServingCertificate(dataDir, defaultSANs('127.0.0.1'))
  const running = await startApiServer({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    authenticator,
    log: silentLogger,
    sync: opts.sync ?? 'normal',
    settings: opts.settings,
    historyRevisions: opts.historyRevisions,
    connectors: opts.connectors,
    tls: { cert: pki.cert, key: pki.key, ca: pki.caCert },
  })
  const kubeconfig = join(dataDir, 'admin.kubeconfig')
  writeKubeconfig(kubeconfig, {
    name: 'test',
    server: running.url,
    token,
    certificateAuthorityData: Buffer.from(pki.caCert).toString('base64'),
  })
  const dispatcher = new Agent({ connect: { ca: pki.caCert } })
  return {
    ...running,
    token,
    dataDir,
    kubeconfig,
    caCert: pki.caCert,
    dispatcher,
    request(path, init = {}) {
      const headers = new Headers(init.headers)
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`)
      return undiciFetch(running.url + path, {
        ...(init as object),
        headers,
        dispatcher,
      } as never) as unknown as Promise<Response>
    },
    async dispose() {
      await running.close()
      await dispatcher.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
