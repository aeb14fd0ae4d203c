// Fixtures of the apply benchmark (apply.bench.ts): a typical Deployment in two versions, and
// the request bodies kubectl sends for it, computed here the way kubectl computes them.
//
// The Deployment has 2 containers, 10 env vars, 3 ports, resources, readiness and liveness
// probes, a volume, labels and annotations. Version 0 and 1 differ in the app image, one env
// value, a label and an annotation: every write of the other version really changes the object
// (new resourceVersion, generation bumped by the template change).
//
// Client-side apply (kubectl apply without --server-side, for an existing object) sends a
// three-way strategic merge patch: `original` is the live object's last-applied annotation,
// `modified` the new manifest carrying its own last-applied annotation, `current` the live
// object. threeWayPatch() reproduces apimachinery's CreateThreeWayMergePatch with the options
// kubectl uses (SetElementOrder): changes and additions from current to modified, deletions
// from original to modified, `$setElementOrder/<list>` for every merge-keyed list that changes,
// map keys sorted as Go's encoding/json writes them. The benchmark checks it byte for byte
// against what a real kubectl sends, when one is installed (captured with -v=9).

import { patchSchemaFor } from '../src/apis/schemas/index.ts'
import type { Schema } from '../src/apis/schemas/types.ts'

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
export const DEPLOYMENT_SCHEMA: Schema | undefined = patchSchemaFor('apps', 'v1', 'Deployment')

type Json = Record<string, unknown>

/** The manifest of Deployment `name`, version 0 or 1 (what a user keeps in a file). */
export function deploymentManifest(name: string, namespace: string, version: 0 | 1): Json {
  const release = version === 0 ? '1.4.2' : '1.4.3'
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace,
      labels: {
        app: name,
        'app.kubernetes.io/name': 'storefront',
        'app.kubernetes.io/part-of': 'flotilla-bench',
        'app.kubernetes.io/version': release,
        tier: 'backend',
      },
      annotations: {
        'bench.flotilla.dev/owner': 'team-payments',
        'bench.flotilla.dev/change': version === 0 ? 'CHG-1041 rollout' : 'CHG-1042 rollout',
      },
    },
    spec: {
      replicas: 3,
      revisionHistoryLimit: 5,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: { app: name, tier: 'backend' },
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
        },
        spec: {
          terminationGracePeriodSeconds: 45,
          containers: [
            {
              name: 'app',
              image: `registry.example.com/payments/storefront:${release}`,
              imagePullPolicy: 'IfNotPresent',
              args: ['--listen=:8080', '--metrics=:9090', '--config=/etc/storefront/config.yaml'],
              ports: [
                { name: 'http', containerPort: 8080, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
              ],
              env: [
                { name: 'LOG_LEVEL', value: version === 0 ? 'info' : 'debug' },
                { name: 'LOG_FORMAT', value: 'json' },
                { name: 'HTTP_PORT', value: '8080' },
                { name: 'DB_HOST', value: 'postgres.payments.svc.cluster.local' },
                { name: 'DB_PORT', value: '5432' },
                { name: 'CACHE_URL', value: 'redis://redis.payments.svc.cluster.local:6379/0' },
                { name: 'FEATURE_FLAGS', value: 'checkout-v2,async-receipts' },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              readinessProbe: {
                httpGet: { path: '/ready', port: 'http' },
                initialDelaySeconds: 5,
                periodSeconds: 10,
              },
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'http' },
                initialDelaySeconds: 15,
                periodSeconds: 20,
                failureThreshold: 3,
              },
              volumeMounts: [{ name: 'config', mountPath: '/etc/storefront', readOnly: true }],
            },
            {
              name: 'log-shipper',
              image: 'registry.example.com/platform/log-shipper:2.1.0',
              ports: [{ name: 'shipper-metrics', containerPort: 2020, protocol: 'TCP' }],
              env: [
                { name: 'SHIPPER_OUTPUT', value: 'loki.observability.svc:3100' },
                { name: 'SHIPPER_BUFFER', value: '8MiB' },
              ],
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
              livenessProbe: { tcpSocket: { port: 2020 }, periodSeconds: 30 },
            },
          ],
          volumes: [{ name: 'config', configMap: { name: 'storefront-config' } }],
        },
      },
    },
  }
}

/** The image of the app container in a version (to check what the server stored). */
export function appImage(version: 0 | 1): string {
  return `registry.example.com/payments/storefront:${version === 0 ? '1.4.2' : '1.4.3'}`
}

// ---------------------------------------------------------------------------------------------
// Go's encoding/json

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v !== null && typeof v === 'object') {
    const out: Json = {}
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Json)[k])
    return out
  }
  return v
}

/** json.Marshal of a map[string]interface{}: keys sorted, HTML characters escaped. */
export function goJson(v: unknown): string {
  return JSON.stringify(sortKeys(v))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

// ---------------------------------------------------------------------------------------------
// What kubectl apply sends

/**
 * The object kubectl apply sends or diffs against: the manifest with the last-applied
 * annotation set to the manifest itself (util.GetModifiedConfiguration), and that annotation.
 */
export function withLastApplied(manifest: Json): { modified: Json; lastApplied: string } {
  const copy = structuredClone(manifest) as { metadata: { annotations?: Record<string, string> } }
  if (copy.metadata.annotations) delete copy.metadata.annotations[LAST_APPLIED]
  const lastApplied = `${goJson(copy)}\n`
  const modified = structuredClone(manifest) as { metadata: { annotations?: Record<string, string> } }
  modified.metadata.annotations = { ...modified.metadata.annotations, [LAST_APPLIED]: lastApplied }
  return { modified: modified as Json, lastApplied }
}

interface DiffOptions {
  ignoreDeletions: boolean
  ignoreChangesAndAdditions: boolean
}

const isMap = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))
}

