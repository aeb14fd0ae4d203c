// `flotilla cluster import`: checks a member's kubeconfig locally, stores it (reduced to the one
// context the hub should use) in Secret flotilla-system/cluster-NAME-kubeconfig, and creates or
// updates the Cluster that references it — exactly what `kubectl apply` of the same Secret and
// Cluster does. With --wait it follows the Cluster until the hub reports it Running or failing.

import { readFileSync } from 'node:fs'
import { parse, stringify } from 'yaml'
import { CLUSTER_SECRET_NAMESPACE, clusterResource, DEFAULT_KUBECONFIG_KEY } from '../apis/platform/cluster.ts'
import { type Client, resources } from '../client/client.ts'
import type { HttpClient } from '../client/http-client.ts'
import { KubeconfigError, restConfigFromKubeconfig } from '../client/rest-config.ts'
import { isAlreadyExists, isNotFound } from '../machinery/errors.ts'
import type { KubeObject } from '../machinery/object.ts'
import { isDNS1123Label } from '../machinery/validation/names.ts'
import { type ClusterFields, clusterObject, clusterSpecFor } from './cluster-spec.ts'
import { UsageError } from './usage.ts'

export interface ImportRequest extends ClusterFields {
  name: string
  kubeconfigPath: string
  context?: string
  wait: boolean
  waitTimeoutMs: number
}

export function secretNameFor(cluster: string): string {
  return `cluster-${cluster}-kubeconfig`
}

type Rec = Record<string, unknown>

/**
 * The kubeconfig reduced to one context, its cluster and its user, as current-context: the hub
 * needs nothing else, and other contexts' credentials must not be copied into it.
 */
export function singleContextKubeconfig(text: string, context?: string): string {
  const doc = parse(text, { maxAliasCount: 100 }) as Rec
  const ctxName = context ?? (doc['current-context'] as string)
  const pick = (list: unknown, name: unknown) =>
    (Array.isArray(list) ? list : []).find((e) => (e as Rec)?.name === name)
  const ctx = pick(doc.contexts, ctxName) as Rec
  const inner = (ctx.context ?? {}) as Rec
  const user = inner.user ? pick(doc.users, inner.user) : undefined
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [pick(doc.clusters, inner.cluster)],
    users: user ? [user] : [],
    contexts: [ctx],
    'current-context': ctxName,
    preferences: {},
  })
}

/** Reads and checks the member's kubeconfig; a usage error that says what is wrong otherwise. */
export function readMemberKubeconfig(path: string, context?: string): { text: string; server: string } {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new UsageError(`cannot read --kubeconfig ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`)
  }
  try {
    const cfg = restConfigFromKubeconfig(text, context)
    if (!cfg.server.startsWith('https://')) {
      throw new KubeconfigError('the server must be an https:// URL: the hub sends member credentials over TLS only')
    }
    return { text: singleContextKubeconfig(text, context), server: cfg.server }
  } catch (e) {
    if (e instanceof KubeconfigError) throw new UsageError(`--kubeconfig ${path}: ${e.message}`)
    throw e
  }
}

export function checkClusterName(name: string | undefined): string {
  if (!name) throw new UsageError('a cluster NAME is required')
  const errs = isDNS1123Label(name)
  if (errs.length > 0) throw new UsageError(`invalid cluster name "${name}": ${errs.join('; ')}`)
  return name
}

/** Write options naming `fieldManager`; none: the client's own default manager. */
function writeOptions(fieldManager: string | undefined): { fieldManager?: string } {
  return fieldManager ? { fieldManager } : {}
}

/** Creates or updates the Secret that holds an imported cluster's kubeconfig (`text`). */
export async function upsertKubeconfigSecret(
  client: Client,
  name: string,
  text: string,
  fieldManager?: string,
): Promise<'created' | 'updated'> {
  const secretName = secretNameFor(name)
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secretName,
      namespace: CLUSTER_SECRET_NAMESPACE,
      labels: { 'platform.flotilla.dev/cluster': name },
    },
    type: 'Opaque',
    data: { [DEFAULT_KUBECONFIG_KEY]: Buffer.from(text, 'utf8').toString('base64') },
  }
  try {
    await client.create(resources.secrets, CLUSTER_SECRET_NAMESPACE, secret, writeOptions(fieldManager))
    return 'created'
  } catch (e) {
    if (!isAlreadyExists(e)) throw e
  }
  await client.patch(
    resources.secrets,
    CLUSTER_SECRET_NAMESPACE,
    secretName,
    'merge',
    { metadata: { labels: secret.metadata.labels }, data: secret.data },
    writeOptions(fieldManager),
  )
  return 'updated'
}

