// ObjectMeta validation on create and update, following apimachinery's
// pkg/api/validation/objectmeta.go (ValidateObjectMetaAccessor / ValidateObjectMetaAccessorUpdate)
// and meta/v1/validation ValidateLabels: same field paths ("metadata.labels", not keyed),
// same messages, same order.

import { type FieldError, fieldForbidden, fieldInvalid, fieldRequired } from '../errors.ts'
import type { NameValidation } from '../kinds.ts'
import { isPlainObject } from '../object.ts'
import { isDNS1123Label, isQualifiedName, isValidLabelValue, validateName } from './names.ts'

export const FIELD_IMMUTABLE = 'field is immutable'
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024 // 262144

export interface ObjectMetaValidationOptions {
  /** The kind's scope: namespaced objects need metadata.namespace, cluster objects must not have one. */
  namespaced: boolean
  nameValidation: NameValidation
  /** Path of the metadata block; "metadata" unless validating an embedded template. */
  path?: string
}

const isStr = (v: unknown): v is string => typeof v === 'string'

/** Labels: every key a qualified name, every value a valid label value (errors at `path`). */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (labels === undefined || labels === null) return errs
  if (!isPlainObject(labels)) return [fieldInvalid(path, labels, 'must be a map of string keys to string values')]
  for (const [k, v] of Object.entries(labels)) {
    for (const msg of isQualifiedName(k)) errs.push(fieldInvalid(path, k, msg))
    if (!isStr(v)) {
      errs.push(fieldInvalid(path, v, 'label values must be strings'))
      continue
    }
    for (const msg of isValidLabelValue(v)) errs.push(fieldInvalid(path, v, msg))
  }
  return errs
}

