// The generic store: one per served resource. It owns the write pipeline every kind goes
// through (system metadata, namespace checks, kind hooks, validation, generation, finalizers,
// status isolation, compare-and-swap) so a kind can only fill hooks, never reorder steps —
// the role of k8s.io/apiserver's registry/generic Store plus rest.BeforeCreate/BeforeUpdate.

import { randomUUID } from 'node:crypto'
import { patchSchemaFor } from '../../apis/schemas/index.ts'
import type { Schema } from '../../apis/schemas/types.ts'
import { trackUpdate } from '../../machinery/apply/managed-fields.ts'
import type { FieldError, GroupResource } from '../../machinery/errors.ts'
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  internalError,
  invalid,
  MODIFIED_MESSAGE,
  notFound,
  StatusError,
  timeout,
  tooLarge,
} from '../../machinery/errors.ts'
import type { KindDef } from '../../machinery/kinds.ts'
import { apiVersionOf } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { isPlainObject, timestamp } from '../../machinery/object.ts'
import { generateName, validateObjectMeta, validateObjectMetaUpdate } from '../../machinery/validation/index.ts'
import type { KeyValue, Storage } from '../../storage/interface.ts'
import { StorageError } from '../../storage/interface.ts'
import type { AdmissionAttributes } from '../admission/admission.ts'
import { collectionPrefix, objectKey } from './keys.ts'

/** Largest stored object, as etcd's default request limit (--max-request-bytes 1.5 MiB). */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024

export interface StoreContext {
  storage: Storage
  now: () => number
  /**
   * Checks that a namespace accepts new objects; throws 404 when it is missing and 403 when it
   * is terminating. Provided by the registry, which owns the namespace store.
   */
  checkNamespaceForCreate: (namespace: string) => Promise<void>
  /** Mutating admission, run just before an object is stored. */
  admit: (a: AdmissionAttributes) => Promise<void>
}

export interface WriteOptions {
  dryRun?: boolean
  /** Who is writing, for managedFields (the fieldManager parameter or the user agent). */
  fieldManager?: string
  /** The writer already updated managedFields (server-side apply). */
  managedFieldsDone?: boolean
  /** The subresource managedFields records the write under, when not the one written (scale). */
  managedFieldsSubresource?: string
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground'
  preconditions?: { uid?: string; resourceVersion?: string }
}

export type Subresource = '' | 'status'

export interface DeleteResult {
  object: KubeObject
  /** True when the object is gone; false when deletion is pending (finalizers, grace period). */
  deleted: boolean
}

const CONFLICT_RETRIES = 16

export class Store {
  readonly def: KindDef
  readonly gr: GroupResource
  readonly apiVersion: string
  /** Merge semantics of this kind's fields (list types and keys) for patches and apply. */
  readonly mergeSchema: Schema | undefined
  /** apiVersion objects are stored with, when it differs from the served one. */
  private readonly storedApiVersion: string | undefined
  private readonly ctx: StoreContext

  constructor(def: KindDef, ctx: StoreContext) {
    this.def = def
    this.gr = { group: def.group, resource: def.plural }
    this.apiVersion = apiVersionOf(def)
    this.ctx = ctx
    this.mergeSchema = (def.schema as Schema | undefined) ?? patchSchemaFor(def.group, def.version, def.kind)
    if (def.storageVersion && def.storageVersion !== def.version) {
      this.storedApiVersion = apiVersionOf({ group: def.group, version: def.storageVersion })
    }
  }

  /**
   * The stored JSON as this version presents it. Versions of one CRD share storage with
   * conversion None, so only apiVersion differs; everything else is served as stored.
   */
  present(kv: KeyValue): KeyValue {
    const shared = this.def.sharedStorage
    if (shared) return { ...kv, value: JSON.stringify(shared.fromStorage(JSON.parse(kv.value) as KubeObject)) }
    if (!this.storedApiVersion) return kv
    const obj = JSON.parse(kv.value) as KubeObject
    obj.apiVersion = this.apiVersion
    return { ...kv, value: JSON.stringify(obj) }
  }

  /** Records the write in managedFields, unless the caller (apply) already did. */
  private track(old: KubeObject | undefined, next: KubeObject, subresource: Subresource, opts: WriteOptions): void {
    if (opts.managedFieldsDone) return
    trackUpdate(old, next, {
      manager: opts.fieldManager || 'unknown',
      apiVersion: this.apiVersion,
      subresource: opts.managedFieldsSubresource ?? subresource,
      statusSubresource: this.def.subresources.status,
      schema: this.mergeSchema,
      now: timestamp(this.ctx.now()),
    })
  }

