// `flotilla cluster import|list|delete`: member clusters of a hub, through the hub's API (the
// identity of --hub-kubeconfig, so hub RBAC applies as for kubectl).

import { resolve } from 'node:path'
import { clusterResource } from '../apis/platform/cluster.ts'
import { type HttpClient, resourcePath } from '../client/http-client.ts'
import { isNotFound, StatusError } from '../machinery/errors.ts'
import { checkClusterName, importCluster } from './cluster-import.ts'
import { registerCluster, revokeCredentials } from './cluster-register.ts'
import { durationFlag } from './duration.ts'
import { withHub } from './hub-client.ts'
import { parseFlags, UsageError } from './usage.ts'

const USAGE = `Usage:
  flotilla cluster import NAME --kubeconfig FILE [flags]
  flotilla cluster register NAME [--ttl D] [-o yaml|env] [--wait] [flags]
  flotilla cluster revoke-credentials NAME [--hub-kubeconfig F]
  flotilla cluster list [--hub-kubeconfig F] [-o wide]
  flotilla cluster delete NAME [--hub-kubeconfig F] [--wait]

import: checks the member's kubeconfig, stores it in Secret flotilla-system/cluster-NAME-kubeconfig
(only the context the hub uses; credentials and CA must be embedded) and creates or updates the
Cluster. kubectl apply of the same Secret and Cluster does the same.

register: creates the Cluster with mode Register (if needed), issues a bootstrap token and prints
the manifest to kubectl apply in the member (-o env: the FLOTILLA_* variables for
"flotilla agent --kubeconfig MEMBER_KUBECONFIG" instead). Progress goes to standard error.
revoke-credentials: revokes every credential of a registered cluster and closes its tunnels.

Flags:
  --kubeconfig FILE        the member's kubeconfig (import)
  --context C              its context to use (default: its current context)
  --hub-kubeconfig F       the hub and your credentials (default $FLOTILLA_HUB_KUBECONFIG, else
                           ./.flotilla/admin.kubeconfig)
  --provider P             who runs the cluster (aws, alibaba, on-prem ...)
  --region R               its region
  --zones A,B              its zones
  --display-name S         a name for people
  --delete-protection      refuse deleting the Cluster until spec.deleteProtection is false
  --ttl DURATION           register: lifetime of the bootstrap token (default 1h, at most 7d)
  --wait                   wait until the hub reports the cluster Running (or why it cannot)
  --timeout DURATION       how long --wait waits (default 2m; e.g. 30s, 5m)
  -o wide                  list: also region and zones
  -o yaml|env              register: the manifest (default) or shell variables`

