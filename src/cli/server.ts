// `flotilla server`: runs the hub's API server on a data directory and writes
// DATA_DIR/admin.kubeconfig. It serves HTTPS with a certificate from the data dir's own CA
// (--tls-san adds names clients reach it by); the admin authenticates with a client certificate,
// everyone else with certificates or tokens, and RBAC decides, so any listen address is fine.

import { mkdirSync } from 'node:fs'
import { isIP } from 'node:net'
import { join, resolve } from 'node:path'
import type { AuditOptions } from '../apiserver/audit/auditor.ts'
import { startHub } from '../hub/start.ts'
import { createLogger, type Level } from '../log/logger.ts'
import { startDemo } from './demo.ts'
import { durationFlag } from './duration.ts'
import { checkServingFlags, parseFlags, parseHostPort, serveUntilSignal, UsageError } from './usage.ts'

const USAGE = `Usage: flotilla server [flags]

Runs the Flotilla hub: a Kubernetes-compatible API server (HTTPS, with a CA made in the data
dir on first start) on embedded storage.

Flags:
  --data-dir DIR        where data and admin.kubeconfig live (default ./.flotilla)
  --listen HOST:PORT    address to serve on (default 127.0.0.1:6443; 0.0.0.0:6443 for all interfaces)
  --tls-san NAME        extra DNS name or IP address for the serving certificate (repeatable):
                        the names clients use to reach the hub beyond this host
  --demo                start three simulated member clusters with a demo application
  --storage-sync MODE   full (default; durable across power loss) or normal (across crashes)
  --log-level LEVEL     debug, info (default), warn or error
  --cluster-health-interval D   how often each member cluster's health is checked (default 10s)
  --cluster-grace-period D      a Running member without a successful check for this long is
                                Disconnected (default 40s)
  --agent-listen HOST:PORT      the agent port registered clusters' agents dial (default: the
                                --listen host, port 9443; "off" disables it)
  --agent-advertise-url URL     the URL agents are told to dial (default https://HOST:PORT of
                                --agent-listen, this machine's name when it listens on 0.0.0.0)
  --cluster-access-timeout D    a registered cluster no agent reached within this is
                                AccessTimeout (default 10m)
  --audit-log-path PATH         audit log of changes and member-proxy requests (default
                                DATA_DIR/audit.log; "-" for standard output, "" to disable)
  --audit-log-maxsize MB        rotate the audit log when it would exceed MB megabytes (default 100)
  --audit-log-maxbackup N       rotated audit logs kept (default 10; 0 keeps all)`

export async function runServer(args: string[]): Promise<number> {
  const parsed = parseFlags(
    args,
    {
      'data-dir': { type: 'string', default: './.flotilla' },
      listen: { type: 'string', default: '127.0.0.1:6443' },
      'tls-san': { type: 'string', multiple: true, default: [] },
      demo: { type: 'boolean', default: false },
      'storage-sync': { type: 'string', default: 'full' },
      'log-level': { type: 'string', default: 'info' },
      'cluster-health-interval': { type: 'string', default: '10s' },
      'cluster-grace-period': { type: 'string', default: '40s' },
      'agent-listen': { type: 'string' },
      'agent-advertise-url': { type: 'string' },
      'cluster-access-timeout': { type: 'string', default: '10m' },
      'audit-log-path': { type: 'string' },
      'audit-log-maxsize': { type: 'string', default: '100' },
      'audit-log-maxbackup': { type: 'string', default: '10' },
    },
    USAGE,
  )
  if (!parsed) return 0
  const v = parsed.values
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"\n\n${USAGE}`)
  const { host, port } = checkServingFlags(v)
  const sans = tlsSANs(v['tls-san'])
  const clusterHealthIntervalMs = durationFlag('cluster-health-interval', v['cluster-health-interval'], 100)
  const clusterGracePeriodMs = durationFlag('cluster-grace-period', v['cluster-grace-period'], 100)
  const clusterAccessTimeoutMs = durationFlag('cluster-access-timeout', v['cluster-access-timeout'], 1000)
  const agentListen =
    v['agent-listen'] === 'off'
      ? (false as const)
      : v['agent-listen']
        ? agentListenFlag(v['agent-listen'])
        : { host, port: 9443 }
  const agentAdvertiseURL = advertiseURL(v['agent-advertise-url'])
  const log = createLogger({ level: v['log-level'] as Level })
  const dataDir = resolve(v['data-dir'])
  const audit = auditFlags(v, dataDir)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })

  const hub = await startHub({
    dataDir,
    host,
    port,
    log,
    sync: v['storage-sync'] as 'full' | 'normal',
    tlsSANs: sans,
    clusterHealthIntervalMs,
    clusterGracePeriodMs,
    clusterAccessTimeoutMs,
    agentListen,
    agentAdvertiseURL,
    audit,
  })
  const kubeconfig = hub.adminKubeconfig
  const running = hub.api
  log.info('Serving', { url: running.url, dataDir, kubeconfig })
  process.stdout.write(`Flotilla API server listening on ${running.url}\n`)
  process.stdout.write(`Use it with: kubectl --kubeconfig ${kubeconfig} get namespaces\n`)
  if (hub.agentURL) process.stdout.write(`Agents of registered clusters dial ${hub.agentURL}\n`)
  const demo = v.demo ? await startDemo(dataDir, log, hub) : undefined
  if (demo) process.stdout.write(`${demo.summary}\n`)

  await serveUntilSignal(async () => {
    await demo?.close()
    await hub.close()
  }, log)
  return 0
}

function agentListenFlag(value: string): { host: string; port: number } {
  try {
    return parseHostPort(value)
  } catch {
    throw new UsageError(`--agent-listen must be HOST:PORT or "off", got "${value}"`)
  }
}

/** --agent-advertise-url: an https URL with a host and no path (agents append theirs). */
function advertiseURL(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  let u: URL
  try {
    u = new URL(value)
  } catch {
    throw new UsageError(`--agent-advertise-url must be a URL such as https://hub.example.com:9443, got "${value}"`)
  }
  if (u.protocol !== 'https:' || !u.hostname || (u.pathname !== '/' && u.pathname !== '') || u.search) {
    throw new UsageError(`--agent-advertise-url must be https://HOST[:PORT] with no path, got "${value}"`)
  }
  return `https://${u.host}`
}

/** The --audit-log-* flags, checked (kube-apiserver's names and meanings). */
function auditFlags(
  v: { 'audit-log-path'?: string; 'audit-log-maxsize': string; 'audit-log-maxbackup': string },
  dataDir: string,
): AuditOptions {
  const count = (flag: string, value: string) => {
    if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, got "${value}"`)
    return Number(value)
  }
  const path = v['audit-log-path']
  return {
    path: path === undefined ? join(dataDir, 'audit.log') : path === '' || path === '-' ? path : resolve(path),
    maxSizeMB: count('audit-log-maxsize', v['audit-log-maxsize']),
    maxBackups: count('audit-log-maxbackup', v['audit-log-maxbackup']),
  }
}

/** --tls-san values: DNS names or IP addresses, checked so a typo fails here and not in a client. */
function tlsSANs(values: string[]): string[] {
  for (const v of values) {
    const ip = isIP(v.replace(/^\[(.*)\]$/, '$1'))
    const dns = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i.test(v) && v.length <= 253
    if (!ip && !dns) throw new UsageError(`--tls-san must be a DNS name or an IP address, got "${v}"`)
  }
  return values.map((v) => v.replace(/^\[(.*)\]$/, '$1'))
}
