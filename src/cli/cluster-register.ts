// `flotilla cluster register NAME`: creates the Register-mode Cluster if needed, asks the hub for
// a bootstrap token (clusters/NAME/registration) and prints what the member needs — the manifest
// for `kubectl apply` (default), or with `-o env` the FLOTILLA_* variables for `flotilla agent`.
// Standard output carries only that, so it can be piped; progress goes to standard error.
// `flotilla cluster revoke-credentials NAME` deletes the cluster's credentials (and any unused
// bootstrap token): its tunnels close at once, and its agents must be registered again.

import {
  CLUSTER_SECRET_NAMESPACE,
  clusterResource,
  PLATFORM_GROUP,
  PLATFORM_VERSION,
} from '../apis/platform/cluster.ts'
import { resources } from '../client/client.ts'
import { type HttpClient, resourcePath } from '../client/http-client.ts'
import { envLines } from '../hub/registration/manifest.ts'
import { bootstrapSecretName, credentialsSecretName } from '../hub/registration/records.ts'
import { isAlreadyExists, isNotFound, StatusError } from '../machinery/errors.ts'
import { type ClusterFields, clusterObject, clusterSpecFor } from './cluster-spec.ts'
import { UsageError } from './usage.ts'

export interface RegisterRequest extends ClusterFields {
  name: string
  ttl?: string
  output: 'yaml' | 'env'
  wait: boolean
  waitTimeoutMs: number
}

type Rec = Record<string, unknown>

function specFor(req: ClusterFields): Rec {
  return clusterSpecFor({ mode: 'Register' }, req)
}

/** Creates the Cluster, or checks that the existing one is a registered cluster. */
async function ensureCluster(
  hub: HttpClient,
  req: Omit<RegisterRequest, 'output' | 'wait' | 'waitTimeoutMs'>,
  err: (s: string) => void,
): Promise<void> {
  try {
    await hub.create(clusterResource, '', clusterObject(req.name, specFor(req)), { fieldManager: 'flotilla-cli' })
    err(`Cluster ${req.name} created (mode Register)`)
    return
  } catch (e) {
    if (!isAlreadyExists(e)) throw e
  }
  const live = await hub.get(clusterResource, '', req.name)
  const mode = ((live.spec as Rec | undefined)?.connection as Rec | undefined)?.mode
  if (mode !== 'Register') {
    throw new UsageError(`cluster ${req.name} already exists with mode ${String(mode)}; delete it first to register it`)
  }
  const { connection: _, ...rest } = specFor(req)
  if (Object.keys(rest).length > 0) {
    await hub.patch(clusterResource, '', req.name, 'merge', { spec: rest }, { fieldManager: 'flotilla-cli' })
  }
  err(`Cluster ${req.name} exists (mode Register); issuing a new bootstrap token`)
}

/** What the hub answers a registration request with (clusters/NAME/registration). */
export interface RegistrationStatus {
  manifest: string
  env: Record<string, string>
  bootstrapTokenExpirationTimestamp: string
  hubURL: string
}

/** Creates the Register-mode Cluster if needed and has the hub issue a bootstrap token for it. */
export async function requestRegistration(
  hub: HttpClient,
  req: Omit<RegisterRequest, 'output' | 'wait' | 'waitTimeoutMs'>,
  err: (s: string) => void,
): Promise<RegistrationStatus> {
  await ensureCluster(hub, req, err)
  const path = `${resourcePath(clusterResource, '', req.name)}/registration`
  const res = await hub.raw('POST', path, {
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      apiVersion: `${PLATFORM_GROUP}/${PLATFORM_VERSION}`,
      kind: 'ClusterRegistrationRequest',
      spec: req.ttl ? { ttl: req.ttl } : {},
    }),
  })
  const body = JSON.parse(res.body.toString('utf8') || '{}') as Rec
  if (res.status !== 201) {
    throw new StatusError(res.status, 'InternalError', String(body.message ?? `HTTP ${res.status}`))
  }
  return body.status as RegistrationStatus
}

export async function registerCluster(
  hub: HttpClient,
  req: RegisterRequest,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const status = await requestRegistration(hub, req, err)
  out(req.output === 'env' ? envLines(status.env) : status.manifest.trimEnd())
  err(
    `Bootstrap token valid until ${status.bootstrapTokenExpirationTimestamp}; agents dial ${status.hubURL}` +
      (req.output === 'env'
        ? ' (run: flotilla agent --kubeconfig MEMBER_KUBECONFIG with these variables)'
        : ' (apply in the member: kubectl apply -f -)'),
  )
  return req.wait ? waitForAgent(hub, req, err) : 0
}

/** Follows the Cluster until Running (0), or AccessTimeout/Failed/timeout (1). */
async function waitForAgent(hub: HttpClient, req: RegisterRequest, err: (s: string) => void): Promise<number> {
  err(`Waiting for an agent of cluster ${req.name} to connect...`)
  const deadline = Date.now() + req.waitTimeoutMs
  let last = ''
  for (;;) {
    const c = await hub.get(clusterResource, '', req.name)
    const status = (c.status ?? {}) as Rec
    const phase = String(status.phase ?? 'Pending')
    const ready = ((status.conditions ?? []) as Rec[]).find((x) => x.type === 'Ready')
    const line = `  ${phase}${ready?.reason ? `: ${ready.reason}` : ''}`
    if (line !== last) {
      err(line)
      last = line
    }
    if (phase === 'Running') {
      err(`Cluster ${req.name} is Running (Kubernetes ${String(status.kubernetesVersion ?? 'version unknown')})`)
      return 0
    }
    if (phase === 'Failed' || phase === 'AccessTimeout') {
      err(`Cluster ${req.name} is ${phase}: ${String(ready?.message ?? '')}`)
      return 1
    }
    if (Date.now() > deadline) {
      err(`Cluster ${req.name} is not Running after ${Math.round(req.waitTimeoutMs / 1000)}s (${phase})`)
      return 1
    }
    await new Promise((r) => setTimeout(r, 500))
  }
}

export async function revokeCredentials(hub: HttpClient, name: string, out: (s: string) => void): Promise<number> {
  await hub.get(clusterResource, '', name) // 404 for an unknown cluster
  let removed = 0
  for (const secret of [credentialsSecretName(name), bootstrapSecretName(name)]) {
    try {
      await hub.delete(resources.secrets, CLUSTER_SECRET_NAMESPACE, secret)
      removed++
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
  }
  out(
    removed > 0
      ? `Credentials of cluster ${name} revoked: its tunnels are closed; register it again (flotilla cluster register ${name}) to reconnect`
      : `Cluster ${name} has no credentials to revoke`,
  )
  return 0
}