  get namespaced(): boolean {
    return this.def.scope === 'Namespaced'
  }

  key(namespace: string, name: string): string {
    return objectKey(this.def, namespace, name)
  }

  prefix(namespace: string): string {
    return collectionPrefix(this.def, namespace)
  }

  get storage(): Storage {
    return this.ctx.storage
  }

  async getRaw(namespace: string, name: string): Promise<KeyValue> {
    const kv = await this.ctx.storage.get(this.key(namespace, name))
    if (!kv) throw notFound(this.gr, name)
    return this.present(kv)
  }

  async get(namespace: string, name: string): Promise<KubeObject> {
    return parseStored(await this.getRaw(namespace, name))
  }

  async create(namespace: string, input: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    const obj = input
    const meta = obj.metadata
    if (this.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
      }
      meta.namespace = namespace || meta.namespace || ''
    } else {
      delete meta.namespace
    }
    const generated = !meta.name && !!meta.generateName
    if (generated) meta.name = generateName(meta.generateName!)
    this.fillCreateMetadata(obj)
    if (this.def.subresources.status) delete obj.status
    this.def.prepareForCreate?.(obj)
    this.validate(obj, [
      ...validateObjectMeta(meta, { namespaced: this.namespaced, nameValidation: this.def.nameValidation }),
      ...(this.def.validate?.(obj) ?? []),
    ])
    if (this.namespaced && meta.namespace) await this.ctx.checkNamespaceForCreate(meta.namespace)
    await this.ctx.admit({ def: this.def, object: obj, dryRun: !!opts.dryRun })
    this.track(undefined, obj, '', opts)
    if (opts.dryRun) return obj

