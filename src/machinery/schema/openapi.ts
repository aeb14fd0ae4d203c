// The OpenAPI value validator, a port of the part of kube-openapi's validate package that
// kube-apiserver runs on custom resources (SchemaValidator with the default strfmt registry).
// It is kept separate from the conversion to field errors (fielderrors.ts) because Kubernetes
// itself has the two layers, and the messages only make sense with both: the validator writes
// "spec.replicas in body must be of type integer: \"string\"", the converter decides that this
// becomes `spec.replicas: Invalid value: "string": <that message>`.
//
// Every validator runs for every value, in kube-openapi's order (type, junctors, string, format,
// number, array, enum, object), so one value can collect several errors, as it does in Kubernetes.

import { checkFormat, effectiveFormat } from './formats.ts'
import { goFloat, goInt, goJSON, goQuote } from './gofmt.ts'
import { compilePattern } from './regex.ts'
import { deepEqual, isObject, type JSONSchemaProps, own } from './types.ts'

/** One kube-openapi error: a *errors.Validation (with a code) or a plain composite error. */
export type OpenAPIError =
  | {
      code:
        | 'type'
        | 'required'
        | 'tooLong'
        | 'tooShort'
        | 'pattern'
        | 'enum'
        | 'multipleOf'
        | 'maximum'
        | 'minimum'
        | 'unique'
        | 'maxItems'
        | 'minItems'
        | 'minProperties'
        | 'maxProperties'
        | 'forbiddenProperty'
        | 'multipleOfPositive'
      /** The kube-openapi path ("spec.replicas", ".key" for a map entry at the root). */
      name: string
      value: unknown
      message: string
      /** The limit, for the codes Kubernetes reports with it (maxLength, maxItems, maxProperties). */
      limit?: number
      /** The allowed values, for enum. */
      values?: readonly unknown[]
    }
  | { code: 'composite'; message: string }

const IN = 'body'

/** The JSON type of a decoded value and the Go format kube-openapi infers for it. */
function valueInfo(v: unknown): [type: string, format: string] {
  switch (typeof v) {
    case 'boolean':
      return ['boolean', '']
    case 'string':
      return ['string', '']
    case 'number':
      // Kubernetes decodes JSON integers into int64 and everything else into float64. JSON.parse
      // cannot tell "1.0" from "1", so an integral number counts as an integer here.
      return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? ['integer', 'int64'] : ['number', 'float64']
    default:
      return Array.isArray(v) ? ['array', ''] : ['object', '']
  }
}

function isInt(v: number): boolean {
  return valueInfo(v)[0] === 'integer'
}

/** swag.IsFloat64AJSONInteger: an integer, or above one by a relative error below 1e-9. */
function isJSONInteger(f: number): boolean {
  if (!Number.isFinite(f) || Math.abs(f) > 2 ** 53 - 1) return false
  if (Number.isInteger(f)) return true
  if (f < 0) return false // Go converts a negative float to uint64 for this test: never close.
  const g = Math.trunc(f)
  const diff = f - g
  if (g === 0) return diff < 1e-9 * 5e-324
  return diff / (f + g) < 1e-9
}

function typesOf(s: JSONSchemaProps): string[] {
  if (s['x-kubernetes-int-or-string']) return ['integer', 'string']
  return s.type ? [s.type] : []
}

function invalidType(name: string, typeName: string, value: string): OpenAPIError {
  return { code: 'type', name, value, message: `${name} in ${IN} must be of type ${typeName}: ${goQuote(value)}` }
}

