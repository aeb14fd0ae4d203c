// POST /apis/platform.flotilla.dev/v1alpha1/clusters/NAME/registration — issues a bootstrap
// token for a Register-mode cluster and renders what the member needs (docs/registration.md):
//
// Request (body optional; JSON or YAML):
//   {"apiVersion":"platform.flotilla.dev/v1alpha1","kind":"ClusterRegistrationRequest","spec":{"ttl":"1h"}}
// Response 201: the same kind with status {bootstrapTokenID, bootstrapTokenExpirationTimestamp,
// hubURL, env: {FLOTILLA_*}, manifest}. The token appears in this one response only.
//
// RBAC `create` on `clusters/registration` is checked by the API server before this runs
// (cluster-admin and flotilla:platform-admin have it). A new token replaces the cluster's
// earlier one, used or not. A request authenticated by a kubeconfig token is refused, as for
// clusters/kubeconfig: a leaked member kubeconfig must not be able to enrol agents.

import { PLATFORM_GROUP, PLATFORM_VERSION } from '../../apis/platform/cluster.ts'
import { decodeDocument, readBody } from '../../apiserver/http/body.ts'
import { writeJson } from '../../apiserver/http/respond.ts'
import type { Connector } from '../../apiserver/server.ts'
import { type Client, resources } from '../../client/client.ts'
import type { EventRecorder } from '../../controllers/workloads/util/events.ts'
import {
  badRequest,
  conflict,
  fieldInvalid,
  forbidden,
  invalid,
  isAlreadyExists,
  isConflict,
  methodNotAllowed,
  serviceUnavailable,
} from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { isPlainObject } from '../../machinery/object.ts'
import type { Clock } from '../../util/clock.ts'
import { hubAdminAccessAllowed } from '../identity/admin-binding.ts'
import { accessTokenOf } from '../tokens/authn.ts'
import { parseDuration } from '../tokens/token.ts'
import { agentEnv, renderManifest } from './manifest.ts'
import {
  bootstrapSecret,
  bootstrapSecretName,
  DEFAULT_BOOTSTRAP_TTL_SECONDS,
  ISSUED_AT_ANNOTATION,
  MAX_BOOTSTRAP_TTL_SECONDS,
  MIN_BOOTSTRAP_TTL_SECONDS,
  newBootstrapToken,
  rfc3339,
  type TokenRecord,
} from './records.ts'

export const REGISTRATION_REQUEST_KIND = 'ClusterRegistrationRequest'
const apiVersion = `${PLATFORM_GROUP}/${PLATFORM_VERSION}`
const clusters = { group: PLATFORM_GROUP, version: PLATFORM_VERSION, resource: 'clusters' }
const gr = { group: PLATFORM_GROUP, resource: 'clusters' }

export interface RegistrationConnectorOptions {
  client: Client
  namespace: string
  clock: Clock
  caCert: string
  /** The URL agents dial; undefined when the hub has no agent port. */
  agentURL: () => string | undefined
  events: EventRecorder
}

