// Test helper: renders a FieldError the way apimachinery's field.Error.Error() does, including
// "Too many" (which errors.ts does not render yet), so tests can compare whole kube-apiserver
// messages. Values: strings quoted (%q), numbers and booleans bare, a nil value as "null" (Go
// quotes it: it substitutes the string "null"), objects as JSON (Go prints them with %#v,
// `map[string]interface {}{"name":"a"}`; errors.ts and these tests use JSON).

import type { FieldError } from '../errors.ts'
import { goQuote } from './gofmt.ts'

function value(v: unknown): string {
  if (typeof v === 'string') return goQuote(v)
  if (v === null || v === undefined) return '"null"'
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return JSON.stringify(v)
}

export function kubeMessage(e: FieldError): string {
  const detail = e.detail ? `: ${e.detail}` : ''
  switch (e.type as string) {
    case 'FieldValueRequired':
      return `${e.field}: Required value${detail}`
    case 'FieldValueForbidden':
      return `${e.field}: Forbidden${detail}`
    case 'FieldValueTooLong':
      return `${e.field}: Too long${detail}`
    case 'FieldValueTooMany':
      return `${e.field}: Too many: ${value(e.value)}${detail}`
    case 'FieldValueNotSupported':
      return `${e.field}: Unsupported value: ${value(e.value)}${detail}`
    case 'FieldValueDuplicate':
      return `${e.field}: Duplicate value: ${value(e.value)}`
    default:
      return `${e.field}: Invalid value: ${value(e.value)}${detail}`
  }
}

export function kubeMessages(errs: readonly FieldError[]): string[] {
  return errs.map(kubeMessage)
}