/** typeValidator, including its format quirks (a formatted string schema lets arrays through, as in Kubernetes). */
function validateType(v: unknown, s: JSONSchemaProps, name: string, errs: OpenAPIError[]): void {
  const types = typesOf(s)
  const format = effectiveFormat(s.format)
  if (types.length === 0 && format === '') return
  if (v === null || v === undefined) {
    if (types.length > 0 && !types.includes('null') && !s.nullable)
      errs.push(invalidType(name, types.join(','), 'null'))
    return
  }
  const [schType, valueFormat] = valueInfo(v)
  const stringOrSlice = typeof v === 'string' || Array.isArray(v)
  const isFloatInt = schType === 'number' && isJSONInteger(v as number) && types.includes('integer')
  const isIntFloat = schType === 'integer' && types.includes('number')
  if (
    !stringOrSlice &&
    format !== '' &&
    !(types.includes(schType) || valueFormat === format || isFloatInt || isIntFloat)
  ) {
    errs.push(invalidType(name, format, valueFormat))
    return
  }
  if (!(types.includes('number') || types.includes('integer')) && format !== '' && stringOrSlice) return
  if (!(types.includes(schType) || isFloatInt || isIntFloat)) errs.push(invalidType(name, types.join(','), schType))
}

function validateString(v: string, s: JSONSchemaProps, name: string, errs: OpenAPIError[]): void {
  // utf8.RuneCount: code points, not UTF-16 units.
  const length = s.maxLength !== undefined || s.minLength !== undefined ? [...v].length : 0
  if (s.maxLength !== undefined && length > s.maxLength) {
    errs.push({
      code: 'tooLong',
      name,
      value: v,
      limit: s.maxLength,
      message: `${name} in ${IN} should be at most ${s.maxLength} chars long`,
    })
    return
  }
  if (s.minLength !== undefined && length < s.minLength) {
    errs.push({
      code: 'tooShort',
      name,
      value: v,
      message: `${name} in ${IN} should be at least ${s.minLength} chars long`,
    })
    return
  }
  if (s.pattern) {
    const re = compilePattern(s.pattern)
    if (re instanceof Error) {
      errs.push({
        code: 'pattern',
        name,
        value: v,
        message: `${name} in ${IN} should match '${s.pattern}, but pattern is invalid: error parsing regexp: ${re.message}'`,
      })
    } else if (!re.test(v)) {
      errs.push({ code: 'pattern', name, value: v, message: `${name} in ${IN} should match '${s.pattern}'` })
    }
  }
}

function validateFormat(v: string, s: JSONSchemaProps, name: string, errs: OpenAPIError[]): void {
  const format = effectiveFormat(s.format)
  if (format !== '' && !checkFormat(format, v)) errs.push(invalidType(name, format, v))
}

/**
 * numberValidator. An integer value is checked against int64(bound) and the bound is printed as
 * an integer (so minimum 1.5 lets 1 through, as in Kubernetes); a float value against the float
 * bound, printed with Go's %v.
 */
function validateNumber(v: number, s: JSONSchemaProps, name: string, errs: OpenAPIError[]): void {
  const int = isInt(v)
  if (s.multipleOf !== undefined) {
    const factor = s.multipleOf
    const intFactor = Math.trunc(factor)
    if (int && intFactor !== 0) {
      if (intFactor < 0) {
        errs.push({
          code: 'multipleOfPositive',
          name,
          value: intFactor,
          message: `factor MultipleOf declared for ${name} must be positive: ${intFactor}`,
        })
      } else if (v % intFactor !== 0) {
        errs.push({
          code: 'multipleOf',
          name,
          value: v,
          message: `${name} in ${IN} should be a multiple of ${intFactor}`,
        })
      }
    } else if (factor < 0) {
      errs.push({
        code: 'multipleOfPositive',
        name,
        value: factor,
        message: `factor MultipleOf declared for ${name} must be positive: ${goFloat(factor)}`,
      })
    } else if (!isJSONInteger(factor < 1 ? (1 / factor) * v : v / factor)) {
      errs.push({
        code: 'multipleOf',
        name,
        value: v,
        message: `${name} in ${IN} should be a multiple of ${goFloat(factor)}`,
      })
    }
  }
  if (s.minimum !== undefined) {
    const min = int ? Math.trunc(s.minimum) : s.minimum
    const excl = s.exclusiveMinimum === true
    if ((!excl && v < min) || (excl && v <= min)) {
      const bound = int ? goInt(min) : goFloat(min)
      const rel = excl ? 'greater than' : 'greater than or equal to'
      errs.push({ code: 'minimum', name, value: v, message: `${name} in ${IN} should be ${rel} ${bound}` })
    }
  }
  if (s.maximum !== undefined) {
    const max = int ? Math.trunc(s.maximum) : s.maximum
    const excl = s.exclusiveMaximum === true
    if ((!excl && v > max) || (excl && v >= max)) {
      const bound = int ? goInt(max) : goFloat(max)
      const rel = excl ? 'less than' : 'less than or equal to'
      errs.push({ code: 'maximum', name, value: v, message: `${name} in ${IN} should be ${rel} ${bound}` })
    }
  }
}

