// POST /apis/platform.flotilla.dev/v1alpha1/clusters/NAME/kubeconfig — issues a temporary
// kubeconfig that reaches member NAME through the hub's proxy as the caller.
//
// Request (body optional; JSON or YAML):
//   {"apiVersion":"platform.flotilla.dev/v1alpha1","kind":"ClusterKubeconfigRequest",
//    "spec":{"ttl":"8h" | "expirationSeconds":28800, "description":"..."}}
// Response (201): the same kind with status {tokenID, token, expirationTimestamp, server,
// kubeconfig}. The secret appears in this one response only; the hub keeps its hash.
//
// Policy:
//  - Authorization is RBAC's `create` on `clusters/kubeconfig` (checked by the server before
//    this runs). The token is bound to the caller's identity as authenticated (after
//    impersonation): it can never do more than the caller could.
//  - Lifetime: default 8h, at least 1m, at most 30d; anything else is 422 with the field.
//  - No chaining: a request authenticated by a kubeconfig token cannot issue another one (403),
//    so a leaked token cannot extend its own life.
//  - At most MAX_TOKENS_PER_USER unexpired tokens per user (403 beyond), so one user cannot
//    fill the hub's storage.
//  - The token is owned by the Cluster: deleting the cluster revokes its kubeconfigs.
// Nothing here logs the token.

import { PLATFORM_GROUP, PLATFORM_VERSION } from '../../apis/platform/cluster.ts'
import { decodeDocument, readBody } from '../../apiserver/http/body.ts'
import { writeJson } from '../../apiserver/http/respond.ts'
import type { Connector } from '../../apiserver/server.ts'
import { renderKubeconfig } from '../../cli/kubeconfig.ts'
import type { Client } from '../../client/client.ts'
import {
  badRequest,
  conflict,
  type FieldError,
  fieldInvalid,
  forbidden,
  invalid,
  isAlreadyExists,
  methodNotAllowed,
} from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { isPlainObject } from '../../machinery/object.ts'
import type { Clock } from '../../util/clock.ts'
import { accessTokenOf } from './authn.ts'
import { DEFAULT_TTL_SECONDS, newAccessToken, parseDuration, ttlProblem } from './token.ts'
import { accessTokens, type TokenIndex } from './token-index.ts'

export const REQUEST_KIND = 'ClusterKubeconfigRequest'
export const MAX_TOKENS_PER_USER = 100
const MAX_DESCRIPTION = 256
const clusters = { group: PLATFORM_GROUP, version: PLATFORM_VERSION, resource: 'clusters' }
const apiVersion = `${PLATFORM_GROUP}/${PLATFORM_VERSION}`

export interface IssueOptions {
  client: Client
  index: TokenIndex
  clock: Clock
  /** PEM of the hub's CA, embedded in the kubeconfig. */
  caCert: string
  /** The hub's own URL, used when the request's Host header is unusable. */
  hubURL: () => string
}

interface Parsed {
  seconds: number
  description?: string
}

/** Reads the request's spec; 400 for an undecodable body, 422 (with field paths) for bad values. */
export function parseKubeconfigRequest(body: unknown, cluster: string): Parsed {
  if (body === undefined) return { seconds: DEFAULT_TTL_SECONDS }
  if (!isPlainObject(body)) throw badRequest('the body of the request must be a JSON object')
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersion)
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match ${apiVersion}`)
  if (body.kind !== undefined && body.kind !== REQUEST_KIND)
    throw badRequest(`the kind in the data (${String(body.kind)}) does not match ${REQUEST_KIND}`)
  const spec = body.spec ?? {}
  const errs: FieldError[] = []
  if (!isPlainObject(spec))
    throw invalid(REQUEST_KIND, PLATFORM_GROUP, cluster, [fieldInvalid('spec', spec, 'must be an object')])
  let seconds = DEFAULT_TTL_SECONDS
  if (spec.ttl !== undefined && spec.expirationSeconds !== undefined) {
    errs.push(fieldInvalid('spec.ttl', spec.ttl, 'give either ttl or expirationSeconds, not both'))
  } else if (spec.ttl !== undefined) {
    const parsed = typeof spec.ttl === 'string' ? parseDuration(spec.ttl) : undefined
    if (parsed === undefined) errs.push(fieldInvalid('spec.ttl', spec.ttl, 'must be a duration such as 30m, 8h or 7d'))
    else {
      const p = ttlProblem(parsed)
      if (p) errs.push(fieldInvalid('spec.ttl', spec.ttl, p))
      seconds = parsed
    }
  } else if (spec.expirationSeconds !== undefined) {
    const v = spec.expirationSeconds
    const p = typeof v === 'number' ? ttlProblem(v, 'seconds') : 'must be a whole number of seconds'
    if (p) errs.push(fieldInvalid('spec.expirationSeconds', v, p))
    seconds = v as number
  }
  const d = spec.description
  if (d !== undefined && (typeof d !== 'string' || d.length > MAX_DESCRIPTION))
    errs.push(fieldInvalid('spec.description', '', `must be a string of at most ${MAX_DESCRIPTION} characters`))
  if (errs.length > 0) throw invalid(REQUEST_KIND, PLATFORM_GROUP, cluster, errs)
  return { seconds, ...(typeof d === 'string' && d ? { description: d } : {}) }
}

/** The hub URL as this client reached it (so the kubeconfig works from where it was asked for). */
function reachedURL(host: string | undefined, fallback: string): string {
  // Host names, IPv4 and bracketed IPv6 with an optional port; anything else is not trusted.
  if (host && /^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(:\d{1,5})?$/.test(host)) return `https://${host}`
  return fallback
}

