// Server-side printing: kubectl's human-readable output (get, -o wide, -w) is a meta.k8s.io/v1
// Table built here from each kind's declared columns; kubectl has no printers of its own.

import type { Column, KindDef } from '../machinery/kinds.ts'
import type { KubeObject } from '../machinery/object.ts'

export type IncludeObject = 'None' | 'Metadata' | 'Object'

const NAME_COLUMN = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
}

/** Used for kinds that declare no columns (as apiserver's default table convertor). */
const CREATED_AT: Column = {
  name: 'Created At',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o) => o.metadata.creationTimestamp ?? null,
}

function columnsOf(def: KindDef): Column[] {
  return def.columns.length > 0 ? def.columns : [CREATED_AT]
}

export function columnDefinitions(def: KindDef): unknown[] {
  return [
    NAME_COLUMN,
    ...columnsOf(def).map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description,
      priority: c.priority,
    })),
  ]
}

export function partialMetadata(obj: KubeObject): unknown {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata }
}

export function tableRow(def: KindDef, obj: KubeObject, include: IncludeObject, now: number): unknown {
  const cells: unknown[] = [obj.metadata.name ?? '']
  for (const c of columnsOf(def)) {
    let v: unknown
    try {
      v = c.cell(obj, now)
    } catch {
      // A malformed object must not break a whole listing; print what kubectl prints for unknowns.
      v = '<unknown>'
    }
    cells.push(v ?? null)
  }
  const row: Record<string, unknown> = { cells }
  if (include === 'Object') row.object = obj
  else if (include === 'Metadata') row.object = partialMetadata(obj)
  return row
}

export interface TableMeta {
  resourceVersion?: string
  continue?: string
  remainingItemCount?: number
}

export function buildTable(
  def: KindDef,
  objects: KubeObject[],
  include: IncludeObject,
  meta: TableMeta,
  withColumns = true,
  now = Date.now(),
): Record<string, unknown> {
  const metadata: Record<string, unknown> = {}
  if (meta.resourceVersion) metadata.resourceVersion = meta.resourceVersion
  if (meta.continue) metadata.continue = meta.continue
  if (meta.remainingItemCount !== undefined) metadata.remainingItemCount = meta.remainingItemCount
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: withColumns ? columnDefinitions(def) : null,
    rows: objects.map((o) => tableRow(def, o, include, now)),
  }
}