/** The requested bootstrap-token lifetime in seconds; 400/422 for bad input. */
export function parseRegistrationRequest(body: unknown, cluster: string): number {
  if (body === undefined) return DEFAULT_BOOTSTRAP_TTL_SECONDS
  if (!isPlainObject(body)) throw badRequest('the body of the request must be a JSON object')
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersion)
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match ${apiVersion}`)
  if (body.kind !== undefined && body.kind !== REGISTRATION_REQUEST_KIND)
    throw badRequest(`the kind in the data (${String(body.kind)}) does not match ${REGISTRATION_REQUEST_KIND}`)
  const spec = body.spec ?? {}
  if (!isPlainObject(spec))
    throw invalid(REGISTRATION_REQUEST_KIND, PLATFORM_GROUP, cluster, [fieldInvalid('spec', spec, 'must be an object')])
  if (spec.ttl === undefined) return DEFAULT_BOOTSTRAP_TTL_SECONDS
  const seconds = typeof spec.ttl === 'string' ? parseDuration(spec.ttl) : undefined
  const problem =
    seconds === undefined
      ? 'must be a duration such as 30m, 1h or 2d'
      : seconds < MIN_BOOTSTRAP_TTL_SECONDS
        ? 'must be at least 1m'
        : seconds > MAX_BOOTSTRAP_TTL_SECONDS
          ? 'must be at most 7d'
          : undefined
  if (problem)
    throw invalid(REGISTRATION_REQUEST_KIND, PLATFORM_GROUP, cluster, [fieldInvalid('spec.ttl', spec.ttl, problem)])
  return seconds as number
}

export function registrationConnector(opts: RegistrationConnectorOptions): Connector {
  return async (ctx, user) => {
    const { req, info } = ctx
    if (info.verb !== 'create') throw methodNotAllowed('only POST is allowed on clusters/registration')
    const name = info.name
    if (accessTokenOf(req)) {
      throw forbidden(
        `clusters "${name}" is forbidden: a kubeconfig token cannot register agents; use your own credentials`,
        gr,
        name,
      )
    }
    const raw = await readBody(req, 64 * 1024)
    const body = raw.toString('utf8').trim() === '' ? undefined : decodeDocument(raw, req.headers['content-type'])
    const ttl = parseRegistrationRequest(body, name)
    const cluster = await opts.client.get(clusters, '', name) // 404 when there is no such cluster
    if (cluster.metadata.deletionTimestamp) throw conflict(gr, name, 'the cluster is being deleted')
    const mode = (cluster.spec as { connection?: { mode?: string } }).connection?.mode
    if (mode !== 'Register') {
      throw badRequest(
        `cluster ${name} has spec.connection.mode ${mode}; only a Register-mode cluster is registered by an agent`,
      )
    }
    const hubURL = opts.agentURL()
    if (!hubURL) throw serviceUnavailable('the hub has no agent port (started with agent listening disabled)')

    const now = opts.clock.now()
    const issued = newBootstrapToken()
    const record: TokenRecord = {
      id: issued.id,
      secretHash: issued.secretHash,
      expiresAt: Math.floor(now / 1000) * 1000 + ttl * 1000,
    }
    await storeBootstrap(opts, cluster, record, now)
    const env = agentEnv({ hubURL, caPEM: opts.caCert, cluster: name, bootstrapToken: issued.token })
    const manifest = renderManifest({ env, hubAdminAccess: hubAdminAccessAllowed(cluster) })
    opts.events.event(
      cluster,
      'Normal',
      'BootstrapTokenIssued',
      `${user.username} issued bootstrap token ${issued.id}, valid until ${rfc3339(record.expiresAt)}`,
    )
    writeJson(ctx.res, 201, {
      apiVersion,
      kind: REGISTRATION_REQUEST_KIND,
      metadata: { name, creationTimestamp: rfc3339(now) },
      spec: { ttl: `${ttl}s` },
      status: {
        bootstrapTokenID: issued.id,
        bootstrapTokenExpirationTimestamp: rfc3339(record.expiresAt),
        hubURL,
        env,
        manifest,
      },
    })
  }
}

/** Creates or replaces the cluster's bootstrap Secret (the earlier token stops working). */
async function storeBootstrap(
  opts: RegistrationConnectorOptions,
  cluster: KubeObject,
  record: TokenRecord,
  now: number,
): Promise<void> {
  const name = cluster.metadata.name ?? ''
  const want = bootstrapSecret(name, cluster.metadata.uid ?? '', record, now)
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await opts.client.create(resources.secrets, opts.namespace, want, { fieldManager: 'flotilla-hub-registration' })
      return
    } catch (e) {
      if (!isAlreadyExists(e)) throw e
    }
    const live = await opts.client.get(resources.secrets, opts.namespace, bootstrapSecretName(name))
    try {
      await opts.client.update(
        resources.secrets,
        opts.namespace,
        {
          ...live,
          metadata: {
            ...live.metadata,
            labels: want.metadata.labels,
            annotations: { ...live.metadata.annotations, [ISSUED_AT_ANNOTATION]: rfc3339(now) },
            ownerReferences: want.metadata.ownerReferences,
          },
          type: live.type,
          data: want.data,
        },
        { fieldManager: 'flotilla-hub-registration' },
      )
      return
    } catch (e) {
      if (!isConflict(e)) throw e
    }
  }
  throw conflict(gr, name, 'the bootstrap token changed concurrently; retry')
}
