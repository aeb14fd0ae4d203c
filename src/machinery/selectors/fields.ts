// Field selectors, a port of k8s.io/apimachinery/pkg/fields (selector.go): comma-separated
// terms `field=value`, `field==value`, `field!=value`, with `\`-escaping of `\`, `,` and `=` in
// values; plus the apiserver's per-kind check of supported fields and its 400 messages.

import { badRequest } from '../errors.ts'
import type { KindDef } from '../kinds.ts'
import type { KubeObject } from '../object.ts'

export type FieldOperator = '=' | '==' | '!='

export interface FieldRequirement {
  readonly field: string
  readonly operator: FieldOperator
  readonly value: string
}

/** Returns a field's value as a string, or undefined when the object has no such field. */
export type FieldGetter = (field: string) => string | undefined

export class FieldSelectorError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FieldSelectorError'
  }
}

/** An immutable, reusable field selector: an AND of terms. */
export class FieldSelector {
  readonly #reqs: readonly FieldRequirement[]

  constructor(reqs: readonly FieldRequirement[]) {
    this.#reqs = Object.freeze([...reqs])
  }

  requirements(): readonly FieldRequirement[] {
    return this.#reqs
  }

  /** True when the selector does not restrict anything. */
  get empty(): boolean {
    return this.#reqs.length === 0
  }

  /** As fields.Selector.Matches: a missing field reads as "". */
  matches(get: FieldGetter): boolean {
    const reqs = this.#reqs
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i]
      const v = get(r.field) ?? ''
      if (r.operator === '!=' ? v === r.value : v !== r.value) return false
    }
    return true
  }

  /** The value a field must equal (= or ==), if the selector pins it. */
  requiresExactMatch(field: string): string | undefined {
    for (const r of this.#reqs) if (r.field === field && r.operator !== '!=') return r.value
    return undefined
  }

  /** Canonical form: terms joined by ",", values escaped. */
  toString(): string {
    return this.#reqs.map((r) => `${r.field}${r.operator === '!=' ? '!=' : '='}${escapeFieldValue(r.value)}`).join(',')
  }
}

const EVERYTHING = new FieldSelector([])

export function everythingFields(): FieldSelector {
  return EVERYTHING
}

/** fields.EscapeValue: prefixes `\`, `,` and `=` with a backslash. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`)
}

/** fields.UnescapeValue, with its error texts (the rune is printed as its code point, as Go's %v does). */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s
  let out = ''
  let inSlash = false
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c
      else throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`)
      inSlash = false
      continue
    }
    if (c === '\\') inSlash = true
    else if (c === ',' || c === '=') {
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`)
    } else out += c
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\')
  return out
}

/** Splits on commas that are not backslash-escaped (the escapes stay in the terms). */
function splitTerms(s: string): string[] {
  if (s.length === 0) return []
  const terms: string[] = []
  let start = 0
  let inSlash = false
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (inSlash) inSlash = false
    else if (c === '\\') inSlash = true
    else if (c === ',') {
      terms.push(s.slice(start, i))
      start = i + 1
    }
  }
  terms.push(s.slice(start))
  return terms
}

const TERM_OPERATORS: FieldOperator[] = ['!=', '==', '=']

/** The first operator occurrence splits the term; the field part cannot contain escapes. */
function splitTerm(term: string): [string, FieldOperator, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)]
    }
  }
  return undefined
}

/** Go's sort.Strings order (byte-wise; identical to code-unit order for ASCII). */
function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * fields.ParseSelector: "metadata.name=x,status.phase!=Running". Terms are sorted as apimachinery
 * sorts them; empty terms are skipped. Throws FieldSelectorError with apimachinery's message.
 */
export function parseFieldSelectorString(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort(byteCompare)
  const reqs: FieldRequirement[] = []
  for (const part of parts) {
    if (part === '') continue
    const split = splitTerm(part)
    if (!split) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`)
    const [field, op, rhs] = split
    reqs.push(Object.freeze({ field, operator: op, value: unescapeFieldValue(rhs) }))
  }
  return reqs.length ? new FieldSelector(reqs) : EVERYTHING
}

/** parseFieldSelectorString for request parameters: failures become 400 BadRequest. */
export function parseFieldSelector(selector: string | null | undefined): FieldSelector {
  if (!selector) return EVERYTHING
  try {
    return parseFieldSelectorString(selector)
  } catch (e) {
    if (e instanceof FieldSelectorError) throw badRequest(e.message)
    throw e
  }
}

// ---- per-kind support (the apiserver's ConvertFieldLabel step) -------------------------------

/** The fields a kind accepts in field selectors, in a stable order. */
export function supportedFields(def: Pick<KindDef, 'scope' | 'fieldSelectors' | 'custom'>): string[] {
  const extra = Object.keys(def.fieldSelectors ?? {})
  const out = ['metadata.name']
  // CRDs (crConverter) and built-ins with a registered conversion func accept metadata.namespace only
  // when namespaced; the default conversion (no extra fields) accepts it for every scope.
  if (def.scope === 'Namespaced' || (!def.custom && extra.length === 0)) out.push('metadata.namespace')
  for (const f of extra) if (!out.includes(f)) out.push(f)
  return out
}

/**
 * The apiserver's message for an unsupported field: CRDs and kinds with their own field
 * conversions say `field label not supported: F`; other built-ins use apimachinery's
 * DefaultMetaV1FieldSelectorConversion text.
 */
export function unsupportedFieldMessage(def: Pick<KindDef, 'fieldSelectors' | 'custom'>, field: string): string {
  if (def.custom || Object.keys(def.fieldSelectors ?? {}).length > 0) return `field label not supported: ${field}`
  return `${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`
}

/** Throws 400 BadRequest when the selector names a field the kind does not support. */
export function checkFieldSelector(
  def: Pick<KindDef, 'scope' | 'fieldSelectors' | 'custom'>,
  sel: FieldSelector,
): void {
  if (sel.empty) return
  const ok = supportedFields(def)
  for (const r of sel.requirements()) {
    if (!ok.includes(r.field)) throw badRequest(unsupportedFieldMessage(def, r.field))
  }
}

/** A FieldGetter over an object for a kind: metadata.name, metadata.namespace and the kind's extras. */
export function objectFieldGetter(def: Pick<KindDef, 'fieldSelectors'>, obj: KubeObject): FieldGetter {
  return (field) => {
    if (field === 'metadata.name') return obj.metadata?.name ?? ''
    if (field === 'metadata.namespace') return obj.metadata?.namespace ?? ''
    const fn = def.fieldSelectors?.[field]
    return fn ? fn(obj) : undefined
  }
}
