// startHub: the Flotilla hub — the API server (with the platform.flotilla.dev kinds) on a data
// directory with its own CA, the admin kubeconfig, the directory of member clusters, and the
// hub's controllers and connectors (cluster import and health, the proxy to members, hub-issued
// kubeconfig tokens). `flotilla server` and the tests start the hub through here.

import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { builtinKinds } from '../apis/index.ts'
import { platformKinds } from '../apis/platform/index.ts'
import { StaticTokenAuthenticator } from '../apiserver/authn.ts'
import type { Connector } from '../apiserver/server.ts'
import { type RunningApiServer, startApiServer } from '../apiserver/start.ts'
import { writeKubeconfig } from '../cli/kubeconfig.ts'
import type { Logger } from '../log/logger.ts'
import { isAlreadyExists } from '../machinery/errors.ts'
import { defaultSANs, ensureServingCertificate } from '../security/pki.ts'
import { type Clock, realClock } from '../util/clock.ts'
import { MemberDirectory } from './members/directory.ts'

/** Where the hub keeps member credentials (kubeconfig Secrets) and its own agents' objects. */
export const HUB_SYSTEM_NAMESPACE = 'flotilla-system'

export interface HubOptions {
  dataDir: string
  host: string
  /** 0 picks a free port. */
  port: number
  log: Logger
  sync?: 'full' | 'normal'
  /** Extra names for the serving certificate (--tls-san). */
  tlsSANs?: string[]
  clock?: Clock
  /** How often each member's health is checked (--cluster-health-interval, default 10 s). */
  clusterHealthIntervalMs?: number
  /** Without a successful check for this long a member is Disconnected (--cluster-grace-period, default 40 s). */
  clusterGracePeriodMs?: number
}

export interface Hub {
  api: RunningApiServer
  url: string
  dataDir: string
  caCert: string
  /** DATA_DIR/admin.kubeconfig (the hub administrator, in system:masters). */
  adminKubeconfig: string
  /** How each connected member is reached. */
  members: MemberDirectory
  /** Waits until the API server's and the hub controllers' queues are empty (tests). */
  settle(): Promise<void>
  close(): Promise<void>
}

export async function startHub(opts: HubOptions): Promise<Hub> {
  const dataDir = resolve(opts.dataDir)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const log = opts.log
  const clock = opts.clock ?? realClock
  void clock

  const token = adminToken(dataDir)
  const authenticator = new StaticTokenAuthenticator()
  authenticator.add(token, { username: 'flotilla-admin', groups: ['system:masters', 'system:authenticated'] })

  const members = new MemberDirectory()
  const connectors = new Map<string, Connector>()
  const pki = ensureServingCertificate(dataDir, defaultSANs(opts.host, opts.tlsSANs))
  const api = await startApiServer({
    dataDir,
    host: opts.host,
    port: opts.port,
    authenticator,
    log,
    kinds: [...builtinKinds, ...platformKinds],
    sync: opts.sync ?? 'full',
    connectors,
    tls: { cert: pki.cert, key: pki.key, ca: pki.caCert },
  })
  await ensureNamespace(api, HUB_SYSTEM_NAMESPACE)

  const adminKubeconfig = join(dataDir, 'admin.kubeconfig')
  writeKubeconfig(adminKubeconfig, {
    name: 'flotilla',
    server: api.url,
    token,
    certificateAuthorityData: Buffer.from(pki.caCert).toString('base64'),
  })

  let closed = false
  return {
    api,
    url: api.url,
    dataDir,
    caCert: pki.caCert,
    adminKubeconfig,
    members,
    async settle() {
      await api.settle()
    },
    async close() {
      if (closed) return
      closed = true
      members.close()
      await api.close()
    },
  }
}

async function ensureNamespace(api: RunningApiServer, name: string): Promise<void> {
  try {
    await api.registry.namespaces().create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
  } catch (e) {
    if (!isAlreadyExists(e)) throw e
  }
}

/** The admin bearer token, created on first start and kept in the data dir (mode 0600). */
function adminToken(dataDir: string): string {
  const path = join(dataDir, 'admin.token')
  if (existsSync(path)) return readFileSync(path, 'utf8').trim()
  const token = randomBytes(32).toString('base64url')
  writeFileSync(path, `${token}\n`, { mode: 0o600 })
  return token
}