/**
 * Creates the Import-mode Cluster that references the kubeconfig Secret, or (re-importing)
 * points the existing one at the Secret and changes only the fields given.
 */
export async function upsertImportedCluster(
  client: Client,
  name: string,
  fields: ClusterFields,
  fieldManager?: string,
): Promise<'created' | 'updated'> {
  const spec = clusterSpecFor(
    {
      mode: 'Import',
      kubeconfigSecretRef: {
        namespace: CLUSTER_SECRET_NAMESPACE,
        name: secretNameFor(name),
        key: DEFAULT_KUBECONFIG_KEY,
      },
    },
    fields,
  )
  try {
    await client.create(clusterResource, '', clusterObject(name, spec), writeOptions(fieldManager))
    return 'created'
  } catch (e) {
    if (!isAlreadyExists(e)) throw e
  }
  await client.patch(clusterResource, '', name, 'merge', { spec }, writeOptions(fieldManager))
  return 'updated'
}

interface ReadyCondition {
  status?: string
  reason?: string
  message?: string
}

function readyOf(c: KubeObject): ReadyCondition | undefined {
  const conds = ((c.status as Rec | undefined)?.conditions ?? []) as (ReadyCondition & { type?: string })[]
  return conds.find((x) => x.type === 'Ready')
}

/** Follows the Cluster until Running (0) or Failed/timeout (1), printing each change. */
async function waitForCluster(hub: HttpClient, req: ImportRequest, out: (s: string) => void): Promise<number> {
  out(`Waiting for the hub to connect to cluster ${req.name}...`)
  const deadline = Date.now() + req.waitTimeoutMs
  let last = ''
  for (;;) {
    let c: KubeObject | undefined
    try {
      c = await hub.get(clusterResource, '', req.name)
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
    const status = (c?.status ?? {}) as Rec
    const phase = String(status.phase ?? 'Pending')
    const ready = c ? readyOf(c) : undefined
    const line = `  ${phase}${ready?.reason ? `: ${ready.reason}` : ''}${ready?.message ? ` (${ready.message})` : ''}`
    if (line !== last) {
      out(line)
      last = line
    }
    if (phase === 'Running') {
      const nodes = status.nodeSummary as { readyNum?: number; totalNum?: number } | undefined
      const version = status.kubernetesVersion ? `Kubernetes ${status.kubernetesVersion}` : 'version unknown'
      const nodeText = nodes ? `, ${nodes.readyNum ?? 0}/${nodes.totalNum ?? 0} nodes ready` : ''
      out(`Cluster ${req.name} is Running (${version}${nodeText})`)
      return 0
    }
    if (phase === 'Failed') {
      out(`Cluster ${req.name} failed to connect: ${ready?.reason ?? 'Failed'}: ${ready?.message ?? ''}`)
      return 1
    }
    if (Date.now() > deadline) {
      out(
        `Cluster ${req.name} is not Running after ${Math.round(req.waitTimeoutMs / 1000)}s (${phase}${ready?.reason ? `, ${ready.reason}: ${ready.message ?? ''}` : ''})`,
      )
      return 1
    }
    await new Promise((r) => setTimeout(r, 250))
  }
}

export async function importCluster(hub: HttpClient, req: ImportRequest, out: (s: string) => void): Promise<number> {
  const member = readMemberKubeconfig(req.kubeconfigPath, req.context)
  out(`Kubeconfig ${req.kubeconfigPath} is valid (server ${member.server})`)
  const secret = await upsertKubeconfigSecret(hub, req.name, member.text, 'flotilla-cli')
  out(`Secret ${CLUSTER_SECRET_NAMESPACE}/${secretNameFor(req.name)} ${secret}`)
  let cluster: 'created' | 'updated'
  try {
    cluster = await upsertImportedCluster(hub, req.name, req, 'flotilla-cli')
  } catch (e) {
    // A Secret made for a Cluster the hub refused is nobody's: take it back.
    if (secret === 'created') {
      await hub.delete(resources.secrets, CLUSTER_SECRET_NAMESPACE, secretNameFor(req.name)).catch(() => {})
    }
    throw e
  }
  out(`Cluster ${req.name} ${cluster}`)
  return req.wait ? waitForCluster(hub, req, out) : 0
}
