// fieldValidation=Strict|Warn|Ignore: unknown fields (not in the kind's schema) and duplicate
// fields in the request body. Unknown fields are always dropped, as decoding into Kubernetes'
// types drops them; Strict turns any finding into a 400, Warn into Warning headers.

import { badRequest, fieldInvalid, invalid, type StatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import {
  duplicateFieldMessage,
  findDuplicateFields,
  findDuplicateYamlKeys,
  hasDuplicateFields,
  type JSONSchemaProps,
  pruneUnknownFields,
  unknownFieldMessage,
} from '../../machinery/schema/index.ts'
import { mediaType } from '../http/body.ts'
import type { RequestContext } from './context.ts'
import type { WriteQuery } from './options.ts'

export interface RawBody {
  text: string
  contentType: string | undefined
  /**
   * countObjectKeys of what the text decoded to, before anything changed it: when given, a JSON
   * body without duplicates is recognised without listing paths.
   */
  decodedKeys?: number
}

/** Findings in the raw body: duplicate fields (JSON) or keys (YAML). */
export function duplicateFindings(raw: RawBody | undefined): string[] {
  if (!raw) return []
  const type = mediaType(raw.contentType)
  if (type.includes('yaml')) return findDuplicateYamlKeys(raw.text)
  if (type === '' || type.includes('json')) {
    if (raw.decodedKeys !== undefined && !hasDuplicateFields(raw.text, raw.decodedKeys)) return []
    return findDuplicateFields(raw.text).map(duplicateFieldMessage)
  }
  return []
}

/** How a Strict finding is reported: the 400 the decoder gives for a create or update body. */
export type StrictError = (detail: string) => StatusError

/**
 * The decoder's error for a create or update body, as kube-apiserver's transformDecodeError
 * words it: `Deployment in version "v1" cannot be handled as a Deployment: strict decoding
 * error: unknown field "spec.foo"`.
 */
export function decodeError(ctx: RequestContext): StrictError {
  const kind = ctx.store.def.kind
  const version = ctx.store.apiVersion.slice(ctx.store.apiVersion.indexOf('/') + 1)
  return (detail) => badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${detail}`)
}

/**
 * The patch handler's error (422, field "patch"): the value is the patch as Go prints a map for
 * a strategic merge patch, the patched object's JSON for JSON and merge patches.
 */
export function patchError(value: string): StrictError {
  return (detail) => invalid('', '', '', [fieldInvalid('patch', value, detail)])
}

/**
 * Drops fields the kind's schema does not know and reports them (with the body's duplicates)
 * as the request's fieldValidation asks.
 */
export function validateFields(
  ctx: RequestContext,
  obj: KubeObject,
  q: WriteQuery,
  raw?: RawBody,
  strictError: StrictError = badRequest,
): void {
  if (q.fieldValidation === 'Ignore' && !ctx.store.mergeSchema) return
  const findings = q.fieldValidation === 'Ignore' ? [] : duplicateFindings(raw)
  const schema = ctx.store.mergeSchema as JSONSchemaProps | undefined
  if (schema) {
    for (const path of pruneUnknownFields(obj, schema, { isResourceRoot: true }))
      findings.push(unknownFieldMessage(path))
  }
  if (findings.length === 0 || q.fieldValidation === 'Ignore') return
  if (q.fieldValidation === 'Strict') throw strictError(`strict decoding error: ${findings.join(', ')}`)
  for (const f of findings) ctx.warn(f)
}