export async function runCluster(args: string[]): Promise<number> {
  const parsed = parseFlags(
    args,
    {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'hub-kubeconfig': { type: 'string' },
      provider: { type: 'string' },
      region: { type: 'string' },
      zones: { type: 'string' },
      'display-name': { type: 'string' },
      'delete-protection': { type: 'boolean' },
      wait: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '2m' },
      ttl: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
    USAGE,
  )
  if (!parsed) return 0
  const v = parsed.values
  const [sub, ...rest] = parsed.positionals
  const out = (s: string) => process.stdout.write(`${s}\n`)
  switch (sub) {
    case 'import': {
      if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"\n\n${USAGE}`)
      const name = checkClusterName(rest[0])
      if (!v.kubeconfig) throw new UsageError(`--kubeconfig FILE is required\n\n${USAGE}`)
      const zones =
        v.zones === undefined
          ? undefined
          : v.zones
              .split(',')
              .map((z) => z.trim())
              .filter(Boolean)
      const waitTimeoutMs = durationFlag('timeout', v.timeout)
      return onHub(v['hub-kubeconfig'], (hub) =>
        importCluster(
          hub,
          {
            name,
            kubeconfigPath: resolve(v.kubeconfig as string),
            context: v.context,
            provider: v.provider,
            region: v.region,
            zones,
            deleteProtection: v['delete-protection'],
            displayName: v['display-name'],
            wait: v.wait,
            waitTimeoutMs,
          },
          out,
        ),
      )
    }
    case 'register': {
      if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"\n\n${USAGE}`)
      const name = checkClusterName(rest[0])
      const output = v.output ?? 'yaml'
      if (output !== 'yaml' && output !== 'env') throw new UsageError('-o must be "yaml" or "env"')
      if (v.ttl !== undefined && !/^(\d{1,9}[smhd])+$/.test(v.ttl))
        throw new UsageError(`--ttl must be a duration such as 30m, 1h or 2d, got "${v.ttl}"`)
      const zones = v.zones
        ?.split(',')
        .map((z) => z.trim())
        .filter(Boolean)
      const waitTimeoutMs = durationFlag('timeout', v.timeout)
      const err = (s: string) => process.stderr.write(`${s}\n`)
      return onHub(v['hub-kubeconfig'], (hub) =>
        registerCluster(
          hub,
          {
            name,
            provider: v.provider,
            region: v.region,
            zones,
            displayName: v['display-name'],
            deleteProtection: v['delete-protection'],
            ttl: v.ttl,
            output,
            wait: v.wait,
            waitTimeoutMs,
          },
          out,
          err,
        ),
      )
    }
    case 'revoke-credentials': {
      if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"\n\n${USAGE}`)
      const name = checkClusterName(rest[0])
      return onHub(v['hub-kubeconfig'], (hub) => revokeCredentials(hub, name, out))
    }
    case 'list':
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"\n\n${USAGE}`)
      if (v.output !== undefined && v.output !== 'wide') throw new UsageError('-o must be "wide"')
      return onHub(v['hub-kubeconfig'], (hub) => list(hub, v.output === 'wide', out))
    case 'delete': {
      if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"\n\n${USAGE}`)
      const name = checkClusterName(rest[0])
      const timeoutMs = durationFlag('timeout', v.timeout)
      return onHub(v['hub-kubeconfig'], (hub) => remove(hub, name, v.wait, timeoutMs, out))
    }
    case undefined:
      throw new UsageError(`a subcommand is required: import, register, revoke-credentials, list or delete\n\n${USAGE}`)
    default:
      throw new UsageError(
        `unknown subcommand "${sub}": import, register, revoke-credentials, list or delete\n\n${USAGE}`,
      )
  }
}

/** The hub of --hub-kubeconfig, as a client; a missing or invalid hub kubeconfig is a usage error. */
function onHub(flag: string | undefined, fn: (hub: HttpClient) => Promise<number>): Promise<number> {
  return withHub(flag, (hub) => fn(hub.client), { kubeconfigUsageError: true })
}

interface Table {
  columnDefinitions: { name: string; priority: number }[]
  rows: { cells: unknown[] }[]
}

/** The hub's own Table (the Cluster kind's printer columns), printed as kubectl prints it. */
async function list(hub: HttpClient, wide: boolean, out: (s: string) => void): Promise<number> {
  const res = await hub.raw('GET', resourcePath(clusterResource, ''), {
    headers: { accept: 'application/json;as=Table;g=meta.k8s.io;v=v1' },
  })
  if (res.status !== 200) throw new StatusError(res.status, 'InternalError', res.body.toString('utf8').slice(0, 300))
  const table = JSON.parse(res.body.toString('utf8')) as Table
  if (table.rows.length === 0) {
    out('No clusters.')
    return 0
  }
  const shown = table.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => wide || c.priority === 0)
  const lines = [
    shown.map(({ c }) => c.name.toUpperCase()),
    ...table.rows.map((r) =>
      shown.map(({ i }) => (r.cells[i] === null || r.cells[i] === undefined ? '' : String(r.cells[i]))),
    ),
  ]
  const widths = shown.map((_, j) => Math.max(...lines.map((l) => l[j].length)))
  for (const l of lines)
    out(
      l
        .map((cell, j) => (j === l.length - 1 ? cell : cell.padEnd(widths[j] + 3)))
        .join('')
        .trimEnd(),
    )
  return 0
}

async function remove(
  hub: HttpClient,
  name: string,
  wait: boolean,
  timeoutMs: number,
  out: (s: string) => void,
): Promise<number> {
  await hub.delete(clusterResource, '', name)
  out(`Cluster ${name} deleted (the hub drops its connection and credentials; the member is not changed)`)
  if (!wait) return 0
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await hub.get(clusterResource, '', name)
    } catch (e) {
      if (isNotFound(e)) return 0
      throw e
    }
    if (Date.now() > deadline) {
      out(`Cluster ${name} is still being deleted after ${Math.round(timeoutMs / 1000)}s`)
      return 1
    }
    await new Promise((r) => setTimeout(r, 250))
  }
}
