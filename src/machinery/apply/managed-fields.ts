// metadata.managedFields bookkeeping: which manager owns which fields, updated on every write.
// Update operations (create, PUT, non-apply PATCH) take ownership of the fields whose values
// they change; Apply operations own exactly what they applied, conflict with other owners over
// changed values, and give up fields they stop applying (removed unless someone else owns them).

import type { Schema } from '../../apis/schemas/types.ts'
import { badRequest, StatusError } from '../errors.ts'
import type { KubeObject } from '../object.ts'
import { isPlainObject } from '../object.ts'
import { deepEqual, diffFields, fieldSetOf, removeFields } from './field-set.ts'
import { createdFieldsV1, SAME_ELEMENT_TWICE, UNTRACKED_METADATA } from './fields-v1.ts'
import { mergeApplied } from './merge.ts'
import { formatPath, PathSet } from './path-set.ts'

export interface ManagedFieldsEntry {
  manager: string
  operation: 'Apply' | 'Update'
  apiVersion: string
  time?: string
  fieldsType: 'FieldsV1'
  fieldsV1: Record<string, unknown>
  subresource?: string
}

interface Owner {
  manager: string
  operation: 'Apply' | 'Update'
  apiVersion: string
  time?: string
  subresource: string
  set: PathSet
}

export interface TrackingContext {
  manager: string
  apiVersion: string
  /** '' for the main resource, 'status' for /status. */
  subresource: string
  /** Whether the kind has a status subresource (then status is tracked only through it). */
  statusSubresource: boolean
  schema: Schema | undefined
  now: string
}

/** Fields no manager owns: identity and system metadata, and status outside /status. Edits `set`. */
function tracked(set: PathSet, ctx: TrackingContext): PathSet {
  const out = set
  out.children.delete('f:apiVersion')
  out.children.delete('f:kind')
  const meta = out.children.get('f:metadata')
  if (meta) {
    for (const f of UNTRACKED_METADATA) meta.children.delete(`f:${f}`)
    meta.self = false
  }
  if (ctx.subresource === 'status') {
    for (const k of [...out.children.keys()]) if (k !== 'f:status') out.children.delete(k)
  } else if (ctx.statusSubresource) {
    out.children.delete('f:status')
  }
  return out
}

/**
 * The fields a create's manager owns, through PathSets: what createdFieldsV1 computes in one
 * walk (its test compares the two), and its fallback.
 */
export function ownedOnCreate(obj: KubeObject, ctx: TrackingContext): PathSet {
  return tracked(fieldSetOf(view(obj), ctx.schema), ctx)
}

/** The object as managed-field diffs see it: without managedFields itself. */
function view(obj: KubeObject | undefined): unknown {
  if (!obj) return {}
  const { managedFields: _m, ...meta } = obj.metadata
  return { ...obj, metadata: meta }
}

export function decodeManagedFields(list: unknown): Owner[] {
  if (list === undefined || list === null) return []
  if (!Array.isArray(list)) throw badRequest('metadata.managedFields must be a list')
  return list.map((e, i) => {
    if (!isPlainObject(e) || typeof e.manager !== 'string' || (e.operation !== 'Apply' && e.operation !== 'Update')) {
      throw new StatusError(
        422,
        'Invalid',
        `metadata.managedFields[${i}]: Invalid value: must have a manager and an operation of Apply or Update`,
      )
    }
    return {
      manager: e.manager,
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      time: typeof e.time === 'string' ? e.time : undefined,
      subresource: typeof e.subresource === 'string' ? e.subresource : '',
      set: PathSet.fromFieldsV1(e.fieldsV1),
    }
  })
}

function encode(owners: Owner[]): ManagedFieldsEntry[] | undefined {
  const out: ManagedFieldsEntry[] = []
  for (const o of owners) {
    if (o.set.empty) continue
    const e: ManagedFieldsEntry = {
      manager: o.manager,
      operation: o.operation,
      apiVersion: o.apiVersion,
      time: o.time,
      fieldsType: 'FieldsV1',
      fieldsV1: o.set.toFieldsV1(),
    }
    if (!e.time) delete e.time
    if (o.subresource) e.subresource = o.subresource
    out.push(e)
  }
  return out.length > 0 ? out : undefined
}

/** The entry of a create's manager, with the fields in the order encode() writes them. */
function createEntry(ctx: TrackingContext, fieldsV1: Record<string, unknown>): ManagedFieldsEntry {
  const e: ManagedFieldsEntry = {
    manager: ctx.manager,
    operation: 'Update',
    apiVersion: ctx.apiVersion,
    time: ctx.now,
    fieldsType: 'FieldsV1',
    fieldsV1,
  }
  if (!e.time) delete e.time
  if (ctx.subresource) e.subresource = ctx.subresource
  return e
}

function setManaged(obj: KubeObject, owners: Owner[]): void {
  const encoded = encode(owners)
  if (encoded) obj.metadata.managedFields = encoded
  else delete obj.metadata.managedFields
}

/**
 * Records an Update by ctx.manager: it takes the fields whose values changed from `old` to
 * `next` (all of `next`'s fields on create). A request that rewrites managedFields itself is
 * honoured as given (that is how kubectl migrates client-side apply ownership).
 */