function validateArray(v: unknown[], s: JSONSchemaProps, name: string, errs: OpenAPIError[]): void {
  const items = s.items
  if (items !== undefined) {
    if (Array.isArray(items)) {
      const tuple = items as readonly JSONSchemaProps[]
      for (let i = 0; i < tuple.length && i < v.length; i++) walk(v[i], tuple[i], `${name}[${i}]`, errs)
    } else {
      const item = items as JSONSchemaProps
      for (let i = 0; i < v.length; i++) walk(v[i], item, `${name}[${i}]`, errs)
    }
  }
  const size = v.length
  if (s.minItems !== undefined && size < s.minItems) {
    errs.push({
      code: 'minItems',
      name,
      value: size,
      message: `${name} in ${IN} should have at least ${s.minItems} items`,
    })
  }
  if (s.maxItems !== undefined && size > s.maxItems) {
    errs.push({
      code: 'maxItems',
      name,
      value: size,
      limit: s.maxItems,
      message: `${name} in ${IN} should have at most ${s.maxItems} items`,
    })
  }
  if (s.uniqueItems && hasDuplicates(v)) {
    errs.push({ code: 'unique', name, value: undefined, message: `${name} in ${IN} shouldn't contain duplicates` })
  }
}

function hasDuplicates(v: unknown[]): boolean {
  const scalars = new Set<unknown>()
  const compounds = new Set<string>()
  for (const x of v) {
    if (x !== null && typeof x === 'object') {
      const k = goJSON(x)
      if (compounds.has(k)) return true
      compounds.add(k)
    } else {
      if (scalars.has(x)) return true
      scalars.add(x)
    }
  }
  return false
}

/** basicCommonValidator: enum. A null never matches (kube-openapi skips nil enum members). */
function validateEnum(v: unknown, s: JSONSchemaProps, name: string, errs: OpenAPIError[]): void {
  const values = s.enum
  if (values === undefined || values.length === 0) return
  if (v !== null && v !== undefined) {
    for (const e of values) if (e !== null && deepEqual(v, e)) return
  }
  errs.push({
    code: 'enum',
    name,
    value: v ?? null,
    values,
    message: `${name} in ${IN} should be one of [${values.map((e) => (typeof e === 'string' ? e : goJSON(e))).join(' ')}]`,
  })
}

function validateObject(v: Record<string, unknown>, s: JSONSchemaProps, name: string, errs: OpenAPIError[]): void {
  const keys = Object.keys(v)
  const n = keys.length
  // Kubernetes stops at a property-count failure: nothing inside the object is validated then.
  if (s.minProperties !== undefined && n < s.minProperties) {
    errs.push({
      code: 'minProperties',
      name,
      value: n,
      message: `${name} in ${IN} should have at least ${s.minProperties} properties`,
    })
    return
  }
  if (s.maxProperties !== undefined && n > s.maxProperties) {
    errs.push({
      code: 'maxProperties',
      name,
      value: n,
      limit: s.maxProperties,
      message: `${name} in ${IN} should have at most ${s.maxProperties} properties`,
    })
    return
  }
  const props = s.properties
  const ap = s.additionalProperties
  if (ap === false) {
    for (const k of keys) {
      if (own(props, k) === undefined) {
        errs.push({
          code: 'forbiddenProperty',
          name,
          value: k,
          message: `${name}.${k} in ${IN} is a forbidden property`,
        })
      }
    }
  } else if (typeof ap === 'object' && ap !== null) {
    for (const k of keys) if (own(props, k) === undefined) walk(v[k], ap, `${name}.${k}`, errs)
  }
  if (props !== undefined) {
    for (const p of Object.keys(props)) {
      if (Object.hasOwn(v, p)) walk(v[p], props[p], name === '' ? p : `${name}.${p}`, errs)
    }
  }
  for (const r of s.required ?? []) {
    if (!Object.hasOwn(v, r))
      errs.push({
        code: 'required',
        name: `${name}.${r}`,
        value: undefined,
        message: `${name}.${r} in ${IN} is required`,
      })
  }
}

