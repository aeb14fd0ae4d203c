// The CLI's connection to the hub for commands that act through its API (`flotilla cluster …`,
// `flotilla kubeconfig …`): the kubeconfig of --hub-kubeconfig, else $FLOTILLA_HUB_KUBECONFIG,
// else ./.flotilla/admin.kubeconfig (what `flotilla server` writes), so hub RBAC applies to the
// caller as for kubectl. Transport and authentication failures become messages that say which
// hub and which kubeconfig.

import { existsSync, readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { HttpClient } from '../client/http-client.ts'
import { KubeconfigError, type RestConfig, restConfigFromKubeconfig } from '../client/rest-config.ts'
import { StatusError } from '../machinery/errors.ts'
import { UsageError } from './usage.ts'

export interface Hub {
  client: HttpClient
  /** The hub's URL, from the kubeconfig. */
  url: string
  /** The hub kubeconfig's absolute path. */
  kubeconfigPath: string
}

export interface HubOptions {
  /**
   * A missing or invalid hub kubeconfig is a usage error (exit status 2, the message names
   * --hub-kubeconfig); otherwise an ordinary failure (exit status 1).
   */
  kubeconfigUsageError?: boolean
  /** The command's own wording for a failure; what it leaves (undefined) is described by describeHubFailure. */
  describe?: (e: unknown, hub: Hub) => string | undefined
}

/** Opens the hub named by --hub-kubeconfig (`flag`), runs `fn` with it and closes it again. */
export async function withHub(
  flag: string | undefined,
  fn: (hub: Hub) => Promise<number>,
  opts: HubOptions = {},
): Promise<number> {
  // An empty variable counts as unset, as an empty --hub-kubeconfig would be a usage error anyway.
  const kubeconfigPath = resolve(flag ?? (process.env.FLOTILLA_HUB_KUBECONFIG || '.flotilla/admin.kubeconfig'))
  const problem = (message: string) => (opts.kubeconfigUsageError ? new UsageError(message) : new Error(message))
  if (!existsSync(kubeconfigPath) || !statSync(kubeconfigPath).isFile()) {
    throw problem(`no hub kubeconfig at ${kubeconfigPath}; pass --hub-kubeconfig FILE or set FLOTILLA_HUB_KUBECONFIG`)
  }
  let cfg: RestConfig
  try {
    cfg = restConfigFromKubeconfig(readFileSync(kubeconfigPath, 'utf8'))
  } catch (e) {
    if (e instanceof KubeconfigError) {
      throw problem(`${opts.kubeconfigUsageError ? '--hub-kubeconfig ' : ''}${kubeconfigPath}: ${e.message}`)
    }
    throw e
  }
  const client = HttpClient.fromConfig(cfg, { userAgent: 'flotilla-cli', timeoutMs: 30_000 })
  const hub: Hub = { client, url: cfg.server, kubeconfigPath }
  try {
    return await fn(hub)
  } catch (e) {
    if (e instanceof UsageError) throw e
    throw new Error(opts.describe?.(e, hub) ?? describeHubFailure(e, hub))
  } finally {
    client.close()
  }
}

/** A failure talking to the hub, as the CLI reports it. */
export function describeHubFailure(e: unknown, hub: Hub): string {
  if (e instanceof StatusError) {
    if (e.code === 401)
      return `the hub at ${hub.url} rejected the credentials in ${hub.kubeconfigPath} (401 Unauthorized)`
    return e.message
  }
  const code = (e as { code?: unknown })?.code
  if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|ETIMEDOUT|EAI_AGAIN)$/.test(code)) {
    return `cannot reach the hub at ${hub.url} (${code}); is it running? (hub kubeconfig: ${hub.kubeconfigPath})`
  }
  return e instanceof Error ? e.message : String(e)
}