/** Annotations: keys are qualified names (case-insensitive), total size of keys+values ≤ 256 KiB. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (annotations === undefined || annotations === null) return errs
  if (!isPlainObject(annotations)) {
    return [fieldInvalid(path, annotations, 'must be a map of string keys to string values')]
  }
  let total = 0
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldInvalid(path, k, msg))
    if (!isStr(v)) {
      errs.push(fieldInvalid(path, v, 'annotation values must be strings'))
      continue
    }
    total += Buffer.byteLength(k) + Buffer.byteLength(v)
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) {
    errs.push({
      type: 'FieldValueTooLong',
      field: path,
      detail: `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes`,
    })
  }
  return errs
}

function splitAPIVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/')
  if (i < 0) return { group: '', version: apiVersion }
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) }
}

/** Owner references: apiVersion, kind, name and uid required; one controller at most. */
export function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (refs === undefined || refs === null) return errs
  if (!Array.isArray(refs)) return [fieldInvalid(path, refs, 'must be a list of owner references')]
  let firstController = ''
  for (const raw of refs) {
    const ref = isPlainObject(raw) ? raw : {}
    const apiVersion = isStr(ref.apiVersion) ? ref.apiVersion : ''
    const kind = isStr(ref.kind) ? ref.kind : ''
    const name = isStr(ref.name) ? ref.name : ''
    const uid = isStr(ref.uid) ? ref.uid : ''
    const gv = splitAPIVersion(apiVersion)
    if (gv.version.length === 0) errs.push(fieldInvalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'))
    if (kind.length === 0) errs.push(fieldInvalid(`${path}.kind`, kind, 'must not be empty'))
    if (name.length === 0) errs.push(fieldInvalid(`${path}.name`, name, 'must not be empty'))
    if (uid.length === 0) errs.push(fieldInvalid(`${path}.uid`, uid, 'must not be empty'))
    if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
      errs.push(fieldInvalid(path, raw, '/v1, Kind=Event is disallowed from being an owner'))
    }
    if (ref.controller === true) {
      const cur = `${kind}/${name}`
      if (firstController !== '') {
        errs.push(
          fieldInvalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`,
          ),
        )
      } else {
        firstController = cur
      }
    }
  }
  return errs
}

const FINALIZER_ORPHAN = 'orphan'
const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion'

/** Finalizers: qualified names; "orphan" and "foregroundDeletion" are exclusive. */
export function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (finalizers === undefined || finalizers === null) return errs
  if (!Array.isArray(finalizers)) return [fieldInvalid(path, finalizers, 'must be a list of strings')]
  let orphan = false
  let foreground = false
  for (const f of finalizers) {
    if (!isStr(f)) {
      errs.push(fieldInvalid(path, f, 'finalizers must be strings'))
      continue
    }
    for (const msg of isQualifiedName(f)) errs.push(fieldInvalid(path, f, msg))
    if (f === FINALIZER_ORPHAN) orphan = true
    if (f === FINALIZER_DELETE_DEPENDENTS) foreground = true
  }
  if (orphan && foreground) {
    errs.push(
      fieldInvalid(
        path,
        finalizers,
        `finalizer ${FINALIZER_ORPHAN} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`,
      ),
    )
  }
  return errs
}

function validateGeneration(generation: unknown, path: string): FieldError[] {
  if (generation === undefined || generation === null) return []
  if (typeof generation !== 'number' || !Number.isInteger(generation)) {
    return [fieldInvalid(path, generation, 'must be an integer')]
  }
  return generation < 0 ? [fieldInvalid(path, generation, 'must be greater than or equal to 0')] : []
}

function validateManagedFields(managedFields: unknown, path: string): FieldError[] {
  if (managedFields === undefined || managedFields === null) return []
  if (!Array.isArray(managedFields)) return [fieldInvalid(path, managedFields, 'must be a list')]
  const errs: FieldError[] = []
  managedFields.forEach((entry, i) => {
    if (!isPlainObject(entry)) return
    const at = `${path}[${i}]`
    const op = entry.operation
    if (op !== 'Apply' && op !== 'Update') {
      errs.push(fieldInvalid(`${at}.operation`, op ?? '', 'must be `Apply` or `Update`'))
    }
    if (entry.fieldsType !== undefined && entry.fieldsType !== '' && entry.fieldsType !== 'FieldsV1') {
      errs.push(fieldInvalid(`${at}.fieldsType`, entry.fieldsType, 'must be `FieldsV1`'))
    }
    if (isStr(entry.subresource) && entry.subresource.length > 256) {
      errs.push({ type: 'FieldValueTooLong', field: `${at}.subresource`, detail: 'must have at most 256 bytes' })
    }
  })
  return errs
}

/** The parts common to create and update (namespace rules excluded). */
function validateCommon(meta: Record<string, unknown>, p: string): FieldError[] {
  return [
    ...validateGeneration(meta.generation, `${p}.generation`),
    ...validateLabels(meta.labels, `${p}.labels`),
    ...validateAnnotations(meta.annotations, `${p}.annotations`),
    ...validateOwnerReferences(meta.ownerReferences, `${p}.ownerReferences`),
    ...validateFinalizers(meta.finalizers, `${p}.finalizers`),
    ...validateManagedFields(meta.managedFields, `${p}.managedFields`),
  ]
}

/**
 * Validates metadata of an object being created. A missing name is accepted when generateName
 * is set (the registry generates the name; validate again afterwards if wanted).
 */
export function validateObjectMeta(meta: unknown, opts: ObjectMetaValidationOptions): FieldError[] {
  const p = opts.path ?? 'metadata'
  if (!isPlainObject(meta)) return [fieldRequired(p)]
  const errs: FieldError[] = []
  const name = meta.name
  const generateName = meta.generateName

  if (generateName !== undefined && generateName !== null && generateName !== '') {
    if (!isStr(generateName)) errs.push(fieldInvalid(`${p}.generateName`, generateName, 'must be a string'))
    else
      for (const msg of validateName(opts.nameValidation, generateName, true)) {
        errs.push(fieldInvalid(`${p}.generateName`, generateName, msg))
      }
  }
  if (name === undefined || name === null || name === '') {
    if (!isStr(generateName) || generateName === '') {
      errs.push(fieldRequired(`${p}.name`, 'name or generateName is required'))
    }
  } else if (!isStr(name)) {
    errs.push(fieldInvalid(`${p}.name`, name, 'must be a string'))
  } else {
    for (const msg of validateName(opts.nameValidation, name, false)) errs.push(fieldInvalid(`${p}.name`, name, msg))
  }

  const ns = meta.namespace
  if (opts.namespaced) {
    if (ns === undefined || ns === null || ns === '') errs.push(fieldRequired(`${p}.namespace`, ''))
    else if (!isStr(ns)) errs.push(fieldInvalid(`${p}.namespace`, ns, 'must be a string'))
    else for (const msg of isDNS1123Label(ns)) errs.push(fieldInvalid(`${p}.namespace`, ns, msg))
  } else if (ns !== undefined && ns !== null && ns !== '') {
    errs.push(fieldForbidden(`${p}.namespace`, 'not allowed on this type'))
  }

  errs.push(...validateCommon(meta, p))
  return errs
}

export interface ObjectMetaUpdateOptions {
  path?: string
  /** Reject an update without metadata.resourceVersion (apimachinery does; the registry may fill it first). */
  requireResourceVersion?: boolean
}

function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : v)
  return norm(a) === norm(b)
}

/**
 * Validates metadata of an update against the stored object: name, namespace, uid,
 * creationTimestamp, deletionTimestamp and deletionGracePeriodSeconds are immutable,
 * generation may not decrease, no new finalizers once deletion started; labels, annotations,
 * owner references are validated as on create. generateName is ignored.
 */
export function validateObjectMetaUpdate(
  newMeta: unknown,
  oldMeta: unknown,
  opts: ObjectMetaUpdateOptions = {},
): FieldError[] {
  const p = opts.path ?? 'metadata'
  if (!isPlainObject(newMeta)) return [fieldRequired(p)]
  const old = isPlainObject(oldMeta) ? oldMeta : {}
  const errs: FieldError[] = []

  if (old.deletionTimestamp) {
    const oldF = new Set(Array.isArray(old.finalizers) ? old.finalizers : [])
    const extra = [...new Set(Array.isArray(newMeta.finalizers) ? newMeta.finalizers : [])]
      .filter((f) => !oldF.has(f))
      .sort()
    if (extra.length > 0) {
      errs.push(
        fieldForbidden(
          `${p}.finalizers`,
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra
            .map((f) => JSON.stringify(f))
            .join(', ')}}`,
        ),
      )
    }
  }
  if (opts.requireResourceVersion && !newMeta.resourceVersion) {
    errs.push(fieldInvalid(`${p}.resourceVersion`, newMeta.resourceVersion ?? '', 'must be specified for an update'))
  }
  const newGen = typeof newMeta.generation === 'number' ? newMeta.generation : 0
  const oldGen = typeof old.generation === 'number' ? old.generation : 0
  if (newGen < oldGen) errs.push(fieldInvalid(`${p}.generation`, newGen, 'must not be decremented'))

  for (const f of [
    'name',
    'namespace',
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
  ]) {
    if (!same(newMeta[f], old[f])) errs.push(fieldInvalid(`${p}.${f}`, newMeta[f] ?? '', FIELD_IMMUTABLE))
  }

  errs.push(
    ...validateLabels(newMeta.labels, `${p}.labels`),
    ...validateAnnotations(newMeta.annotations, `${p}.annotations`),
    ...validateOwnerReferences(newMeta.ownerReferences, `${p}.ownerReferences`),
    ...validateManagedFields(newMeta.managedFields, `${p}.managedFields`),
  )
  return errs
}