export function kubeconfigConnector(opts: IssueOptions): Connector {
  return async (ctx, user) => {
    const { req, info } = ctx
    if (info.verb !== 'create') throw methodNotAllowed('only POST is allowed on clusters/kubeconfig')
    const name = info.name
    if (accessTokenOf(req)) {
      throw forbidden(
        `clusters "${name}" is forbidden: a kubeconfig token cannot issue another kubeconfig; use your own credentials`,
        { group: PLATFORM_GROUP, resource: 'clusters' },
        name,
      )
    }
    const raw = await readBody(req)
    const body = raw.toString('utf8').trim() === '' ? undefined : decodeDocument(raw, req.headers['content-type'])
    const parsed = parseKubeconfigRequest(body, name)

    const cluster = await opts.client.get(clusters, '', name) // 404 when there is no such cluster
    if (cluster.metadata.deletionTimestamp) {
      throw conflict({ group: PLATFORM_GROUP, resource: 'clusters' }, name, 'the cluster is being deleted')
    }
    const now = opts.clock.now()
    const live = opts.index.ownedBy(user.username).filter((e) => e.expiresAt > now).length
    if (live >= MAX_TOKENS_PER_USER) {
      throw forbidden(
        `user "${user.username}" already holds ${live} unexpired kubeconfig tokens (at most ${MAX_TOKENS_PER_USER}); revoke some with "flotilla kubeconfig revoke"`,
      )
    }
    const expiration = new Date(Math.floor(now / 1000) * 1000 + parsed.seconds * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
    const groups = user.groups.includes('system:authenticated') ? user.groups : [...user.groups, 'system:authenticated']

    let issued = newAccessToken()
    for (let attempt = 0; ; attempt++) {
      const obj: KubeObject = {
        apiVersion,
        kind: 'AccessToken',
        metadata: {
          name: issued.id,
          ownerReferences: [
            { apiVersion, kind: 'Cluster', name, uid: cluster.metadata.uid ?? '', blockOwnerDeletion: false },
          ],
        },
        spec: {
          user: {
            username: user.username,
            ...(user.uid ? { uid: user.uid } : {}),
            groups,
            ...(user.extra && Object.keys(user.extra).length > 0 ? { extra: user.extra } : {}),
          },
          cluster: name,
          expirationTimestamp: expiration,
          secretHash: issued.secretHash,
          ...(parsed.description ? { description: parsed.description } : {}),
        },
      }
      try {
        await opts.client.create(accessTokens, '', obj)
        break
      } catch (e) {
        // 80 random bits make an id collision all but impossible; retry rather than fail.
        if (!isAlreadyExists(e) || attempt >= 2) throw e
        issued = newAccessToken()
      }
    }

    const server = `${reachedURL(req.headers.host, opts.hubURL())}/apis/${apiVersion}/clusters/${name}/proxy`
    const kubeconfig = renderKubeconfig({
      name,
      server,
      token: issued.token,
      user: `${name}-${issued.id}`,
      certificateAuthorityData: Buffer.from(opts.caCert).toString('base64'),
    })
    writeJson(ctx.res, 201, {
      apiVersion,
      kind: REQUEST_KIND,
      metadata: { name, creationTimestamp: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z') },
      spec: { expirationSeconds: parsed.seconds, ...(parsed.description ? { description: parsed.description } : {}) },
      status: {
        tokenID: issued.id,
        token: issued.token,
        expirationTimestamp: expiration,
        cluster: name,
        server,
        kubeconfig,
      },
    })
  }
}
