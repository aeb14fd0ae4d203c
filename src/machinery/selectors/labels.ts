// Label selectors, a port of k8s.io/apimachinery/pkg/labels (selector.go): the same lexer and
// recursive-descent parser, the same requirement validation and error texts, the same canonical
// String() form, plus metav1.LabelSelectorAsSelector / FormatLabelSelector for the object form.
//
// A parsed LabelSelector is immutable and meant to be reused: parse once per request, then call
// matches() for every candidate object.

import { badRequest } from '../errors.ts'
import { isPlainObject } from '../object.ts'
import { isQualifiedName, isValidLabelValue } from '../validation/names.ts'

/** selection.Operator values, spelled as apimachinery spells them. */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt'

export interface Requirement {
  readonly key: string
  readonly operator: Operator
  /** Sorted and de-duplicated for parsed selectors; as given for LabelSelector objects. */
  readonly values: readonly string[]
}

export type Labels = Readonly<Record<string, string>> | null | undefined

/** metav1.LabelSelectorRequirement. */
export interface MetaLabelSelectorRequirement {
  key: string
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string
  values?: string[]
}

/** metav1.LabelSelector, the object form (spec.selector of workloads, etc.). */
export interface MetaLabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: MetaLabelSelectorRequirement[]
}

/** Thrown (as the cause of a 400) for an unparsable or invalid selector. */
export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LabelSelectorError'
  }
}

// ---- Go-style error formatting (field.Error / utilerrors.Aggregate) --------------------------

function goQuote(s: string): string {
  return JSON.stringify(s)
}

function goValue(v: unknown): string {
  if (typeof v === 'string') return goQuote(v)
  if (Array.isArray(v)) return `[]string{${v.map((x) => goQuote(String(x))).join(', ')}}`
  return String(v)
}

function invalidError(path: string, value: unknown, detail: string): string {
  return `${path}: Invalid value: ${goValue(value)}: ${detail}`
}

function aggregate(msgs: string[]): string {
  const uniq = [...new Set(msgs)]
  return uniq.length === 1 ? uniq[0] : `[${uniq.join(', ')}]`
}

// ---- requirements ---------------------------------------------------------------------------

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt']
const VALID_OPERATORS = [...BINARY_OPERATORS, 'exists', '!']

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** strconv.ParseInt(s, 10, 64): optional sign and decimal digits within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined
  const n = BigInt(s)
  return n < INT64_MIN || n > INT64_MAX ? undefined : n
}

function validateLabelKey(key: string, path: string): string | undefined {
  const errs = isQualifiedName(key)
  return errs.length ? invalidError(path, key, errs.join('; ')) : undefined
}

/**
 * labels.NewRequirement: validates key, operator and values; throws LabelSelectorError with
 * apimachinery's aggregated message. `path` prefixes field paths (apimachinery uses none).
 */
