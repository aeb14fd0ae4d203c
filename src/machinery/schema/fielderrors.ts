// kube-openapi errors → field errors, as apiextensions-apiserver's kubeOpenAPIResultToFieldErrors
// (pkg/apiserver/validation/validation.go) does it in Kubernetes 1.31:
//
//   required        → Required value                       (no detail)
//   enum            → Unsupported value: v: supported values: "a", "b"   (non-strings JSON-encoded)
//   maxLength       → Too long: may not be longer than N    (1.32+: "may not be more than N bytes")
//   maxItems,
//   maxProperties   → Too many: <count>: must have at most N items
//   type, format    → Invalid value: "<go type or value>": <kube-openapi message>   (FieldValueTypeInvalid)
//   everything else → Invalid value: <value>: <kube-openapi message>
//   anyOf/oneOf/allOf/not (plain errors, no field) → <fldPath or "<nil>">: Invalid value: "": <message>
//
// The field of an error is the caller's field path (nil for a custom resource, printed "<nil>")
// with the kube-openapi name appended as one child ("spec.replicas").

import { type FieldError, fieldInvalid, fieldRequired } from '../errors.ts'
import { goJSON, goQuote } from './gofmt.ts'
import type { OpenAPIError } from './openapi.ts'

/**
 * Kubernetes reports maxItems/maxProperties with the cause type FieldValueTooMany. errors.ts does
 * not list it yet, so its message renders as "Invalid value" until it does; the reason in the
 * Status causes is already right.
 */
export const FIELD_VALUE_TOO_MANY = 'FieldValueTooMany' as string as FieldError['type']

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  return {
    type: 'FieldValueNotSupported',
    field,
    value,
    detail: supported.length > 0 ? `supported values: ${supported.map(goQuote).join(', ')}` : '',
  }
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: FIELD_VALUE_TOO_MANY, field, value: actual, detail: `must have at most ${max} items` }
}

export function tooLong(field: string, value: unknown, max: number): FieldError {
  return { type: 'FieldValueTooLong', field, value, detail: `may not be longer than ${max}` }
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, value, detail: '' }
}

/** `fldPath` null is Kubernetes' nil *field.Path (the custom-resource case). */
export function toFieldErrors(errs: readonly OpenAPIError[], fldPath: string | null): FieldError[] {
  const out: FieldError[] = []
  const nilPath = fldPath ?? '<nil>'
  for (const e of errs) {
    if (e.code === 'composite') {
      out.push(fieldInvalid(nilPath, '', e.message))
      continue
    }
    const name = e.name.startsWith('.') ? e.name.slice(1) : e.name
    const field =
      e.name === '' || e.name === '.' ? nilPath : fldPath === null || fldPath === '' ? name : `${fldPath}.${name}`
    switch (e.code) {
      case 'required':
        out.push(fieldRequired(field, ''))
        break
      case 'enum':
        out.push(
          notSupported(
            field,
            e.value,
            (e.values ?? []).map((v) => (typeof v === 'string' ? v : goJSON(v))),
          ),
        )
        break
      case 'tooLong':
        out.push(tooLong(field, e.value ?? '', e.limit ?? -1))
        break
      case 'maxItems':
      case 'maxProperties':
        out.push(tooMany(field, e.value as number, e.limit ?? -1))
        break
      case 'type':
        out.push({ type: 'FieldValueTypeInvalid', field, value: e.value ?? '', detail: e.message })
        break
      default:
        out.push(fieldInvalid(field, e.value ?? '', e.message))
    }
  }
  return out
}
