// The agent's configuration, from the FLOTILLA_* environment that `flotilla cluster register NAME
// -o env` prints and the registration manifest's Secret feeds the Deployment (docs/registration.md).
// Every problem is reported at once, naming the variable; the bootstrap token's value never
// appears in a message (it is a credential).

import { randomBytes, X509Certificate } from 'node:crypto'
import { AGENT_ID_PATTERN, CLUSTER_NAME_PATTERN } from '../tunnel/protocol.ts'

export const DEFAULT_AGENT_NAMESPACE = 'flotilla-system'
/** The member Secret every replica and every restart shares the cluster credential through. */
export const CREDENTIAL_SECRET_NAME = 'flotilla-agent-credential'

export interface AgentConfig {
  /** The hub's agent port, https://HOST:PORT (no trailing slash). */
  hubURL: string
  /** PEM of the CA that signs the hub's agent-port certificate. */
  hubCA: string
  cluster: string
  /** Needed only until a cluster credential is stored in the member. */
  bootstrapToken?: string
  /** Namespace of the credential Secret in the member. */
  namespace: string
  agentId: string
}

/** A configuration problem: the command exits 2 with this message. */
export class AgentConfigError extends Error {}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/
// Tokens are `flb_<id>.<secret>` (base32, base64url); accept any visible non-space characters so
// a format tweak on the hub does not strand agents, but refuse whitespace and control bytes.
const TOKEN_CHARS = /^[\x21-\x7e]{1,4096}$/

/** Reads the CA: base64 of PEM (the contract), or PEM pasted as is. Each certificate must parse. */
export function parseHubCA(value: string): string {
  const trimmed = value.trim()
  let pem: string
  if (trimmed.startsWith('-----BEGIN ')) pem = trimmed
  else {
    const compact = trimmed.replace(/\s+/g, '')
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
      throw new AgentConfigError('FLOTILLA_HUB_CA_DATA is not base64 (it must be the base64 of the hub CA in PEM)')
    }
    pem = Buffer.from(compact, 'base64').toString('utf8')
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)
  if (!blocks) {
    throw new AgentConfigError('FLOTILLA_HUB_CA_DATA does not hold a PEM certificate (-----BEGIN CERTIFICATE-----)')
  }
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block)
    } catch (e) {
      throw new AgentConfigError(
        `FLOTILLA_HUB_CA_DATA: certificate ${i + 1} cannot be parsed (${(e as Error).message.split('\n')[0]})`,
      )
    }
  }
  return `${blocks.join('\n')}\n`
}

function parseHubURL(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new AgentConfigError(`FLOTILLA_HUB_URL "${value.slice(0, 200)}" is not a URL (e.g. https://hub:9443)`)
  }
  if (url.protocol !== 'https:') throw new AgentConfigError('FLOTILLA_HUB_URL must be an https:// URL (the agent port)')
  if (url.username || url.password) throw new AgentConfigError('FLOTILLA_HUB_URL must not carry credentials')
  if (url.search || url.hash) throw new AgentConfigError('FLOTILLA_HUB_URL must not have a query or fragment')
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`
}

/** The instance id: FLOTILLA_AGENT_ID, else the pod name (HOSTNAME), else a random one. */
function agentIdFrom(env: NodeJS.ProcessEnv): string {
  const explicit = env.FLOTILLA_AGENT_ID
  if (explicit) {
    if (!AGENT_ID_PATTERN.test(explicit)) {
      throw new AgentConfigError(
        'FLOTILLA_AGENT_ID must be letters, digits, ".", "_" or "-" (at most 128, starting with a letter or digit)',
      )
    }
    return explicit
  }
  const host = env.HOSTNAME
  if (host && AGENT_ID_PATTERN.test(host)) return host
  return `agent-${randomBytes(6).toString('hex')}`
}

export function agentConfigFromEnv(env: NodeJS.ProcessEnv): AgentConfig {
  const missing = ['FLOTILLA_HUB_URL', 'FLOTILLA_HUB_CA_DATA', 'FLOTILLA_CLUSTER'].filter((k) => !env[k]?.trim())
  if (missing.length) {
    throw new AgentConfigError(
      `missing ${missing.join(', ')} in the environment (\`flotilla cluster register NAME -o env\` prints the FLOTILLA_* variables)`,
    )
  }
  const hubURL = parseHubURL(String(env.FLOTILLA_HUB_URL).trim())
  const hubCA = parseHubCA(String(env.FLOTILLA_HUB_CA_DATA))
  const cluster = String(env.FLOTILLA_CLUSTER).trim()
  if (!CLUSTER_NAME_PATTERN.test(cluster)) {
    throw new AgentConfigError(
      `FLOTILLA_CLUSTER "${cluster.slice(0, 100)}" is not a cluster name (lowercase letters, digits and "-")`,
    )
  }
  const namespace = env.FLOTILLA_AGENT_NAMESPACE?.trim() || DEFAULT_AGENT_NAMESPACE
  if (!DNS_LABEL.test(namespace)) {
    throw new AgentConfigError(`FLOTILLA_AGENT_NAMESPACE "${namespace.slice(0, 100)}" is not a namespace name`)
  }
  const token = env.FLOTILLA_BOOTSTRAP_TOKEN?.trim() || undefined
  if (token !== undefined && !TOKEN_CHARS.test(token)) {
    throw new AgentConfigError(
      'FLOTILLA_BOOTSTRAP_TOKEN holds characters a token cannot have (spaces or control bytes)',
    )
  }
  return { hubURL, hubCA, cluster, bootstrapToken: token, namespace, agentId: agentIdFrom(env) }
}
