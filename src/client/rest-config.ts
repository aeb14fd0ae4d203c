// How to reach a Kubernetes API server: its URL, the CA that signs its certificate and the
// credential to present, as read from a kubeconfig (the current context, or a named one).
// Everything the hub, the CLI and tests need to talk to a member or to the hub starts here.
// Errors say what is wrong with the file and never echo a credential.

import { Agent as HttpsAgent } from 'node:https'
import { parse } from 'yaml'

export interface RestConfig {
  /** Base URL, no trailing slash (may carry a path prefix, e.g. the hub's cluster proxy). */
  server: string
  /** PEM of the CA(s) to trust; the system's roots when absent. */
  ca?: string
  /** Bearer token. */
  token?: string
  /** PEM client certificate and key (x509 authentication). */
  cert?: string
  key?: string
  /** Skip server certificate verification (kubeconfig insecure-skip-tls-verify). */
  insecure?: boolean
  /** Name to verify the server certificate against, when not the URL's host. */
  tlsServerName?: string
  /** The kubeconfig context this came from. */
  context?: string
  /** The context's default namespace. */
  namespace?: string
}

export class KubeconfigError extends Error {}

type Rec = Record<string, unknown>

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function named(list: unknown, what: string, name: string): Rec {
  if (!Array.isArray(list)) throw new KubeconfigError(`kubeconfig has no ${what}s list`)
  const entry = list.find((e) => isRec(e) && e.name === name)
  if (!isRec(entry)) throw new KubeconfigError(`kubeconfig has no ${what} named "${name}"`)
  const body = entry[what]
  if (!isRec(body)) throw new KubeconfigError(`kubeconfig ${what} "${name}" has no ${what} section`)
  return body
}

function optString(r: Rec, key: string, where: string): string | undefined {
  const v = r[key]
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v !== 'string') throw new KubeconfigError(`${where}: ${key} must be a string`)
  return v
}

function base64Field(r: Rec, key: string, where: string): string | undefined {
  const v = optString(r, key, where)
  if (v === undefined) return undefined
  const compact = v.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new KubeconfigError(`${where}: ${key} is not valid base64`)
  const text = Buffer.from(compact, 'base64').toString('utf8')
  if (!text.includes('-----BEGIN ')) throw new KubeconfigError(`${where}: ${key} does not hold PEM data`)
  return text
}

/**
 * Reads a kubeconfig's text. Only inline credentials are accepted (`*-data` fields and
 * `token`): a kubeconfig stored in the hub cannot point at files on some other machine.
 */
export function restConfigFromKubeconfig(text: string, contextName?: string): RestConfig {
  let doc: unknown
  try {
    doc = parse(text, { maxAliasCount: 100 })
  } catch (e) {
    throw new KubeconfigError(`kubeconfig is not valid YAML: ${(e as Error).message.split('\n')[0]}`)
  }
  if (!isRec(doc)) throw new KubeconfigError('kubeconfig is not a YAML mapping')
  const ctxName = contextName ?? (typeof doc['current-context'] === 'string' ? doc['current-context'] : '')
  if (!ctxName) throw new KubeconfigError('kubeconfig has no current-context (and none was named)')
  const ctx = named(doc.contexts, 'context', ctxName)
  const clusterName = optString(ctx, 'cluster', `context "${ctxName}"`)
  if (!clusterName) throw new KubeconfigError(`context "${ctxName}" names no cluster`)
  const cluster = named(doc.clusters, 'cluster', clusterName)
  const where = `cluster "${clusterName}"`
  const server = optString(cluster, 'server', where)
  if (!server) throw new KubeconfigError(`${where} has no server`)
  let url: URL
  try {
    url = new URL(server)
  } catch {
    throw new KubeconfigError(`${where}: server "${server.slice(0, 200)}" is not a URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new KubeconfigError(`${where}: server must be an http(s) URL`)
  }
  if (optString(cluster, 'certificate-authority', where)) {
    throw new KubeconfigError(
      `${where}: certificate-authority points at a file; embed it as certificate-authority-data`,
    )
  }
  const cfg: RestConfig = {
    server: server.replace(/\/+$/, ''),
    ca: base64Field(cluster, 'certificate-authority-data', where),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: optString(cluster, 'tls-server-name', where),
    context: ctxName,
    namespace: optString(ctx, 'namespace', `context "${ctxName}"`),
  }
  const userName = optString(ctx, 'user', `context "${ctxName}"`)
  if (userName) {
    const user = named(doc.users, 'user', userName)
    const uw = `user "${userName}"`
    for (const fileKey of ['client-certificate', 'client-key', 'tokenFile']) {
      if (optString(user, fileKey, uw)) throw new KubeconfigError(`${uw}: ${fileKey} points at a file; embed the data`)
    }
    if (user.exec !== undefined || user['auth-provider'] !== undefined) {
      throw new KubeconfigError(
        `${uw}: exec and auth-provider credentials are not supported; use a token or a client certificate`,
      )
    }
    cfg.token = optString(user, 'token', uw)
    cfg.cert = base64Field(user, 'client-certificate-data', uw)
    cfg.key = base64Field(user, 'client-key-data', uw)
    if (!!cfg.cert !== !!cfg.key)
      throw new KubeconfigError(`${uw}: a client certificate needs both certificate and key`)
  }
  return cfg
}

/** An HTTPS agent presenting the config's TLS settings; keep-alive so requests reuse connections. */
export function httpsAgentFor(cfg: RestConfig, opts: { maxSockets?: number } = {}): HttpsAgent {
  return new HttpsAgent({
    keepAlive: true,
    maxSockets: opts.maxSockets ?? 64,
    maxFreeSockets: 4,
    ca: cfg.ca,
    cert: cfg.cert,
    key: cfg.key,
    rejectUnauthorized: !cfg.insecure,
    servername: cfg.tlsServerName,
  })
}

/** The Authorization header for the config's token, if any. */
export function authHeadersFor(cfg: RestConfig): Record<string, string> {
  return cfg.token ? { authorization: `Bearer ${cfg.token}` } : {}
}
