// `flotilla kubeconfig cluster|list|revoke`: temporary kubeconfigs that reach a member cluster
// through the hub as the caller (seed 004's "create temporary / revoke KubeConfig"). The hub
// issues them (POST clusters/NAME/kubeconfig) and keeps only a hash of each token; listing and
// revoking address the AccessToken objects. A non-admin sees and revokes only their own.

import { chmodSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { humanDuration } from '../apis/printing.ts'
import type { Resource } from '../client/client.ts'
import { parseDuration, ttlProblem } from '../hub/tokens/token.ts'
import { StatusError } from '../machinery/errors.ts'
import type { KubeObject } from '../machinery/object.ts'
import { isPlainObject } from '../machinery/object.ts'
import { describeHubFailure, type Hub, withHub } from './hub-client.ts'
import { parseFlags, UsageError } from './usage.ts'

const USAGE = `Usage: flotilla kubeconfig <cluster|list|revoke> [flags]

Temporary kubeconfigs for member clusters, issued by the hub. A kubeconfig reaches the member
through the hub's proxy as you (the identity of --hub-kubeconfig), carries a token that expires,
and can be revoked at once. The hub stores only a hash of each token.

Commands:
  cluster NAME     issue a kubeconfig for member cluster NAME and print it (or write it with -o)
  list             list your kubeconfig tokens (--all: everyone's, for administrators)
  revoke ID...     revoke tokens by id (kt-...); a revoked token fails with 401 at once

Flags:
  --hub-kubeconfig F   the hub and your credentials (default $FLOTILLA_HUB_KUBECONFIG, else
                       ./.flotilla/admin.kubeconfig)
  --ttl DURATION       cluster: lifetime, e.g. 30m, 8h, 7d (default 8h; 1m to 30d)
  --description TEXT   cluster: a note shown by list
  -o, --output FILE    cluster: write the kubeconfig to FILE (mode 0600) instead of printing it
  --all                list: every user's tokens (needs list on accesstokens)
  --cluster NAME       list: only tokens for this cluster`

const GROUP = 'platform.flotilla.dev'
const VERSION = 'v1alpha1'
const accessTokens: Resource = { group: GROUP, version: VERSION, resource: 'accesstokens' }

export async function runKubeconfig(args: string[]): Promise<number> {
  const parsed = parseFlags(
    args,
    {
      'hub-kubeconfig': { type: 'string' },
      ttl: { type: 'string' },
      description: { type: 'string' },
      output: { type: 'string', short: 'o' },
      all: { type: 'boolean', default: false },
      cluster: { type: 'string' },
    },
    USAGE,
  )
  if (!parsed) return 0
  const [sub, ...rest] = parsed.positionals
  const v = parsed.values
  const only = (allowed: string[]) => {
    for (const flag of ['ttl', 'description', 'output', 'all', 'cluster'] as const) {
      const set = flag === 'all' ? v.all : v[flag] !== undefined
      if (set && !allowed.includes(flag)) throw new UsageError(`--${flag} does not apply to "kubeconfig ${sub}"`)
    }
  }
  switch (sub) {
    case 'cluster': {
      only(['ttl', 'description', 'output'])
      if (rest.length !== 1) throw new UsageError(`kubeconfig cluster takes one cluster name\n\n${USAGE}`)
      let ttlSeconds: number | undefined
      if (v.ttl !== undefined) {
        ttlSeconds = parseDuration(v.ttl)
        if (ttlSeconds === undefined)
          throw new UsageError(`--ttl must be a duration such as 30m, 8h or 7d, got "${v.ttl}"`)
        const p = ttlProblem(ttlSeconds)
        if (p) throw new UsageError(`--ttl ${p}, got "${v.ttl}"`)
      }
      return onHub(v['hub-kubeconfig'], (hub) =>
        issue(hub, rest[0], { ttlSeconds, description: v.description, output: v.output }),
      )
    }
    case 'list':
      only(['all', 'cluster'])
      if (rest.length !== 0) throw new UsageError(`kubeconfig list takes no arguments\n\n${USAGE}`)
      return onHub(v['hub-kubeconfig'], (hub) => list(hub, { all: v.all, cluster: v.cluster }))
    case 'revoke':
      only([])
      if (rest.length === 0) throw new UsageError(`kubeconfig revoke needs at least one token id\n\n${USAGE}`)
      for (const id of rest) {
        if (!/^kt-[a-z2-7]{16}$/.test(id))
          throw new UsageError(
            `"${id.startsWith('flt_') ? 'flt_…' : id}" is not a token id (kt-…; see "flotilla kubeconfig list")`,
          )
      }
      return onHub(v['hub-kubeconfig'], (hub) => revoke(hub, rest))
    case undefined:
      throw new UsageError(`missing command\n\n${USAGE}`)
    default:
      throw new UsageError(`unknown kubeconfig command "${sub}"\n\n${USAGE}`)
  }
}

/** The hub of --hub-kubeconfig; a missing or invalid hub kubeconfig is an ordinary failure (exit status 1). */
function onHub(flag: string | undefined, fn: (hub: Hub) => Promise<number>): Promise<number> {
  return withHub(flag, fn, { describe: describeFailure })
}

/** `flotilla kubeconfig`'s wording for what the hub refused: tokens expire and are revoked. */
function describeFailure(e: unknown, hub: Hub): string | undefined {
  if (e instanceof StatusError) {
    if (e.code === 401) return `${describeHubFailure(e, hub)}: expired, revoked or wrong`
    if (e.code === 403) return `forbidden: ${e.message}`
    return undefined
  }
  const code = (e as { code?: string }).code
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))
    return `cannot verify the hub's TLS certificate at ${hub.url} (${code}); check certificate-authority-data in ${hub.kubeconfigPath}`
  return undefined
}