/**
 * allOf / anyOf / oneOf / not. For a failed anyOf or oneOf Kubernetes adds the errors of the
 * branch that got furthest (the most passing checks, "MatchCount"); we take the branch with the
 * fewest errors, the first on a tie, which picks the same branch in the usual shapes.
 */
function validateJunctors(v: unknown, s: JSONSchemaProps, name: string, errs: OpenAPIError[]): void {
  const run = (sub: JSONSchemaProps): OpenAPIError[] => {
    const out: OpenAPIError[] = []
    walk(v, sub, name, out)
    return out
  }
  if (s.anyOf && s.anyOf.length > 0) {
    let best: OpenAPIError[] | undefined
    let ok = false
    for (const sub of s.anyOf) {
      const r = run(sub)
      if (r.length === 0) {
        ok = true
        break
      }
      if (best === undefined || r.length < best.length) best = r
    }
    if (!ok) {
      errs.push({ code: 'composite', message: `${goQuote(name)} must validate at least one schema (anyOf)` })
      errs.push(...(best ?? []))
    }
  }
  if (s.oneOf && s.oneOf.length > 0) {
    let best: OpenAPIError[] | undefined
    let valid = 0
    for (const sub of s.oneOf) {
      const r = run(sub)
      if (r.length === 0) {
        valid++
        best = undefined
        continue
      }
      if (valid === 0 && (best === undefined || r.length < best.length)) best = r
    }
    if (valid !== 1) {
      const more = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`
      errs.push({
        code: 'composite',
        message: `${goQuote(name)} must validate one and only one schema (oneOf). ${more}`,
      })
      errs.push(...(best ?? []))
    }
  }
  if (s.allOf && s.allOf.length > 0) {
    let valid = 0
    for (const sub of s.allOf) {
      const r = run(sub)
      if (r.length === 0) valid++
      errs.push(...r)
    }
    if (valid !== s.allOf.length) {
      errs.push({
        code: 'composite',
        message: `${goQuote(name)} must validate all the schemas (allOf)${valid === 0 ? '. None validated' : ''}`,
      })
    }
  }
  if (s.not !== undefined && run(s.not).length === 0) {
    errs.push({ code: 'composite', message: `${goQuote(name)} must not validate the schema (not)` })
  }
}

/** SchemaValidator.Validate: every applicable validator, in kube-openapi's order. */
export function walk(v: unknown, s: JSONSchemaProps, name: string, errs: OpenAPIError[]): void {
  if (v === null || v === undefined) {
    // For null only the type and enum validators run.
    validateType(v, s, name, errs)
    validateEnum(v, s, name, errs)
    return
  }
  validateType(v, s, name, errs)
  validateJunctors(v, s, name, errs)
  if (typeof v === 'string') {
    validateString(v, s, name, errs)
    validateFormat(v, s, name, errs)
  }
  if (typeof v === 'number') validateNumber(v, s, name, errs)
  if (Array.isArray(v)) validateArray(v, s, name, errs)
  validateEnum(v, s, name, errs)
  if (isObject(v)) validateObject(v, s, name, errs)
}
