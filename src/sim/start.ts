// startSim: one simulated member cluster — a TLS API server on its own data directory (as
// `flotilla server` runs one), plus a controller manager running the simulator's node
// controller, scheduler and kubelets and the workload controllers, all through an in-process
// client. Everything belongs to the returned object, so several clusters run in one process.

import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { AuditOptions } from '../apiserver/audit/auditor.ts'
import { StaticTokenAuthenticator } from '../apiserver/authn.ts'
import type { ServerSettings } from '../apiserver/handlers/context.ts'
import type { Registry } from '../apiserver/registry/registry.ts'
import { type RunningApiServer, startApiServer } from '../apiserver/start.ts'
import { writeKubeconfig } from '../cli/kubeconfig.ts'
import { type Client, resources } from '../client/client.ts'
import { LocalClient } from '../client/local-client.ts'
import { type ControllerDescriptor, ControllerManager } from '../controllers/manager.ts'
import { workloadControllers } from '../controllers/workloads/index.ts'
import { type Logger, silentLogger } from '../log/logger.ts'
import { defaultSANs, ensureServingCertificate } from '../security/pki.ts'
import { type Clock, realClock } from '../util/clock.ts'
import { type SimControllersOptions, simControllers, simNodeSpecs } from './controllers.ts'
import { NOT_READY_ANNOTATION } from './nodes/node-object.ts'
import { DEFAULT_NODE_TEMPLATE, DEFAULT_SIM_VERSION } from './options.ts'
import { podStreamConnectors } from './streams/index.ts'

export interface SimOptions extends Omit<SimControllersOptions, 'cluster'> {
  /** Cluster name (node names, kubeconfig context); default "sim". */
  name?: string
  dataDir: string
  host?: string
  /** 0 (the default) picks a free port. */
  port?: number
  clock?: Clock
  log?: Logger
  /** Bearer token of the admin user; by default made once and kept in DATA_DIR/sim.token. */
  token?: string
  /** SQLite durability: "normal" (default; survives process crashes) or "full". */
  sync?: 'full' | 'normal'
  /** Run the workload controllers (Deployments, Jobs, ...); default true. */
  workloads?: boolean
  /** More controllers to run in the same manager. */
  controllers?: ControllerDescriptor[]
  /** Serve pods/log and pods/exec; default true. */
  streams?: boolean
  historyRevisions?: number
  serviceCIDR?: string
  settings?: Partial<ServerSettings>
  /** Extra names for the serving certificate. */
  sans?: string[]
  /** Write an audit log (off by default: simulated members are test and demo fixtures). */
  audit?: AuditOptions
}

export interface Sim {
  name: string
  url: string
  /** DATA_DIR/kubeconfig: context and cluster named after the sim. */
  kubeconfig: string
  dataDir: string
  token: string
  caCert: string
  kubernetesVersion: string
  registry: Registry
  server: RunningApiServer
  /** An in-process client (what the controllers use). */
  client: Client
  clock: Clock
  /** The nodes the cluster was started with. */
  nodeNames: string[]
  /**
   * Makes a node NotReady or Ready again through its not-ready annotation: false (or
   * "unreachable") stops its heartbeats as a lost node; "NotReady" has its kubelet report
   * Ready=False.
   */
  setNodeReady(node: string, ready: boolean | 'unreachable' | 'NotReady'): Promise<void>
  /** Resolves when the API server's and the controllers' queues are empty. */
  settle(): Promise<void>
  close(): Promise<void>
}

const VERSION = /^v?\d+\.\d+\.\d+([-+].*)?$/

export async function startSim(opts: SimOptions): Promise<Sim> {
  const name = opts.name ?? 'sim'
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 40) {
    throw new Error(`invalid cluster name "${name}": lowercase letters, digits and "-", at most 40 characters`)
  }
  const raw = opts.kubernetesVersion ?? DEFAULT_SIM_VERSION
  if (!VERSION.test(raw)) throw new Error(`invalid Kubernetes version "${raw}": expected vMAJOR.MINOR.PATCH`)
  const version = raw.startsWith('v') ? raw : `v${raw}`
  const dataDir = resolve(opts.dataDir)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const host = opts.host ?? '127.0.0.1'
  const log = (opts.log ?? silentLogger).with({ cluster: name })
  const clock = opts.clock ?? realClock
  const token = opts.token ?? simToken(dataDir)
  const authenticator = new StaticTokenAuthenticator()
  authenticator.add(token, { username: 'flotilla-admin', groups: ['system:masters', 'system:authenticated'] })
  const pki = ensureServingCertificate(dataDir, defaultSANs(host, opts.sans))
  const server = await startApiServer({
    dataDir,
    host,
    port: opts.port ?? 0,
    authenticator,
    log,
    sync: opts.sync ?? 'normal',
    kubernetesVersion: version,
    settings: opts.settings,
    historyRevisions: opts.historyRevisions,
    serviceCIDR: opts.serviceCIDR,
    connectors: opts.streams === false ? undefined : podStreamConnectors({ clock }),
    tls: { cert: pki.cert, key: pki.key, ca: pki.caCert },
    audit: opts.audit,
  })
  const client = new LocalClient(server.registry, 'flotilla-sim')
  const manager = new ControllerManager()
  const descriptors = [
    ...simControllers({ ...opts, cluster: name, kubernetesVersion: version }),
    ...(opts.workloads === false ? [] : workloadControllers),
    ...(opts.controllers ?? []),
  ]
  try {
    await manager.start({ client, log, clock }, descriptors)
  } catch (e) {
    manager.stop()
    await server.close()
    throw e
  }
  const kubeconfig = join(dataDir, 'kubeconfig')
  writeKubeconfig(kubeconfig, {
    name,
    server: server.url,
    token,
    certificateAuthorityData: Buffer.from(pki.caCert).toString('base64'),
  })
  const nodeNames =
    opts.nodeController === false
      ? []
      : simNodeSpecs(name, opts.nodes ?? 3, opts.controlPlaneNodes ?? 0, {
          ...DEFAULT_NODE_TEMPLATE,
          ...opts.node,
        }).map((n) => n.name)
  let closed = false
  return {
    name,
    url: server.url,
    kubeconfig,
    dataDir,
    token,
    caCert: pki.caCert,
    kubernetesVersion: version,
    registry: server.registry,
    server,
    client,
    clock,
    nodeNames,
    async setNodeReady(node, ready) {
      const value = ready === true ? null : ready === false ? 'true' : ready === 'NotReady' ? 'NotReady' : 'true'
      await client.patch(resources.nodes, '', node, 'merge', {
        metadata: { annotations: { [NOT_READY_ANNOTATION]: value } },
      })
    },
    async settle() {
      for (let i = 0; i < 2; i++) {
        await server.settle()
        await manager.idle()
      }
    },
    async close() {
      if (closed) return
      closed = true
      manager.stop()
      await server.close()
    },
  }
}

/** The admin bearer token, created on first start and kept in the data dir (mode 0600). */
function simToken(dataDir: string): string {
  const path = join(dataDir, 'sim.token')
  if (existsSync(path)) return readFileSync(path, 'utf8').trim()
  const token = randomBytes(32).toString('base64url')
  writeFileSync(path, `${token}\n`, { mode: 0o600 })
  return token
}
