// fieldValidation=Strict|Warn|Ignore: unknown fields (not in the kind's schema) and duplicate
// fields in the request body. Unknown fields are always dropped, as decoding into Kubernetes'
// types drops them; Strict turns any finding into a 400, Warn into Warning headers.

import { badRequest } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import {
  duplicateFieldMessage,
  findDuplicateFields,
  findDuplicateYamlKeys,
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
}

/** Findings in the raw body: duplicate fields (JSON) or keys (YAML). */
export function duplicateFindings(raw: RawBody | undefined): string[] {
  if (!raw) return []
  const type = mediaType(raw.contentType)
  if (type.includes('yaml')) return findDuplicateYamlKeys(raw.text)
  if (type === '' || type.includes('json')) return findDuplicateFields(raw.text).map(duplicateFieldMessage)
  return []
}

/**
 * Drops fields the kind's schema does not know and reports them (with the body's duplicates)
 * as the request's fieldValidation asks.
 */
export function validateFields(ctx: RequestContext, obj: KubeObject, q: WriteQuery, raw?: RawBody): void {
  if (q.fieldValidation === 'Ignore' && !ctx.store.mergeSchema) return
  const findings = q.fieldValidation === 'Ignore' ? [] : duplicateFindings(raw)
  const schema = ctx.store.mergeSchema as JSONSchemaProps | undefined
  if (schema) {
    for (const path of pruneUnknownFields(obj, schema, { isResourceRoot: true }))
      findings.push(unknownFieldMessage(path))
  }
  if (findings.length === 0 || q.fieldValidation === 'Ignore') return
  if (q.fieldValidation === 'Strict') throw badRequest(`strict decoding error: ${findings.join(', ')}`)
  for (const f of findings) ctx.warn(f)
}
