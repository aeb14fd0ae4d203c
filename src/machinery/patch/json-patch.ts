// JSON patch (RFC 6902) as the apiserver applies application/json-patch+json, on top of
// fast-json-patch. Error mapping follows staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go
// (jsonPatcher.applyJSPatch):
//   - the body does not decode as a list of operations → 400 BadRequest (Go's json error text);
//   - more than 10000 operations → 413 RequestEntityTooLarge;
//   - applying fails (unknown op, missing path/value, test failed, bad index...) → 422 Invalid with
//     the generic message "the server rejected our request due to an error in our request" and the
//     json-patch error (worded like evanphx/json-patch) as details.causes[0].message.
// Neither the document nor the patch is ever mutated.

import jsonpatch, { type Operation } from 'fast-json-patch'
import { badRequest, StatusError, tooLarge } from '../errors.ts'
import { cloneJson } from './merge-patch.ts'

export const MAX_JSON_PATCH_OPERATIONS = 10000

export const JSON_PATCH_FAILED_MESSAGE = 'the server rejected our request due to an error in our request'

type Op = 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test'
const OPS = new Set<string>(['add', 'remove', 'replace', 'move', 'copy', 'test'])

/** The 422 the apiserver answers when a JSON patch cannot be applied. */
export function jsonPatchFailed(detail: string): StatusError {
  return new StatusError(422, 'Invalid', JSON_PATCH_FAILED_MESSAGE, {
    causes: [{ reason: 'UnexpectedServerResponse', message: detail }],
  })
}

function goJsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return 'number'
  if (typeof v === 'string') return 'string'
  return 'object'
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function unescapeToken(t: string): string {
  return t.includes('~') ? t.replace(/~1/g, '/').replace(/~0/g, '~') : t
}

/** Resolves a JSON pointer; `found` is false when any step is missing. */
function resolve(doc: unknown, pointer: string): { found: boolean; value: unknown } {
  if (pointer === '') return { found: true, value: doc }
  let cur: unknown = doc
  for (const raw of pointer.slice(1).split('/')) {
    const key = unescapeToken(raw)
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(key) || Number(key) >= cur.length) return { found: false, value: undefined }
      cur = cur[Number(key)]
    } else if (isObject(cur)) {
      if (!Object.hasOwn(cur, key)) return { found: false, value: undefined }
      cur = cur[key]
    } else {
      return { found: false, value: undefined }
    }
  }
  return { found: true, value: cur }
}

/** The container an operation at `pointer` writes into (undefined when it is missing or a scalar). */
function parentOf(doc: unknown, pointer: string): unknown {
  const i = pointer.lastIndexOf('/')
  const parent = resolve(doc, pointer.slice(0, i))
  return parent.found && (isObject(parent.value) || Array.isArray(parent.value)) ? parent.value : undefined
}

/** Checks one operation against the current document, throwing the evanphx-style detail on failure. */
function precheck(doc: unknown, op: Record<string, unknown>): void {
  const kind = op.op
  if (typeof kind !== 'string' || !OPS.has(kind)) {
    throw jsonPatchFailed(`Unexpected kind: ${typeof kind === 'string' ? kind : 'unknown'}`)
  }
  const path = op.path
  if (typeof path !== 'string') {
    throw jsonPatchFailed(`${kind} operation failed to decode path: operation missing path field: missing value`)
  }
  if (path !== '' && !path.startsWith('/')) {
    throw jsonPatchFailed(`${kind} operation does not apply: doc is missing path: "${path}": missing value`)
  }
  if ((kind === 'move' || kind === 'copy') && typeof op.from !== 'string') {
    throw jsonPatchFailed(`${kind} operation failed to decode from: operation missing from field: missing value`)
  }
  if ((kind === 'add' || kind === 'replace' || kind === 'test') && !Object.hasOwn(op, 'value')) {
    throw jsonPatchFailed(`${kind} operation failed to decode value: operation missing value field: missing value`)
  }
  if (kind === 'move' || kind === 'copy') {
    const from = op.from as string
    if (!resolve(doc, from).found) {
      throw jsonPatchFailed(`${kind} operation does not apply: doc is missing from path: ${from}: missing value`)
    }
    if (kind === 'move' && path.startsWith(`${from}/`)) {
      throw jsonPatchFailed(`move operation does not apply: cannot move "${from}" into its own child "${path}"`)
    }
  }
  if (path === '') return
  const parent = parentOf(doc, path)
  switch (kind as Op) {
    case 'add':
    case 'move':
    case 'copy':
      if (parent === undefined) {
        throw jsonPatchFailed(`${kind} operation does not apply: doc is missing path: "${path}": missing value`)
      }
      break
    case 'remove':
      if (!resolve(doc, path).found) {
        throw jsonPatchFailed(`remove operation does not apply: doc is missing path: "${path}": missing value`)
      }
      break
    case 'replace':
      if (!resolve(doc, path).found) {
        throw jsonPatchFailed(`replace operation does not apply: doc is missing key: ${path}: missing value`)
      }
      break
    case 'test':
      break
  }
}

function mapPatchError(e: unknown, op: Record<string, unknown>): StatusError {
  if (e instanceof StatusError) return e
  const kind = String(op.op)
  const path = String(op.path)
  if (e instanceof jsonpatch.JsonPatchError) {
    switch (e.name) {
      case 'TEST_OPERATION_FAILED':
        return jsonPatchFailed(`testing value ${path} failed: test failed`)
      case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      case 'OPERATION_VALUE_OUT_OF_BOUNDS': {
        const idx = path.slice(path.lastIndexOf('/') + 1)
        return jsonPatchFailed(`Unable to access invalid index: ${idx}: invalid index referenced`)
      }
      case 'OPERATION_FROM_UNRESOLVABLE':
        return jsonPatchFailed(`${kind} operation does not apply: doc is missing from path: ${op.from}: missing value`)
      case 'OPERATION_PATH_UNRESOLVABLE':
      case 'OPERATION_PATH_CANNOT_ADD':
        return jsonPatchFailed(`${kind} operation does not apply: doc is missing path: "${path}": missing value`)
      case 'OPERATION_VALUE_REQUIRED':
      case 'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED':
        return jsonPatchFailed(`${kind} operation failed to decode value: operation missing value field: missing value`)
      default:
        return jsonPatchFailed(`${kind} operation does not apply: ${e.message}`)
    }
  }
  return jsonPatchFailed(`${kind} operation does not apply: ${(e as Error)?.message ?? String(e)}`)
}

/**
 * Applies an RFC 6902 patch (already JSON-decoded) to a document and returns a new document.
 * Throws StatusError 400/413/422 as the apiserver would. A null patch is an empty patch.
 */
export function applyJsonPatch<T>(doc: T, patch: unknown): T {
  if (patch === null || patch === undefined) return cloneJson(doc)
  if (!Array.isArray(patch)) {
    throw badRequest(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type jsonpatch.Patch`)
  }
  for (const op of patch) {
    if (op !== null && !isObject(op)) {
      throw badRequest(`json: cannot unmarshal ${goJsonType(op)} into Go value of type jsonpatch.Operation`)
    }
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
    )
  }
  let cur: unknown = cloneJson(doc)
  for (let i = 0; i < patch.length; i++) {
    const op = (patch[i] === null ? {} : cloneJson(patch[i])) as Record<string, unknown>
    precheck(cur, op)
    try {
      cur = jsonpatch.applyOperation(cur, op as unknown as Operation, true, true, true, i).newDocument
    } catch (e) {
      throw mapPatchError(e, op)
    }
  }
  return cur as T
}