async function issue(
  hub: Hub,
  cluster: string,
  o: { ttlSeconds?: number; description?: string; output?: string },
): Promise<number> {
  const spec: Record<string, unknown> = {}
  if (o.ttlSeconds !== undefined) spec.expirationSeconds = o.ttlSeconds
  if (o.description) spec.description = o.description
  const res = await hub.client.raw(
    'POST',
    `/apis/${GROUP}/${VERSION}/clusters/${encodeURIComponent(cluster)}/kubeconfig`,
    {
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'ClusterKubeconfigRequest', spec },
    },
  )
  if (res.status === 404) {
    const err = statusOf(res.body)
    // A 404 naming the cluster means no such cluster; any other means a hub without the endpoint.
    if (err?.details?.name === cluster || /not found/.test(err?.message ?? ''))
      throw new Error(`cluster "${cluster}" not found on the hub at ${hub.url} (see "kubectl get clusters")`)
  }
  if (res.status < 200 || res.status > 299) throw errorFrom(res.status, res.body)
  const body = JSON.parse(res.body.toString('utf8')) as KubeObject
  const status = isPlainObject(body.status) ? body.status : {}
  const kubeconfig = String(status.kubeconfig ?? '')
  const summary = `token ${String(status.tokenID)} for cluster "${cluster}", expires ${String(status.expirationTimestamp)}`
  if (o.output) {
    const path = resolve(o.output)
    writeFileSync(path, kubeconfig, { mode: 0o600 })
    chmodSync(path, 0o600) // an existing file keeps its mode on write: tighten it
    process.stderr.write(`Wrote ${path} (${summary})\n`)
  } else {
    process.stdout.write(kubeconfig)
    process.stderr.write(`Issued ${summary}\n`)
  }
  return 0
}

function statusOf(body: Buffer): { message?: string; details?: { name?: string } } | undefined {
  try {
    const s = JSON.parse(body.toString('utf8'))
    return isPlainObject(s) && s.kind === 'Status' ? (s as never) : undefined
  } catch {
    return undefined
  }
}

function errorFrom(status: number, body: Buffer): StatusError {
  const s = statusOf(body) as { reason?: string; message?: string } | undefined
  return new StatusError(status, (s?.reason ?? 'Unknown') as never, s?.message ?? `the hub answered HTTP ${status}`)
}

async function whoami(hub: Hub): Promise<string> {
  const review = await hub.client.json<KubeObject>('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  })
  const info = isPlainObject(review.status) && isPlainObject(review.status.userInfo) ? review.status.userInfo : {}
  if (typeof info.username !== 'string' || !info.username) throw new Error('the hub did not say who you are')
  return info.username
}

async function list(hub: Hub, o: { all: boolean; cluster?: string }): Promise<number> {
  const terms: string[] = []
  if (!o.all) terms.push(`spec.user.username=${escapeField(await whoami(hub))}`)
  if (o.cluster) terms.push(`spec.cluster=${escapeField(o.cluster)}`)
  const items: KubeObject[] = []
  let cont: string | undefined
  do {
    const page = await hub.client.list(accessTokens, '', { fieldSelector: terms.join(','), limit: 500, continue: cont })
    items.push(...page.items)
    cont = page.continue
  } while (cont)
  if (items.length === 0) {
    process.stderr.write(o.all ? 'No kubeconfig tokens.\n' : 'You have no kubeconfig tokens.\n')
    return 0
  }
  process.stdout.write(renderTokenTable(items, Date.now()))
  return 0
}

/** Field selector values escape "\", "," and "=" (apimachinery fields.EscapeValue). */
function escapeField(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=')
}

/** The list as a kubectl-style table, soonest expiry first. */
export function renderTokenTable(items: KubeObject[], now: number): string {
  const rows = items
    .map((t) => {
      const spec = isPlainObject(t.spec) ? t.spec : {}
      const user = isPlainObject(spec.user) ? spec.user : {}
      const status = isPlainObject(t.status) ? t.status : {}
      const expires = Date.parse(String(spec.expirationTimestamp ?? ''))
      const created = Date.parse(String(t.metadata.creationTimestamp ?? ''))
      const used = Date.parse(String(status.lastUsedTimestamp ?? ''))
      return {
        expires,
        cells: [
          t.metadata.name ?? '',
          String(spec.cluster ?? ''),
          String(user.username ?? ''),
          Number.isNaN(expires) ? '<unknown>' : expires <= now ? 'Expired' : humanDuration(expires - now),
          Number.isNaN(used) ? '<never>' : `${humanDuration(now - used)} ago`,
          Number.isNaN(created) ? '<unknown>' : humanDuration(now - created),
          String(spec.description ?? ''),
        ],
      }
    })
    .sort((a, b) => a.expires - b.expires)
  const header = ['ID', 'CLUSTER', 'USER', 'EXPIRES', 'LAST USED', 'AGE', 'DESCRIPTION']
  const table = [header, ...rows.map((r) => r.cells)]
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)))
  return `${table
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
        .join('   ')
        .trimEnd(),
    )
    .join('\n')}\n`
}

async function revoke(hub: Hub, ids: string[]): Promise<number> {
  let failed = 0
  for (const id of ids) {
    try {
      await hub.client.delete(accessTokens, '', id)
      process.stdout.write(`Revoked ${id}\n`)
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) {
        process.stderr.write(`flotilla kubeconfig revoke: token ${id} not found\n`)
        failed++
        continue
      }
      if (e instanceof StatusError && e.code === 403) {
        process.stderr.write(
          `flotilla kubeconfig revoke: ${id}: forbidden: you have no token with this id (${e.message})\n`,
        )
        failed++
        continue
      }
      throw e
    }
  }
  return failed > 0 ? 1 : 0
}
