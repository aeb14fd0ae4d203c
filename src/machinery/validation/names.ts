// Name and string-format validation with Kubernetes' exact messages
// (k8s.io/apimachinery/pkg/util/validation, pkg/api/validation/path, pkg/api/validation/generic.go,
// apiserver pkg/storage/names). Every `is*` function returns the list of problems, empty when valid,
// so callers can turn each message into a FieldError exactly like apimachinery does.

import { randomInt } from 'node:crypto'
import type { NameValidation } from '../kinds.ts'

// ---- message helpers (apimachinery util/validation) -----------------------------------------

/** "must be no more than N characters" (the wording of Kubernetes 1.28–1.33). */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`
}

/** apimachinery RegexError: `msg (e.g. 'a' or 'b', regex used for validation is 're')`. */
export function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`
  let out = `${msg} (e.g. `
  for (let i = 0; i < examples.length; i++) {
    if (i > 0) out += ' or '
    out += `'${examples[i]}', `
  }
  return `${out}regex used for validation is '${re}')`
}

export function emptyError(): string {
  return 'must be non-empty'
}

// ---- DNS names ------------------------------------------------------------------------------

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const DNS1123_LABEL_ERR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
export const DNS1123_LABEL_MAX_LENGTH = 63
const dns1123LabelRe = new RegExp(`^${DNS1123_LABEL_FMT}$`)

const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`
const DNS1123_SUBDOMAIN_ERR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253
const dns1123SubdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`)

const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?'
const DNS1035_LABEL_ERR =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"
const dns1035LabelRe = new RegExp(`^${DNS1035_LABEL_FMT}$`)

/** RFC 1123 label: ≤ 63 characters, `[a-z0-9]([-a-z0-9]*[a-z0-9])?`. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = []
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH))
  if (!dns1123LabelRe.test(value)) {
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots')
    else errs.push(regexError(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, 'my-name', '123-abc'))
  }
  return errs
}

/** RFC 1123 subdomain: ≤ 253 characters, dot-separated labels. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = []
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH))
  if (!dns1123SubdomainRe.test(value))
    errs.push(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, 'example.com'))
  return errs
}

/** RFC 1035 label (Service names): starts with a letter. */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = []
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH))
  if (!dns1035LabelRe.test(value)) errs.push(regexError(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, 'my-name', 'abc-123'))
  return errs
}

// ---- qualified names (label keys, annotation keys, finalizers) and label values -------------

const QUALIFIED_NAME_CHAR_FMT = '[A-Za-z0-9]'
const QUALIFIED_NAME_EXT_CHAR_FMT = '[-A-Za-z0-9_.]'
const QUALIFIED_NAME_FMT = `(${QUALIFIED_NAME_CHAR_FMT}${QUALIFIED_NAME_EXT_CHAR_FMT}*)?${QUALIFIED_NAME_CHAR_FMT}`
const QUALIFIED_NAME_ERR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
export const QUALIFIED_NAME_MAX_LENGTH = 63
const qualifiedNameRe = new RegExp(`^${QUALIFIED_NAME_FMT}$`)

/**
 * A "qualified name" (label key, annotation key, finalizer): optional DNS-1123 subdomain prefix
 * and '/', then a name part of ≤ 63 characters.
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = []
  const parts = value.split('/')
  let name: string
  switch (parts.length) {
    case 1:
      name = parts[0]
      break
    case 2: {
      const prefix = parts[0]
      name = parts[1]
      if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`)
      else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`)
      break
    }
    default:
      return [
        `a qualified name ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}` +
          " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ]
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`)
  else if (name.length > QUALIFIED_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`)
  if (!qualifiedNameRe.test(name)) {
    errs.push(`name part ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`)
  }
  return errs
}

const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`
const LABEL_VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
export const LABEL_VALUE_MAX_LENGTH = 63
const labelValueRe = new RegExp(`^${LABEL_VALUE_FMT}$`)

/** A label value: empty, or ≤ 63 characters matching `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = []
  if (value.length > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH))
  if (!labelValueRe.test(value)) errs.push(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'))
  return errs
}

// ---- path segment names (names that are only safe as URL path segments) ----------------------

/** apimachinery path.IsValidPathSegmentName: not "." or "..", no "/" or "%". */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`]
  const errs: string[] = []
  if (name.includes('/')) errs.push(`may not contain '/'`)
  if (name.includes('%')) errs.push(`may not contain '%'`)
  return errs
}

/** The prefix form (generateName): only the forbidden substrings are checked. */
export function isValidPathSegmentPrefix(name: string): string[] {
  const errs: string[] = []
  if (name.includes('/')) errs.push(`may not contain '/'`)
  if (name.includes('%')) errs.push(`may not contain '%'`)
  return errs
}

// ---- ValidateNameFunc ------------------------------------------------------------------------

/** apimachinery maskTrailingDash: a generateName prefix may end with '-'. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name
}

/**
 * Validates an object name (or, with prefix=true, a generateName prefix) according to a kind's
 * NameValidation, returning apimachinery's messages.
 */
export function validateName(validation: NameValidation, name: string, prefix = false): string[] {
  switch (validation) {
    case 'dns1123-label':
      return isDNS1123Label(prefix ? maskTrailingDash(name) : name)
    case 'path-segment':
      return prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name)
    default:
      return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name)
  }
}

// ---- name generation (apiserver pkg/storage/names.SimpleNameGenerator) ------------------------

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'
const MAX_NAME_LENGTH = 63
export const RANDOM_NAME_LENGTH = 5
export const MAX_GENERATED_NAME_LENGTH = MAX_NAME_LENGTH - RANDOM_NAME_LENGTH // 58

/** Five characters from Kubernetes' consonant+digit alphabet (no vowels, so no words). */
export function randomNameSuffix(length = RANDOM_NAME_LENGTH): string {
  let out = ''
  for (let i = 0; i < length; i++) out += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)]
  return out
}

/** generateName → name: the prefix truncated to 58 characters plus 5 random characters. */
export function generateName(base: string): string {
  const prefix = base.length > MAX_GENERATED_NAME_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH) : base
  return prefix + randomNameSuffix()
}
