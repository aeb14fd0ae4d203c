// How the agent reaches its own cluster's API server: a kubeconfig (`--kubeconfig`, outside a
// cluster) or in-cluster configuration (the pod's ServiceAccount token and CA, and
// KUBERNETES_SERVICE_HOST/PORT). Projected ServiceAccount tokens are rotated by the kubelet (about
// hourly), so the token is read from its file again whenever the file changes, as client-go does.

import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { KubeconfigError, type RestConfig, restConfigFromKubeconfig } from '../client/rest-config.ts'
import { AgentConfigError } from './config.ts'

export const IN_CLUSTER_SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount'
/** Overrides IN_CLUSTER_SA_DIR (tests; unusual mounts). */
export const SA_DIR_ENV = 'FLOTILLA_SERVICEACCOUNT_DIR'

export interface MemberAccess {
  /** Server and TLS settings (a client certificate included); never a bearer token. */
  config: RestConfig
  /** The credential headers to present now. */
  authHeaders(): Record<string, string>
  /** For logs: where the access came from (never the credential). */
  source: string
}

/** A token file, read again when it changes (checked at most every `checkEveryMs`). */
export class TokenFile {
  private readonly path: string
  private readonly checkEveryMs: number
  private token: string
  private stamp: string
  private checkedAt = 0

  constructor(path: string, checkEveryMs = 1_000) {
    this.path = path
    this.checkEveryMs = checkEveryMs
    this.stamp = this.statStamp()
    this.token = this.read()
    this.checkedAt = Date.now()
  }

  private statStamp(): string {
    // ino changes when the kubelet swaps the ..data symlink; mtime/size when a file is rewritten.
    const s = statSync(this.path)
    return `${s.ino}:${s.mtimeMs}:${s.size}`
  }

  private read(): string {
    const t = readFileSync(this.path, 'utf8').trim()
    if (!t) throw new AgentConfigError(`the ServiceAccount token file ${this.path} is empty`)
    return t
  }

  current(): string {
    const now = Date.now()
    if (now - this.checkedAt >= this.checkEveryMs) {
      this.checkedAt = now
      try {
        const stamp = this.statStamp()
        if (stamp !== this.stamp) {
          this.token = this.read()
          this.stamp = stamp
        }
      } catch {
        // Mid-rotation or briefly unreadable: keep presenting the last token; it is still valid.
      }
    }
    return this.token
  }
}

export function memberAccessFromKubeconfig(file: string, context?: string): MemberAccess {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new AgentConfigError(`cannot read --kubeconfig ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`)
  }
  let cfg: RestConfig
  try {
    cfg = restConfigFromKubeconfig(text, context)
  } catch (e) {
    if (e instanceof KubeconfigError) throw new AgentConfigError(`--kubeconfig ${file}: ${e.message}`)
    throw e
  }
  const { token, ...rest } = cfg
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  return {
    config: rest,
    authHeaders: () => headers,
    source: `kubeconfig ${file}${cfg.context ? ` (context ${cfg.context})` : ''}`,
  }
}

export function inClusterMemberAccess(env: NodeJS.ProcessEnv, opts: { tokenCheckEveryMs?: number } = {}): MemberAccess {
  const host = env.KUBERNETES_SERVICE_HOST
  const port = env.KUBERNETES_SERVICE_PORT
  if (!host || !port) {
    throw new AgentConfigError(
      'not running inside a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are unset): give --kubeconfig MEMBER_KUBECONFIG',
    )
  }
  if (!/^\d{1,5}$/.test(port))
    throw new AgentConfigError(`KUBERNETES_SERVICE_PORT "${port.slice(0, 20)}" is not a port`)
  const dir = env[SA_DIR_ENV] || IN_CLUSTER_SA_DIR
  let ca: string
  try {
    ca = readFileSync(join(dir, 'ca.crt'), 'utf8')
  } catch (e) {
    throw new AgentConfigError(
      `cannot read the cluster CA ${join(dir, 'ca.crt')}: ${(e as NodeJS.ErrnoException).code}`,
    )
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new AgentConfigError(`${join(dir, 'ca.crt')} does not hold a PEM certificate`)
  }
  let token: TokenFile
  try {
    token = new TokenFile(join(dir, 'token'), opts.tokenCheckEveryMs)
  } catch (e) {
    if (e instanceof AgentConfigError) throw e
    throw new AgentConfigError(
      `cannot read the ServiceAccount token ${join(dir, 'token')}: ${(e as NodeJS.ErrnoException).code}`,
    )
  }
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    config: { server, ca },
    authHeaders: () => ({ authorization: `Bearer ${token.current()}` }),
    source: `in-cluster ServiceAccount (${dir})`,
  }
}
