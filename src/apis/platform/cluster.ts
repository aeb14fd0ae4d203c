// Cluster (platform.flotilla.dev/v1alpha1, cluster-scoped): a member cluster the hub manages.
// spec says how the hub connects (Import: the hub dials the member with a kubeconfig kept in a
// Secret; Register: an agent in the member dials the hub) and describes the cluster; status is
// written by the hub's cluster controller (src/hub/clusters).

import { type FieldError, fieldInvalid, fieldNotSupported, fieldRequired, forbidden } from '../../machinery/errors.ts'
import type { KindDef } from '../../machinery/kinds.ts'
import { defineKind } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { isDNS1123Subdomain, isValidLabelValue } from '../../machinery/validation/names.ts'
import { arr, ensure, type Json, num, rec, setDefault, str } from '../json.ts'
import { ageColumn, column } from '../printing.ts'
import { clusterSchema } from './cluster-schema.ts'

export const PLATFORM_GROUP = 'platform.flotilla.dev'
export const PLATFORM_VERSION = 'v1alpha1'

/** The namespace the hub keeps member credentials in (src/hub/start.ts HUB_SYSTEM_NAMESPACE). */
export const CLUSTER_SECRET_NAMESPACE = 'flotilla-system'
export const DEFAULT_KUBECONFIG_KEY = 'kubeconfig'
/** The resource as clients name it. */
export const clusterResource = { group: PLATFORM_GROUP, version: PLATFORM_VERSION, resource: 'clusters' } as const

/** Held by every Cluster until the hub has dropped its connection and credential Secret. */
export const CLUSTER_CLEANUP_FINALIZER = 'platform.flotilla.dev/cluster-cleanup'

export const CONNECTION_MODES = ['Import', 'Register'] as const
export type ConnectionMode = (typeof CONNECTION_MODES)[number]

export const CLUSTER_PHASES = ['Pending', 'Running', 'Disconnected', 'AccessTimeout', 'Deleting', 'Failed'] as const
export type ClusterPhase = (typeof CLUSTER_PHASES)[number]

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/

/** The typed view of a Cluster's spec the controller and the CLI read. */
export interface ClusterSpec {
  connection: {
    mode: ConnectionMode
    kubeconfigSecretRef?: { namespace: string; name: string; key: string }
  }
  provider?: string
  region?: string
  zones?: string[]
  deleteProtection?: boolean
  displayName?: string
  description?: string
}

function defaults(obj: KubeObject): void {
  const spec = ensure(obj as Json, 'spec')
  const connection = ensure(spec, 'connection')
  setDefault(connection, 'mode', 'Import')
  const ref = connection.kubeconfigSecretRef
  if (ref && typeof ref === 'object' && !Array.isArray(ref)) {
    setDefault(ref as Json, 'namespace', CLUSTER_SECRET_NAMESPACE)
    setDefault(ref as Json, 'key', DEFAULT_KUBECONFIG_KEY)
  }
}

function optionalString(v: unknown, path: string, errs: FieldError[], maxLen: number): void {
  if (v === undefined || v === null) return
  if (typeof v !== 'string') errs.push(fieldInvalid(path, v, 'must be a string'))
  else if (v.length > maxLen) errs.push(fieldInvalid(path, v, `must be no more than ${maxLen} characters`))
}

function labelLikeString(v: unknown, path: string, errs: FieldError[]): void {
  if (v === undefined || v === null) return
  if (typeof v !== 'string') {
    errs.push(fieldInvalid(path, v, 'must be a string'))
    return
  }
  // Provider, region and zones become selectable (placement by provider/region/zone), so they
  // follow label-value rules.
  for (const msg of isValidLabelValue(v)) errs.push(fieldInvalid(path, v, msg))
}

