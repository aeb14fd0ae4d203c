// A CustomResourceDefinition, read as the KindDefs it serves: one per served version, all
// stored under the same key prefix in the storage version. Printer columns come from
// additionalPrinterColumns (JSONPath), scale from the scale subresource's paths.

import { humanDuration } from '../../apis/printing.ts'
import { evaluateJsonPath } from '../../machinery/jsonpath.ts'
import type { Column, KindDef } from '../../machinery/kinds.ts'
import { defineKind } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { isPlainObject } from '../../machinery/object.ts'
import { applyDefaults, type JSONSchemaProps, validateValue } from '../../machinery/schema/index.ts'

interface CrdVersion {
  name: string
  served?: boolean
  storage?: boolean
  schema?: { openAPIV3Schema?: Record<string, unknown> }
  subresources?: {
    status?: Record<string, unknown>
    scale?: { specReplicasPath?: string; statusReplicasPath?: string; labelSelectorPath?: string }
  }
  additionalPrinterColumns?: {
    name: string
    type: string
    format?: string
    description?: string
    priority?: number
    jsonPath: string
  }[]
  selectableFields?: { jsonPath: string }[]
}

export interface CrdSpec {
  group: string
  names: {
    plural: string
    singular?: string
    kind: string
    listKind?: string
    shortNames?: string[]
    categories?: string[]
  }
  scope: 'Namespaced' | 'Cluster'
  versions: CrdVersion[]
}

const AGE: Column = {
  name: 'Age',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o, now) => age(o.metadata.creationTimestamp, now),
}

function age(ts: unknown, now: number): string | null {
  if (typeof ts !== 'string') return null
  const t = Date.parse(ts)
  return Number.isNaN(t) ? null : humanDuration(now - t)
}

function cellValue(value: unknown, type: string, now: number): string | number | boolean | null {
  if (value === undefined || value === null) return null
  if (type === 'date') return age(value, now)
  if (type === 'integer' || type === 'number') return typeof value === 'number' ? value : null
  if (type === 'boolean') return typeof value === 'boolean' ? value : null
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

function columnsFor(v: CrdVersion): Column[] {
  const cols = v.additionalPrinterColumns ?? []
  if (cols.length === 0) return [AGE]
  return cols.map((c) => ({
    name: c.name,
    type: (['string', 'integer', 'number', 'boolean', 'date'].includes(c.type) ? c.type : 'string') as Column['type'],
    format: c.format,
    description: c.description ?? '',
    priority: c.priority ?? 0,
    cell: (o: KubeObject, now: number) => {
      const found = evaluateJsonPath(o, c.jsonPath)
      if (found.length === 0) return null
      if (found.length > 1 && c.type === 'string') return found.map((x) => cellValue(x, c.type, now)).join(',')
      return cellValue(found[0], c.type, now)
    },
  }))
}

const stripDot = (p: string) => p.replace(/^\./, '')

/** The parts of a Kubernetes-style version (v2, v1beta1, v1alpha3); undefined for others. */
function kubeVersion(v: string): { major: number; stage: number; minor: number } | undefined {
  const m = /^v([1-9]\d*)(?:(alpha|beta)([1-9]\d*))?$/.exec(v)
  if (!m) return undefined
  return { major: Number(m[1]), stage: m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2, minor: Number(m[3] ?? 0) }
}

/**
 * apimachinery's CompareKubeAwareVersionStrings as a sort order, highest priority first: GA
 * before beta before alpha, higher numbers first, other names last and alphabetically. Discovery
 * lists a CRD's versions in this order and prefers the first (v1 over v1beta1).
 */
export function byVersionPriority(a: string, b: string): number {
  const x = kubeVersion(a)
  const y = kubeVersion(b)
  if (x && y) return y.stage - x.stage || y.major - x.major || y.minor - x.minor
  if (x) return -1
  if (y) return 1
  return a < b ? -1 : a > b ? 1 : 0
}

export function crdKinds(crd: KubeObject): KindDef[] {
  const spec = crd.spec as CrdSpec
  const storage = spec.versions.find((v) => v.storage)?.name
  return spec.versions
    .filter((v) => v.served !== false)
    .sort((a, b) => byVersionPriority(a.name, b.name))
    .map((v) => {
      const scale = v.subresources?.scale
      const fieldSelectors: KindDef['fieldSelectors'] = {}
      for (const f of v.selectableFields ?? []) {
        fieldSelectors[stripDot(f.jsonPath)] = (o) => {
          const found = evaluateJsonPath(o, f.jsonPath)[0]
          return found === undefined || found === null ? '' : String(found)
        }
      }
      return defineKind({
        group: spec.group,
        version: v.name,
        kind: spec.names.kind,
        listKind: spec.names.listKind ?? `${spec.names.kind}List`,
        plural: spec.names.plural,
        singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
        scope: spec.scope,
        shortNames: spec.names.shortNames ?? [],
        categories: spec.names.categories ?? [],
        custom: true,
        storageVersion: storage,
        generation: 'spec',
        subresources: {
          status: isPlainObject(v.subresources?.status),
          scale: scale
            ? {
                specReplicasPath: stripDot(scale.specReplicasPath ?? '.spec.replicas'),
                statusReplicasPath: stripDot(scale.statusReplicasPath ?? '.status.replicas'),
                labelSelectorPath: scale.labelSelectorPath ? stripDot(scale.labelSelectorPath) : undefined,
              }
            : undefined,
        },
        columns: columnsFor(v),
        fieldSelectors,
        schema: v.schema?.openAPIV3Schema,
        // Unknown fields are pruned by the request's field validation; defaults and the
        // schema's constraints apply here, in the store's write pipeline.
        ...schemaHooks(v.schema?.openAPIV3Schema as JSONSchemaProps | undefined),
      })
    })
}

function schemaHooks(schema: JSONSchemaProps | undefined): Partial<KindDef> {
  if (!schema) return {}
  return {
    prepareForCreate: (o) => applyDefaults(o, schema),
    prepareForUpdate: (o) => applyDefaults(o, schema),
    validate: (o) => {
      // metadata is validated by the registry (ObjectMeta rules), not by the CRD's schema.
      const { metadata: _m, ...rest } = o
      return validateValue(rest, { ...schema, properties: { ...schema.properties } })
    },
  }
}
