// `flotilla agent`: the agent of a registered member cluster. It dials out to the hub's agent
// port, obtains and rotates the cluster credential, and serves the reverse tunnel through which
// the hub reaches this cluster's API server (docs/registration.md). Configured by the FLOTILLA_*
// environment; runs until SIGINT or SIGTERM.

import { startAgent } from '../agent/agent.ts'
import { AgentConfigError, agentConfigFromEnv } from '../agent/config.ts'
import { inClusterMemberAccess, type MemberAccess, memberAccessFromKubeconfig } from '../agent/member-access.ts'
import { createLogger, type Level } from '../log/logger.ts'
import { parseFlags, parseHostPort, serveUntilSignal, UsageError } from './usage.ts'

const USAGE = `Usage: flotilla agent [flags]

Runs the agent of a registered member cluster: it connects out to the hub (TLS, verifying the hub's
CA), exchanges the bootstrap token for a cluster credential kept in the member Secret
FLOTILLA_AGENT_NAMESPACE/flotilla-agent-credential, and serves the reverse tunnel through which the
hub reaches this cluster's API server. Inside a cluster it uses in-cluster configuration.

Environment (\`flotilla cluster register NAME -o env\` prints it):
  FLOTILLA_HUB_URL           the hub's agent port, e.g. https://hub.example.com:9443 (required)
  FLOTILLA_HUB_CA_DATA       base64 of the hub's CA certificate, PEM (required)
  FLOTILLA_CLUSTER           the cluster's name on the hub (required)
  FLOTILLA_BOOTSTRAP_TOKEN   bootstrap token (needed until a credential is stored)
  FLOTILLA_AGENT_NAMESPACE   namespace of the credential Secret (default flotilla-system)
  FLOTILLA_AGENT_ID          instance id (default: HOSTNAME, i.e. the pod name)

Flags:
  --kubeconfig FILE          reach the member cluster with this kubeconfig (default: in-cluster)
  --context NAME             kubeconfig context (default: its current-context)
  --health-listen HOST:PORT  serve /healthz and /readyz (ready = tunnel connected) here
  --log-level LEVEL          debug, info (default), warn or error`

export async function runAgent(args: string[]): Promise<number> {
  const parsed = parseFlags(
    args,
    {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'health-listen': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
    },
    USAGE,
  )
  if (!parsed) return 0
  const v = parsed.values
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"\n\n${USAGE}`)
  if (!['debug', 'info', 'warn', 'error'].includes(v['log-level'])) {
    throw new UsageError('--log-level must be debug, info, warn or error')
  }
  if (v.context !== undefined && v.kubeconfig === undefined) throw new UsageError('--context needs --kubeconfig')
  let health: { host: string; port: number } | undefined
  if (v['health-listen'] !== undefined) {
    try {
      health = parseHostPort(v['health-listen'])
    } catch {
      throw new UsageError(`--health-listen must be HOST:PORT, got "${v['health-listen']}"`)
    }
  }
  let config: ReturnType<typeof agentConfigFromEnv>
  let member: MemberAccess
  try {
    config = agentConfigFromEnv(process.env)
    member = v.kubeconfig ? memberAccessFromKubeconfig(v.kubeconfig, v.context) : inClusterMemberAccess(process.env)
  } catch (e) {
    if (e instanceof AgentConfigError) throw new UsageError(e.message)
    throw e
  }

  const log = createLogger({ level: v['log-level'] as Level })
  process.stdout.write(
    `Starting agent ${config.agentId} for cluster ${config.cluster}: hub ${config.hubURL}, member via ${member.source}\n`,
  )
  const agent = await startAgent({
    config,
    member,
    log,
    health,
    onConnected: () =>
      process.stdout.write(`Agent ${config.agentId} connected to ${config.hubURL} as cluster ${config.cluster}\n`),
  })
  if (agent.health) process.stdout.write(`Health probes on http://${health?.host}:${agent.health.port}/readyz\n`)
  const failed = !(await serveUntilSignal(() => agent.stop(), log))
  process.stdout.write(`Agent ${config.agentId} stopped\n`)
  return failed ? 1 : 0
}