function validateSecretRef(ref: unknown, path: string, errs: FieldError[]): void {
  if (ref === undefined || ref === null) {
    errs.push(fieldRequired(path, 'an imported cluster needs the Secret holding its kubeconfig'))
    return
  }
  if (typeof ref !== 'object' || Array.isArray(ref)) {
    errs.push(fieldInvalid(path, ref, 'must be an object with namespace, name and key'))
    return
  }
  const r = ref as Json
  if (r.name === undefined || r.name === null || r.name === '') errs.push(fieldRequired(`${path}.name`))
  else if (typeof r.name !== 'string') errs.push(fieldInvalid(`${path}.name`, r.name, 'must be a string'))
  else for (const msg of isDNS1123Subdomain(r.name)) errs.push(fieldInvalid(`${path}.name`, r.name, msg))
  // Only the hub's own namespace: a user allowed to create Clusters must not make the hub read
  // (and, on deletion, remove) a Secret in a namespace they cannot touch themselves.
  if (r.namespace !== CLUSTER_SECRET_NAMESPACE) {
    errs.push(fieldNotSupported(`${path}.namespace`, r.namespace, [CLUSTER_SECRET_NAMESPACE]))
  }
  if (typeof r.key !== 'string' || !SECRET_KEY.test(r.key) || r.key.length > 253) {
    errs.push(
      fieldInvalid(`${path}.key`, r.key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"),
    )
  }
}

export function validateCluster(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = []
  const spec = obj.spec
  if (spec === undefined || spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    return [fieldRequired('spec')]
  }
  const s = spec as Json
  const conn = s.connection
  if (conn === undefined || conn === null || typeof conn !== 'object' || Array.isArray(conn)) {
    errs.push(fieldRequired('spec.connection'))
  } else {
    const c = conn as Json
    if (!CONNECTION_MODES.includes(c.mode as ConnectionMode)) {
      errs.push(fieldNotSupported('spec.connection.mode', c.mode, [...CONNECTION_MODES]))
    } else if (c.mode === 'Import') {
      validateSecretRef(c.kubeconfigSecretRef, 'spec.connection.kubeconfigSecretRef', errs)
    } else if (c.kubeconfigSecretRef !== undefined && c.kubeconfigSecretRef !== null) {
      errs.push({
        type: 'FieldValueForbidden',
        field: 'spec.connection.kubeconfigSecretRef',
        detail: 'only an imported cluster (mode Import) is reached with a kubeconfig',
      })
    }
  }
  labelLikeString(s.provider, 'spec.provider', errs)
  labelLikeString(s.region, 'spec.region', errs)
  if (s.zones !== undefined && s.zones !== null) {
    if (!Array.isArray(s.zones)) errs.push(fieldInvalid('spec.zones', s.zones, 'must be a list of strings'))
    else {
      const seen = new Set<unknown>()
      s.zones.forEach((z, i) => {
        labelLikeString(z, `spec.zones[${i}]`, errs)
        if (seen.has(z)) errs.push({ type: 'FieldValueDuplicate', field: `spec.zones[${i}]`, value: z, detail: '' })
        seen.add(z)
      })
    }
  }
  if (s.deleteProtection !== undefined && s.deleteProtection !== null && typeof s.deleteProtection !== 'boolean') {
    errs.push(fieldInvalid('spec.deleteProtection', s.deleteProtection, 'must be true or false'))
  }
  optionalString(s.displayName, 'spec.displayName', errs, 256)
  optionalString(s.description, 'spec.description', errs, 2048)
  return errs
}

/** The delete-protection check: a protected Cluster is refused with 403 and a way out. */
export function checkClusterDelete(obj: KubeObject) {
  if (rec(obj.spec).deleteProtection !== true || obj.metadata.deletionTimestamp) return undefined
  const name = obj.metadata.name ?? ''
  return forbidden(
    `cluster ${name} has deleteProtection enabled; set spec.deleteProtection to false first`,
    { group: PLATFORM_GROUP, resource: 'clusters' },
    name,
  )
}

/** The typed spec of a validated Cluster. */
export function clusterSpec(obj: KubeObject): ClusterSpec {
  return obj.spec as unknown as ClusterSpec
}

// ---- printing ---------------------------------------------------------------------------------

/** Millicores as cores for a narrow column: 24, 1.5, 0.25. */
export function formatCores(milli: number): string {
  return String(Math.round(milli / 10) / 100)
}

/** A cpu quantity string ("24", "1500m", "0.5") in millicores, or undefined. */
function milliCores(q: unknown): number | undefined {
  if (typeof q !== 'string' && typeof q !== 'number') return undefined
  const s = String(q)
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(s)
  if (!m) return undefined
  return m[2] ? Number(m[1]) : Number(m[1]) * 1000
}

function readyColumn(o: KubeObject): string {
  const ns = rec(rec(o.status).nodeSummary)
  if (ns.totalNum === undefined) return ''
  return `${num(ns.readyNum)}/${num(ns.totalNum)}`
}

function cpuColumn(o: KubeObject): string {
  const rs = rec(rec(o.status).resourceSummary)
  const total = milliCores(rec(rs.allocatable).cpu)
  if (total === undefined) return ''
  const used = milliCores(rec(rs.allocated).cpu) ?? 0
  return `${formatCores(used)}/${formatCores(total)}`
}

export const cluster: KindDef = defineKind({
  group: PLATFORM_GROUP,
  version: PLATFORM_VERSION,
  kind: 'Cluster',
  plural: 'clusters',
  scope: 'Cluster',
  // "fc" (flotilla cluster): "cs" is componentstatuses, "cl" reads as a typo of many things.
  shortNames: ['fc'],
  categories: ['flotilla'],
  generation: 'spec',
  nameValidation: 'dns1123-label',
  subresources: { status: true },
  schema: clusterSchema as Record<string, unknown>,
  columns: [
    column('Mode', 'How the hub connects: Import or Register.', (o) => str(rec(rec(o.spec).connection).mode)),
    column('Provider', 'Who runs the cluster.', (o) => str(rec(o.spec).provider)),
    column('Version', 'Kubernetes version the member reports.', (o) => str(rec(o.status).kubernetesVersion)),
    column('Status', 'The cluster’s phase.', (o) => str(rec(o.status).phase) || 'Pending'),
    column('Ready', 'Ready nodes / all nodes.', readyColumn),
    column('CPU', 'CPU requested by running pods / allocatable, in cores.', cpuColumn),
    ageColumn(),
    column('Region', 'Region the cluster runs in.', (o) => str(rec(o.spec).region), { priority: 1 }),
    column('Zones', 'Zones the cluster spans.', (o) => arr(rec(o.spec).zones).map(str).join(','), { priority: 1 }),
  ],
  fieldSelectors: {
    'spec.connection.mode': (o) => str(rec(rec(o.spec).connection).mode),
    'spec.provider': (o) => str(rec(o.spec).provider),
    'spec.region': (o) => str(rec(o.spec).region),
    'status.phase': (o) => str(rec(o.status).phase),
  },
  prepareForCreate: (obj) => {
    defaults(obj)
    // The cleanup finalizer is there from the start, so the hub removes its credential Secret
    // and connection even if the Cluster is deleted while the controller is not running.
    const fins = new Set(obj.metadata.finalizers ?? [])
    fins.add(CLUSTER_CLEANUP_FINALIZER)
    obj.metadata.finalizers = [...fins]
  },
  prepareForUpdate: (obj) => defaults(obj),
  validate: validateCluster,
  validateDelete: checkClusterDelete,
})