    for (let attempt = 0; ; attempt++) {
      try {
        // serialize() stamps the revision into obj, so obj is what was stored (as served).
        await this.ctx.storage.create(this.key(meta.namespace ?? '', meta.name!), (rev) => this.serialize(obj, rev))
        return obj
      } catch (e) {
        // A generated name that collides is retried with a new suffix, as kube-apiserver does.
        if (generated && e instanceof StorageError && e.code === 'KeyExists' && attempt < 8) {
          meta.name = generateName(meta.generateName!)
          continue
        }
        throw this.interpret(e, meta.name!)
      }
    }
  }

  /**
   * Read-modify-write with retries on write races, like apiserver's GuaranteedUpdate.
   * `mutate` receives a fresh copy of the stored object and returns the desired object; when
   * the desired object carries a resourceVersion it is a precondition and a mismatch is a 409.
   */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    subresource: Subresource,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    opts: WriteOptions = {},
  ): Promise<KubeObject> {
    let kv = await this.getRaw(namespace, name)
    for (let attempt = 0; ; attempt++) {
      const current = parseStored(kv)
      const desired = await mutate(structuredClone(current))
      if (!isPlainObject(desired?.metadata)) throw badRequest('object has no metadata')
      const precondition = desired.metadata.resourceVersion
      if (precondition && precondition !== current.metadata.resourceVersion) {
        throw conflict(this.gr, name, MODIFIED_MESSAGE)
      }
      const next = this.prepareUpdate(desired, current, subresource)
      if (subresource === '') await this.ctx.admit({ def: this.def, object: next, old: current, dryRun: !!opts.dryRun })
      this.track(current, next, subresource, opts)
      if (sameObject(next, current)) return current
      if (opts.dryRun) return next
      try {
        // As apiserver's Store.Update: a deleted object whose last finalizer went away (and
        // whose grace period is over) is removed by this very update.
        const graceOver = (next.metadata.deletionGracePeriodSeconds ?? 0) === 0
        if (next.metadata.deletionTimestamp && graceOver && !this.finalizersPending(next)) {
          await this.ctx.storage.delete(kv.key, kv.modRevision)
          return next
        }
        await this.ctx.storage.update(kv.key, kv.modRevision, (rev) => this.serialize(next, rev))
        return next
      } catch (e) {
        if (
          e instanceof StorageError &&
          e.code === 'Conflict' &&
          e.current &&
          !precondition &&
          attempt < CONFLICT_RETRIES
        ) {
          kv = e.current
          continue
        }
        throw this.interpret(e, name)
      }
    }
  }

  async update(
    namespace: string,
    name: string,
    input: KubeObject,
    subresource: Subresource,
    opts: WriteOptions = {},
  ): Promise<KubeObject> {
    if (input.metadata.name && input.metadata.name !== name) {
      throw badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`)
    }
    if (this.namespaced && input.metadata.namespace && namespace && input.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
    }
    return this.guaranteedUpdate(namespace, name, subresource, () => input, opts)
  }

  async delete(namespace: string, name: string, opts: DeleteOptions = {}): Promise<DeleteResult> {
    let kv = await this.getRaw(namespace, name)
    for (let attempt = 0; ; attempt++) {
      const current = parseStored(kv)
      const pre = opts.preconditions
      if (pre?.uid && pre.uid !== current.metadata.uid) {
        throw conflict(
          this.gr,
          name,
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
        )
      }
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw conflict(
          this.gr,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
        )
      }
      const refused = this.def.validateDelete?.(current)
      if (refused) throw refused
      const next = this.prepareDelete(current, opts)
      try {
        if (!next) {
          if (opts.dryRun) return { object: current, deleted: true }
          await this.ctx.storage.delete(kv.key, kv.modRevision)
          return { object: current, deleted: true }
        }
        if (opts.dryRun || sameObject(next, current)) return { object: next, deleted: false }
        await this.ctx.storage.update(kv.key, kv.modRevision, (rev) => this.serialize(next, rev))
        return { object: next, deleted: false }
      } catch (e) {
        if (e instanceof StorageError && e.code === 'Conflict' && e.current && attempt < CONFLICT_RETRIES) {
          kv = this.present(e.current)
          continue
        }
        throw this.interpret(e, name)
      }
    }
  }

  /** The object to store when deleting, or undefined to remove it now. */
  private prepareDelete(current: KubeObject, opts: DeleteOptions): KubeObject | undefined {
    const next = structuredClone(current)
    const meta = next.metadata
    const finalizers = new Set(meta.finalizers ?? [])
    const policy = opts.propagationPolicy
    // Propagation finalizers are only added when the object is not already being deleted, as
    // apiserver does; the garbage collector removes them once dependents are handled.
    if (!meta.deletionTimestamp) {
      if (policy === 'Orphan') finalizers.add('orphan')
      if (policy === 'Foreground') finalizers.add('foregroundDeletion')
    }
    const grace = this.gracePeriod(current, opts)
    const kindPending = this.def.pendingFinalization?.(next) ?? false
    if (finalizers.size === 0 && grace === 0 && !kindPending) return undefined
    this.def.prepareForDelete?.(next)
    meta.finalizers = [...finalizers]
    if (meta.finalizers.length === 0) delete meta.finalizers
    const now = this.ctx.now()
    if (!meta.deletionTimestamp) {
      meta.deletionTimestamp = timestamp(now + grace * 1000)
      meta.deletionGracePeriodSeconds = grace
    } else if (grace < (meta.deletionGracePeriodSeconds ?? 0)) {
      // A shorter grace period may shorten a pending deletion (e.g. the kubelet confirming with 0).
      meta.deletionTimestamp = timestamp(now + grace * 1000)
      meta.deletionGracePeriodSeconds = grace
      if (grace === 0 && finalizers.size === 0 && !kindPending) return undefined
    }
    return next
  }

  /** Graceful deletion applies to pods bound to a node: the kubelet confirms with grace 0. */
  private gracePeriod(obj: KubeObject, opts: DeleteOptions): number {
    if (this.def.group !== '' || this.def.plural !== 'pods') return 0
    const spec = obj.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined
    if (!spec?.nodeName) return 0
    if (
      obj.status &&
      (obj.status as { phase?: string }).phase &&
      ['Succeeded', 'Failed'].includes((obj.status as { phase: string }).phase)
    )
      return 0
    const grace = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30
    return Math.max(0, grace)
  }

  private finalizersPending(obj: KubeObject): boolean {
    return (obj.metadata.finalizers?.length ?? 0) > 0 || (this.def.pendingFinalization?.(obj) ?? false)
  }

  private fillCreateMetadata(obj: KubeObject): void {
    const meta = obj.metadata
    obj.apiVersion = this.apiVersion
    obj.kind = this.def.kind
    meta.uid = randomUUID()
    meta.creationTimestamp = timestamp(this.ctx.now())
    delete meta.resourceVersion
    delete meta.deletionTimestamp
    delete meta.deletionGracePeriodSeconds
    delete meta.selfLink
    if (this.def.generation === 'spec') meta.generation = 1
    else delete meta.generation
  }

  private prepareUpdate(desired: KubeObject, current: KubeObject, subresource: Subresource): KubeObject {
    let next: KubeObject
    if (subresource === 'status') {
      // Status writes change status only; everything else keeps its stored value.
      next = structuredClone(current)
      if (desired.status === undefined) delete next.status
      else next.status = desired.status
    } else {
      next = desired
      if (!isPlainObject(next.metadata)) next.metadata = {}
      if (this.def.subresources.status) {
        if (current.status === undefined) delete next.status
        else next.status = current.status
      }
    }
    next.apiVersion = this.apiVersion
    next.kind = this.def.kind
    const meta = next.metadata
    const old = current.metadata
    meta.name = old.name
    if (this.namespaced) meta.namespace = old.namespace
    else delete meta.namespace
    meta.uid = old.uid
    meta.creationTimestamp = old.creationTimestamp
    meta.resourceVersion = old.resourceVersion
    if (old.deletionTimestamp) {
      meta.deletionTimestamp = old.deletionTimestamp
      meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds
    } else {
      delete meta.deletionTimestamp
      delete meta.deletionGracePeriodSeconds
    }
    if (this.def.generation === 'spec') {
      meta.generation = (old.generation ?? 1) + (specChanged(next, current) ? 1 : 0)
    } else {
      delete meta.generation
    }
    if (meta.finalizers?.length === 0) delete meta.finalizers
    if (subresource === '') this.def.prepareForUpdate?.(next, current)
    const errs: FieldError[] = [
      ...validateObjectMeta(meta, { namespaced: this.namespaced, nameValidation: this.def.nameValidation }),
      ...validateObjectMetaUpdate(meta, old),
    ]
    if (old.deletionTimestamp) {
      const before = new Set(old.finalizers ?? [])
      if ((meta.finalizers ?? []).some((f) => !before.has(f))) {
        errs.push({
          type: 'FieldValueForbidden',
          field: 'metadata.finalizers',
          detail: 'no new finalizers can be added if the object is being deleted',
        })
      }
    }
    if (subresource === '') {
      errs.push(...(this.def.validate?.(next) ?? []), ...(this.def.validateUpdate?.(next, current) ?? []))
    }
    this.validate(next, errs)
    return next
  }

  private validate(obj: KubeObject, errs: FieldError[]): void {
    if (errs.length === 0) return
    // Create and update checks of metadata overlap (labels, annotations ...): report each once.
    const seen = new Set<string>()
    const unique = errs.filter((e) => {
      const key = JSON.stringify([e.type, e.field, e.detail, e.value])
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    throw invalid(this.def.kind, this.def.group, String(obj.metadata?.name ?? ''), unique)
  }

  private serialize(obj: KubeObject, revision: number): string {
    obj.metadata.resourceVersion = String(revision)
    const shared = this.def.sharedStorage
    const s = shared
      ? JSON.stringify(shared.toStorage(obj))
      : this.storedApiVersion
        ? JSON.stringify({ ...obj, apiVersion: this.storedApiVersion })
        : JSON.stringify(obj)
    if (s.length > MAX_OBJECT_BYTES) throw tooLarge('etcdserver: request is too large')
    return s
  }

  /** Translates storage failures into API errors (apiserver's storage/errors Interpret*). */
  interpret(e: unknown, name: string): Error {
    if (e instanceof StatusError) return e
    if (e instanceof StorageError) {
      switch (e.code) {
        case 'KeyExists':
          return alreadyExists(this.gr, name)
        case 'KeyNotFound':
          return notFound(this.gr, name)
        case 'Conflict':
          return conflict(this.gr, name, MODIFIED_MESSAGE)
        case 'Compacted':
          return expired(`too old resource version: ${e.compactRevision ?? ''}`)
        case 'FutureRevision':
          return timeout('Too large resource version')
        case 'Closed':
        case 'Unavailable':
          return internalError(e.message)
      }
    }
    return e instanceof Error ? e : internalError(String(e))
  }
}

export function parseStored(kv: KeyValue): KubeObject {
  return JSON.parse(kv.value) as KubeObject
}

/** True when two objects differ only in resourceVersion (and managedFields timestamps). */
function sameObject(a: KubeObject, b: KubeObject): boolean {
  const rvA = a.metadata.resourceVersion
  const rvB = b.metadata.resourceVersion
  a.metadata.resourceVersion = undefined
  b.metadata.resourceVersion = undefined
  const same = JSON.stringify(a) === JSON.stringify(b)
  a.metadata.resourceVersion = rvA
  b.metadata.resourceVersion = rvB
  if (rvA === undefined) delete a.metadata.resourceVersion
  if (rvB === undefined) delete b.metadata.resourceVersion
  return same
}

/** Whether anything but metadata and status changed: that is what bumps metadata.generation. */
function specChanged(next: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o
    return JSON.stringify(rest)
  }
  return strip(next) !== strip(old)
}

export function terminatingNamespace(ns: string): StatusError {
  return forbidden(
    `unable to create new content in namespace ${ns} because it is being terminated`,
    { group: '', resource: 'namespaces' },
    ns,
  )
}