export function trackUpdate(old: KubeObject | undefined, next: KubeObject, ctx: TrackingContext): void {
  const given = next.metadata.managedFields
  if (old && given !== undefined && !deepEqual(given, old.metadata.managedFields)) {
    const owners = decodeManagedFields(given)
    setManaged(next, owners)
    return
  }
  if (!old) {
    // A create: the writer owns every field it set; nothing to diff against.
    const fieldsV1 = createdFieldsV1(next as unknown as Record<string, unknown>, ctx)
    if (fieldsV1 !== SAME_ELEMENT_TWICE) {
      if (fieldsV1 === undefined) delete next.metadata.managedFields
      else next.metadata.managedFields = [createEntry(ctx, fieldsV1)]
      return
    }
    const set = ownedOnCreate(next, ctx)
    setManaged(
      next,
      set.empty
        ? []
        : [
            {
              manager: ctx.manager,
              operation: 'Update',
              apiVersion: ctx.apiVersion,
              subresource: ctx.subresource,
              time: ctx.now,
              set,
            },
          ],
    )
    return
  }
  const owners = decodeManagedFields(old.metadata.managedFields)
  const { changed, removed } = diffFields(view(old), view(next), ctx.schema)
  const taken = tracked(changed, ctx)
  const dropped = tracked(removed, ctx)
  if (taken.empty && dropped.empty) {
    setManaged(next, owners)
    return
  }
  for (const o of owners) o.set = o.set.difference(taken).difference(dropped)
  let mine = owners.find(
    (o) =>
      o.manager === ctx.manager &&
      o.operation === 'Update' &&
      o.apiVersion === ctx.apiVersion &&
      o.subresource === ctx.subresource,
  )
  if (!mine && !taken.empty) {
    mine = {
      manager: ctx.manager,
      operation: 'Update',
      apiVersion: ctx.apiVersion,
      subresource: ctx.subresource,
      set: new PathSet(),
    }
    owners.push(mine)
  }
  if (mine) {
    mine.set = mine.set.union(taken)
    mine.time = ctx.now
  }
  setManaged(next, owners)
}

export interface ApplyOptions extends TrackingContext {
  force: boolean
}

/**
 * Server-side apply of `config` by ctx.manager onto `live` (undefined to create). Returns the
 * resulting object with managedFields updated; throws 409 Conflict listing every field another
 * manager owns and this apply would change, unless forced.
 */
export function applyConfiguration(live: KubeObject | undefined, config: KubeObject, ctx: ApplyOptions): KubeObject {
  const owners = decodeManagedFields(live?.metadata.managedFields)
  const cleanConfig = view(config) as KubeObject
  const merged = (live ? mergeApplied(view(live), cleanConfig, ctx.schema) : structuredClone(cleanConfig)) as KubeObject
  const configSet = tracked(fieldSetOf(cleanConfig, ctx.schema), ctx)
  const { changed } = diffFields(view(live), merged, ctx.schema)
  const changedTracked = tracked(changed, ctx)

  const others = owners.filter((o) => o.manager !== ctx.manager)
  const conflicts: { owner: Owner; paths: string[][] }[] = []
  for (const o of others) {
    const overlap = o.set.intersection(changedTracked)
    if (overlap.empty) continue
    const paths = [...overlap.members()].filter((p) => {
      // A list element's own "." membership conflicts only through its fields.
      const n = nodeAt(overlap, p)
      return !n || n.children.size === 0
    })
    if (paths.length > 0) conflicts.push({ owner: o, paths })
  }
  if (conflicts.length > 0) {
    if (!ctx.force) throw conflictError(conflicts)
    for (const c of conflicts) c.owner.set = c.owner.set.difference(changedTracked)
  }

  const previous = owners.find(
    (o) => o.manager === ctx.manager && o.operation === 'Apply' && o.subresource === ctx.subresource,
  )
  if (previous) {
    let othersUnion = new PathSet()
    for (const o of owners) if (o !== previous) othersUnion = othersUnion.union(o.set)
    const release = previous.set.difference(configSet).difference(othersUnion)
    removeFields(merged, release, ctx.schema)
  }
  const kept = owners.filter((o) => o !== previous)
  kept.push({
    manager: ctx.manager,
    operation: 'Apply',
    apiVersion: ctx.apiVersion,
    subresource: ctx.subresource,
    time: ctx.now,
    set: configSet,
  })
  setManaged(merged, kept)
  return merged
}

function nodeAt(set: PathSet, path: readonly string[]): PathSet | undefined {
  let node: PathSet | undefined = set
  for (const el of path) node = node?.children.get(el)
  return node
}

/** How apimachinery names a manager in conflicts (printManager): Update managers with their API version. */
function printManager(o: Owner): string {
  let out = JSON.stringify(o.manager)
  if (o.subresource) out += ` with subresource ${JSON.stringify(o.subresource)}`
  return o.operation === 'Update' ? `${out} using ${o.apiVersion}` : out
}

function conflictError(conflicts: { owner: Owner; paths: string[][] }[]): StatusError {
  const total = conflicts.reduce((n, c) => n + c.paths.length, 0)
  let message: string
  if (total === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].owner)}: ${formatPath(conflicts[0].paths[0])}`
  } else {
    // Grouped by manager, managers in order (getConflictMessage).
    const sorted = [...conflicts].sort((a, b) =>
      a.owner.manager < b.owner.manager ? -1 : a.owner.manager > b.owner.manager ? 1 : 0,
    )
    const lines = sorted.flatMap((c) => [
      `conflicts with ${printManager(c.owner)}:`,
      ...c.paths.map((p) => `- ${formatPath(p)}`),
    ])
    message = `Apply failed with ${total} conflicts: ${lines.join('\n')}`
  }
  return new StatusError(409, 'Conflict', message, {
    causes: conflicts.flatMap((c) =>
      c.paths.map((p) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with ${printManager(c.owner)}`,
        field: formatPath(p),
      })),
    ),
  })
}