function childSchema(schema: Schema | undefined, key: string): Schema | undefined {
  const p = schema?.properties?.[key]
  if (p) return p
  const ap = schema?.additionalProperties
  return typeof ap === 'object' ? ap : undefined
}

function mergeKeyOf(schema: Schema | undefined): string | undefined {
  const strategy = schema?.['x-kubernetes-patch-strategy'] ?? ''
  return strategy.split(',').includes('merge') ? schema?.['x-kubernetes-patch-merge-key'] : undefined
}

function diffMaps(from: Json, to: Json, schema: Schema | undefined, o: DiffOptions): Json {
  const patch: Json = {}
  for (const [k, toV] of Object.entries(to)) {
    const fromV = from[k]
    const s = childSchema(schema, k)
    if (!(k in from)) {
      if (!o.ignoreChangesAndAdditions) patch[k] = toV
      continue
    }
    if (isMap(fromV) && isMap(toV)) {
      const d = diffMaps(fromV, toV, s, o)
      if (Object.keys(d).length > 0) patch[k] = d
      continue
    }
    const mergeKey = mergeKeyOf(s)
    if (Array.isArray(fromV) && Array.isArray(toV) && mergeKey) {
      diffMergeList(k, fromV, toV, s, mergeKey, patch, o)
      continue
    }
    if (!o.ignoreChangesAndAdditions && !deepEqual(fromV, toV)) patch[k] = toV
  }
  if (!o.ignoreDeletions) for (const k of Object.keys(from)) if (!(k in to)) patch[k] = null
  return patch
}

/** A merge-keyed list of maps: changed and new elements, deletions, $setElementOrder. */
function diffMergeList(
  key: string,
  from: unknown[],
  to: unknown[],
  schema: Schema | undefined,
  mergeKey: string,
  patch: Json,
  o: DiffOptions,
): void {
  if (!to.every(isMap) || !from.every(isMap)) throw new Error(`${key}: only lists of maps are supported`)
  const items = schema?.items
  const changes: Json[] = []
  const deletions: Json[] = []
  for (const t of to as Json[]) {
    const f = (from as Json[]).find((x) => deepEqual(x[mergeKey], t[mergeKey]))
    if (!f) {
      if (!o.ignoreChangesAndAdditions) changes.push(t)
      continue
    }
    const d = diffMaps(f, t, items, o)
    if (Object.keys(d).length > 0) changes.push({ ...d, [mergeKey]: t[mergeKey] })
  }
  if (!o.ignoreDeletions) {
    for (const f of from as Json[]) {
      if (!(to as Json[]).some((x) => deepEqual(x[mergeKey], f[mergeKey]))) {
        deletions.push({ [mergeKey]: f[mergeKey], $patch: 'delete' })
      }
    }
  }
  const keysOf = (l: Json[]) => l.map((x) => ({ [mergeKey]: x[mergeKey] }))
  const orderChanged = !deepEqual(
    keysOf((from as Json[]).filter((f) => (to as Json[]).some((t) => deepEqual(t[mergeKey], f[mergeKey])))),
    keysOf((to as Json[]).filter((t) => (from as Json[]).some((f) => deepEqual(t[mergeKey], f[mergeKey])))),
  )
  const all = [...changes, ...deletions]
  if (all.length > 0) patch[key] = all
  if (all.length > 0 || (!o.ignoreChangesAndAdditions && orderChanged)) {
    patch[`$setElementOrder/${key}`] = keysOf(to as Json[])
  }
}

function mergePatches(a: Json, b: Json): Json {
  const out: Json = { ...a }
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k]
    if (isMap(prev) && isMap(v)) out[k] = mergePatches(prev, v)
    else if (Array.isArray(prev) && Array.isArray(v) && !k.startsWith('$setElementOrder/')) out[k] = [...prev, ...v]
    else out[k] = v
  }
  return out
}

/**
 * CreateThreeWayMergePatch(original, modified, current) as kubectl apply calls it, for lists of
 * maps with merge keys, maps and atomic values (enough for the Deployment above); returns the
 * patch body as kubectl serialises it.
 */
export function threeWayPatch(original: Json, modified: Json, current: Json, schema = DEPLOYMENT_SCHEMA): string {
  const delta = diffMaps(current, modified, schema, { ignoreDeletions: true, ignoreChangesAndAdditions: false })
  const deletions = diffMaps(original, modified, schema, { ignoreDeletions: false, ignoreChangesAndAdditions: true })
  return goJson(mergePatches(deletions, delta))
}

/** The body of kubectl apply's create (POST) of a manifest: it carries its last-applied annotation. */
export function clientSideCreateBody(manifest: Json): string {
  return JSON.stringify(withLastApplied(manifest).modified)
}

/**
 * The patch kubectl apply sends to move an object whose live state is `live` (last applied
 * from another manifest) to `manifest`.
 */
export function clientSideApplyPatch(manifest: Json, live: Json): string {
  const { modified } = withLastApplied(manifest)
  const annotations = (live.metadata as { annotations?: Record<string, string> } | undefined)?.annotations
  const original = annotations?.[LAST_APPLIED] ? (JSON.parse(annotations[LAST_APPLIED]) as Json) : {}
  return threeWayPatch(original, modified, live)
}