export function newRequirement(key: string, operator: string, values: readonly string[], path = ''): Requirement {
  const child = (name: string) => (path ? `${path}.${name}` : name)
  const errs: string[] = []
  const keyErr = validateLabelKey(key, child('key'))
  if (keyErr) errs.push(keyErr)
  const valuePath = child('values')
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) {
        errs.push(invalidError(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"))
      }
      break
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        errs.push(invalidError(valuePath, values, 'exact-match compatibility requires one single value'))
      }
      break
    case 'exists':
    case '!':
      if (values.length !== 0) {
        errs.push(invalidError(valuePath, values, 'values set must be empty for exists and does not exist'))
      }
      break
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        errs.push(invalidError(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"))
      }
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalidError(`${valuePath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"))
        }
      })
      break
    default:
      errs.push(
        `${child('operator')}: Unsupported value: ${goQuote(operator)}: supported values: ${VALID_OPERATORS.map(goQuote).join(', ')}`,
      )
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v)
    if (msgs.length) errs.push(invalidError(`${valuePath}[${i}][${key}]`, v, msgs.join('; ')))
  })
  if (errs.length) throw new LabelSelectorError(aggregate(errs))
  return Object.freeze({ key, operator: operator as Operator, values: Object.freeze([...values]) })
}

function requirementString(r: Requirement): string {
  let s = r.operator === '!' ? `!${r.key}` : r.key
  switch (r.operator) {
    case 'exists':
    case '!':
      return s
    case '=':
      s += '='
      break
    case '==':
      s += '=='
      break
    case '!=':
      s += '!='
      break
    case 'in':
      s += ' in '
      break
    case 'notin':
      s += ' notin '
      break
    case 'gt':
      s += '>'
      break
    case 'lt':
      s += '<'
      break
  }
  const vals = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',')
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${vals})` : s + vals
}

// ---- compiled matching ----------------------------------------------------------------------

const OP_IN = 0
const OP_NOT_IN = 1
const OP_EXISTS = 2
const OP_NOT_EXISTS = 3
const OP_GT = 4
const OP_LT = 5

interface Compiled {
  key: string
  op: number
  one: string
  set: ReadonlySet<string> | undefined
  num: bigint
}

function compile(r: Requirement): Compiled {
  let op: number
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      op = OP_IN
      break
    case 'notin':
    case '!=':
      op = OP_NOT_IN
      break
    case 'exists':
      op = OP_EXISTS
      break
    case '!':
      op = OP_NOT_EXISTS
      break
    case 'gt':
      op = OP_GT
      break
    default:
      op = OP_LT
  }
  const num = op === OP_GT || op === OP_LT ? (parseInt64(r.values[0] ?? '') ?? 0n) : 0n
  return {
    key: r.key,
    op,
    one: r.values.length === 1 ? r.values[0] : '',
    set: r.values.length > 1 ? new Set(r.values) : undefined,
    num,
  }
}

function hasValue(c: Compiled, v: string): boolean {
  return c.set ? c.set.has(v) : c.one === v
}

/** An immutable, reusable (parsed) label selector: an AND of requirements sorted by key. */
export class LabelSelector {
  readonly #reqs: readonly Requirement[]
  readonly #compiled: readonly Compiled[]
  readonly #nothing: boolean

  constructor(requirements: readonly Requirement[], nothing = false) {
    const sorted = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    this.#reqs = Object.freeze(sorted)
    this.#compiled = sorted.map(compile)
    this.#nothing = nothing
  }

  /** The requirements, sorted by key (labels.Selector.Requirements()). */
  requirements(): readonly Requirement[] {
    return this.#reqs
  }

  /** True when the selector does not restrict anything (it matches every object). */
  get empty(): boolean {
    return !this.#nothing && this.#reqs.length === 0
  }

  /** True for the selector of a null metav1.LabelSelector: it matches nothing. */
  isNothing(): boolean {
    return this.#nothing
  }

  matches(labels: Labels): boolean {
    if (this.#nothing) return false
    const reqs = this.#compiled
    for (let i = 0; i < reqs.length; i++) {
      const c = reqs[i]
      const raw = labels ? labels[c.key] : undefined
      // typeof check: keys such as "constructor" must not hit Object.prototype.
      const v = typeof raw === 'string' ? raw : undefined
      switch (c.op) {
        case OP_IN:
          if (v === undefined || !hasValue(c, v)) return false
          break
        case OP_NOT_IN:
          if (v !== undefined && hasValue(c, v)) return false
          break
        case OP_EXISTS:
          if (v === undefined) return false
          break
        case OP_NOT_EXISTS:
          if (v !== undefined) return false
          break
        default: {
          if (v === undefined) return false
          const n = parseInt64(v)
          if (n === undefined) return false
          if (c.op === OP_GT ? !(n > c.num) : !(n < c.num)) return false
        }
      }
    }
    return true
  }

  /** The value a label must have exactly (=, == or single-value in), if any. */
  requiresExactMatch(key: string): string | undefined {
    for (const r of this.#reqs) {
      if (r.key !== key) continue
      if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1)
        return r.values[0]
      return undefined
    }
    return undefined
  }

  /** A new selector with more requirements (AND). */
  add(...reqs: Requirement[]): LabelSelector {
    return new LabelSelector([...this.#reqs, ...reqs], this.#nothing)
  }

  /** Canonical form, as labels.Selector.String(): "app=web,tier in (a,b)". */
  toString(): string {
    return this.#reqs.map(requirementString).join(',')
  }
}

const EVERYTHING = new LabelSelector([])
const NOTHING = new LabelSelector([], true)

/** A selector matching every object. */
export function everything(): LabelSelector {
  return EVERYTHING
}

/** A selector matching no object (a null metav1.LabelSelector). */
export function nothing(): LabelSelector {
  return NOTHING
}

// ---- lexer ----------------------------------------------------------------------------------

const T_ERROR = 0
const T_EOS = 1
const T_CLOSE_PAR = 2
const T_COMMA = 3
const T_NOT = 4
const T_DOUBLE_EQUALS = 5
const T_EQUALS = 6
const T_GT = 7
const T_IDENT = 8
const T_IN = 9
const T_LT = 10
const T_NOT_EQUALS = 11
const T_NOT_IN = 12
const T_OPEN_PAR = 13

const STRING_TO_TOKEN: Record<string, number> = {
  ')': T_CLOSE_PAR,
  ',': T_COMMA,
  '!': T_NOT,
  '==': T_DOUBLE_EQUALS,
  '=': T_EQUALS,
  '>': T_GT,
  in: T_IN,
  '<': T_LT,
  '!=': T_NOT_EQUALS,
  notin: T_NOT_IN,
  '(': T_OPEN_PAR,
}

const tokenOf = (s: string): number | undefined => (Object.hasOwn(STRING_TO_TOKEN, s) ? STRING_TO_TOKEN[s] : undefined)

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n'
}

function isSpecial(ch: string): boolean {
  return ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<'
}

interface Item {
  tok: number
  lit: string
}

function lex(s: string): Item[] {
  const items: Item[] = []
  let pos = 0
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++
    if (pos >= s.length) {
      items.push({ tok: T_EOS, lit: '' })
      return items
    }
    if (isSpecial(s[pos])) {
      let buf = ''
      let last: Item | undefined
      while (pos < s.length && isSpecial(s[pos])) {
        buf += s[pos]
        const t = tokenOf(buf)
        if (t !== undefined) last = { tok: t, lit: buf }
        else if (last) break
        pos++
      }
      items.push(last ?? { tok: T_ERROR, lit: `error expected: keyword found '${buf}'` })
      continue
    }
    const start = pos
    while (pos < s.length && !isSpecial(s[pos]) && !isWhitespace(s[pos])) pos++
    const word = s.slice(start, pos)
    const t = tokenOf(word)
    items.push({ tok: t ?? T_IDENT, lit: word })
  }
}

// ---- parser ---------------------------------------------------------------------------------

const CTX_KEY_AND_OPERATOR = 0
const CTX_VALUES = 1

class Parser {
  readonly items: Item[]
  pos = 0

  constructor(s: string) {
    this.items = lex(s)
  }

  lookahead(ctx: number): Item {
    const it = this.items[this.pos]
    return ctx === CTX_VALUES && (it.tok === T_IN || it.tok === T_NOT_IN) ? { tok: T_IDENT, lit: it.lit } : it
  }

  consume(ctx: number): Item {
    const it = this.lookahead(ctx)
    this.pos++
    return it
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = []
    for (;;) {
      const { tok, lit } = this.lookahead(CTX_VALUES)
      switch (tok) {
        case T_IDENT:
        case T_NOT: {
          let r: Requirement
          try {
            r = this.parseRequirement()
          } catch (e) {
            throw new LabelSelectorError(`unable to parse requirement: ${(e as Error).message}`)
          }
          reqs.push(r)
          const next = this.consume(CTX_VALUES)
          switch (next.tok) {
            case T_EOS:
              return reqs
            case T_COMMA: {
              const after = this.lookahead(CTX_VALUES)
              if (after.tok !== T_IDENT && after.tok !== T_NOT) {
                throw new LabelSelectorError(`found '${after.lit}', expected: identifier after ','`)
              }
              break
            }
            default:
              throw new LabelSelectorError(`found '${next.lit}', expected: ',' or 'end of string'`)
          }
          break
        }
        case T_EOS:
          return reqs
        default:
          throw new LabelSelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`)
      }
    }
  }

  parseRequirement(): Requirement {
    const { key, operator } = this.parseKeyAndInferOperator()
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, [])
    const op = this.parseOperator()
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue()
    return newRequirement(key, op, [...values].sort())
  }

  parseKeyAndInferOperator(): { key: string; operator: Operator | '' } {
    let operator: Operator | '' = ''
    let it = this.consume(CTX_VALUES)
    if (it.tok === T_NOT) {
      operator = '!'
      it = this.consume(CTX_VALUES)
    }
    if (it.tok !== T_IDENT) throw new Error(`found '${it.lit}', expected: identifier`)
    const keyErr = validateLabelKey(it.lit, '<nil>')
    if (keyErr) throw new Error(keyErr)
    const next = this.lookahead(CTX_VALUES).tok
    if ((next === T_EOS || next === T_COMMA) && operator !== '!') operator = 'exists'
    return { key: it.lit, operator }
  }

  parseOperator(): Operator {
    const { tok, lit } = this.consume(CTX_KEY_AND_OPERATOR)
    switch (tok) {
      case T_IN:
        return 'in'
      case T_EQUALS:
        return '='
      case T_DOUBLE_EQUALS:
        return '=='
      case T_GT:
        return 'gt'
      case T_LT:
        return 'lt'
      case T_NOT_IN:
        return 'notin'
      case T_NOT_EQUALS:
        return '!='
      default:
        throw new Error(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`)
    }
  }

  parseValues(): Set<string> {
    const open = this.consume(CTX_VALUES)
    if (open.tok !== T_OPEN_PAR) throw new Error(`found '${open.lit}' expected: '('`)
    const { tok, lit } = this.lookahead(CTX_VALUES)
    switch (tok) {
      case T_IDENT:
      case T_COMMA: {
        const s = this.parseIdentifiersList()
        if (this.consume(CTX_VALUES).tok !== T_CLOSE_PAR) throw new Error(`found '${lit}', expected: ')'`)
        return s
      }
      case T_CLOSE_PAR:
        this.consume(CTX_VALUES)
        return new Set([''])
      default:
        throw new Error(`found '${lit}', expected: ',', ')' or identifier`)
    }
  }

  parseIdentifiersList(): Set<string> {
    const s = new Set<string>()
    for (;;) {
      const { tok, lit } = this.consume(CTX_VALUES)
      switch (tok) {
        case T_IDENT: {
          s.add(lit)
          const next = this.lookahead(CTX_VALUES)
          if (next.tok === T_COMMA) continue
          if (next.tok === T_CLOSE_PAR) return s
          throw new Error(`found '${next.lit}', expected: ',' or ')'`)
        }
        case T_COMMA: {
          if (s.size === 0) s.add('')
          const next = this.lookahead(CTX_VALUES).tok
          if (next === T_CLOSE_PAR) {
            s.add('')
            return s
          }
          if (next === T_COMMA) {
            this.consume(CTX_VALUES)
            s.add('')
          }
          break
        }
        default:
          throw new Error(`found '${lit}', expected: ',', or identifier`)
      }
    }
  }

  parseExactValue(): Set<string> {
    const next = this.lookahead(CTX_VALUES).tok
    if (next === T_EOS || next === T_COMMA) return new Set([''])
    const { tok, lit } = this.consume(CTX_VALUES)
    if (tok === T_IDENT) return new Set([lit])
    throw new Error(`found '${lit}', expected: identifier`)
  }
}

/**
 * Parses the string form of a label selector ("app=web,tier in (a,b),!canary,release>3").
 * Throws LabelSelectorError with apimachinery's message; see parseLabelSelector for the 400.
 */
export function parseSelector(selector: string): LabelSelector {
  if (selector.trim() === '') return EVERYTHING
  return new LabelSelector(new Parser(selector).parse())
}

/** parseSelector for request parameters: failures become 400 BadRequest StatusErrors. */
export function parseLabelSelector(selector: string | null | undefined): LabelSelector {
  if (!selector) return EVERYTHING
  try {
    return parseSelector(selector)
  } catch (e) {
    if (e instanceof LabelSelectorError) throw badRequest(e.message)
    throw e
  }
}

/** labels.SelectorFromValidatedSet: key=value for every entry (an empty set matches everything). */
export function selectorFromSet(set: Labels): LabelSelector {
  if (!set) return EVERYTHING
  const keys = Object.keys(set)
  if (keys.length === 0) return EVERYTHING
  return new LabelSelector(
    keys.map((k) => Object.freeze({ key: k, operator: '=' as Operator, values: Object.freeze([set[k]]) })),
  )
}

/**
 * metav1.LabelSelectorAsSelector: null/undefined → nothing; {} → everything; matchLabels become
 * `=` requirements and matchExpressions In/NotIn/Exists/DoesNotExist. Throws LabelSelectorError.
 */
export function selectorFromLabelSelector(ps: MetaLabelSelector | unknown): LabelSelector {
  if (ps === null || ps === undefined) return NOTHING
  if (!isPlainObject(ps)) throw new LabelSelectorError('label selector must be an object')
  const matchLabels = isPlainObject(ps.matchLabels) ? ps.matchLabels : {}
  const matchExpressions: unknown[] = Array.isArray(ps.matchExpressions) ? ps.matchExpressions : []
  const reqs: Requirement[] = []
  for (const [k, v] of Object.entries(matchLabels)) reqs.push(newRequirement(k, '=', [String(v)]))
  for (const raw of matchExpressions) {
    const expr = isPlainObject(raw) ? raw : {}
    let op: Operator
    switch (expr.operator) {
      case 'In':
        op = 'in'
        break
      case 'NotIn':
        op = 'notin'
        break
      case 'Exists':
        op = 'exists'
        break
      case 'DoesNotExist':
        op = '!'
        break
      default:
        throw new LabelSelectorError(`${goQuote(String(expr.operator ?? ''))} is not a valid label selector operator`)
    }
    const values = Array.isArray(expr.values) ? expr.values.map(String) : []
    reqs.push(newRequirement(String(expr.key ?? ''), op, values))
  }
  return reqs.length ? new LabelSelector(reqs) : EVERYTHING
}

/** metav1.FormatLabelSelector: "app=web,tier in (a,b)", "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(ps: MetaLabelSelector | unknown): string {
  let s: string
  try {
    s = selectorFromLabelSelector(ps).toString()
  } catch {
    return '<error>'
  }
  return s.length === 0 ? '<none>' : s
}
