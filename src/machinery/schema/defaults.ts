// Structural defaulting, as apiextensions' pkg/apiserver/schema/defaulting:
//
//  1. PruneNonNullableNullsWithoutDefaults: a null where the schema does not allow null
//     (nullable unset or false) and has no default is removed from its object, as if the field
//     had not been sent. Nulls inside arrays stay (there is nothing to remove them to).
//  2. Default: for every object, each property with a `default` that is absent — or null while
//     not nullable — gets a deep copy of the default. Then every field is walked, including the
//     ones just defaulted, so defaults nested in a default's schema apply after it ("nested
//     defaults applied after the parent default"). Null map values (additionalProperties) and
//     null list items that are not nullable get their schema's default the same way.
//     A nullable: true field that is null keeps its null and gets no default.
//
// Kubernetes runs step 1 right after pruning and step 2 before validation; applyDefaults runs
// both. Defaults are declared values, copied, never shared with the schema.

import { additionalSchema, deepCopy, isObject, itemSchema, type JSONSchemaProps, own, setOwn } from './types.ts'

function schemaForField(field: string, s: JSONSchemaProps | undefined): JSONSchemaProps | undefined {
  if (s === undefined) return undefined
  return own(s.properties, field) ?? additionalSchema(s)
}

function isNonNullableNull(x: unknown, s: JSONSchemaProps | undefined): boolean {
  return x === null && s !== undefined && !s.nullable
}

/** Step 1 above: removes non-nullable nulls that have no default. */
export function pruneNonNullableNulls(x: unknown, s: JSONSchemaProps | undefined): void {
  if (isObject(x)) {
    for (const k of Object.keys(x)) {
      const fs = schemaForField(k, s)
      if (isNonNullableNull(x[k], fs) && fs?.default == null) delete x[k]
      else pruneNonNullableNulls(x[k], fs)
    }
  } else if (Array.isArray(x)) {
    const items = itemSchema(s)
    for (const v of x) pruneNonNullableNulls(v, items)
  }
}

/** Step 2 above: structuraldefaulting.Default. */
function defaultValues(x: unknown, s: JSONSchemaProps | undefined): void {
  if (s === undefined) return
  if (isObject(x)) {
    const props = s.properties ?? {}
    for (const k of Object.keys(props)) {
      const prop = props[k]
      if (prop.default == null) continue
      if (!Object.hasOwn(x, k) || isNonNullableNull(x[k], prop)) setOwn(x, k, deepCopy(prop.default))
    }
    const ap = additionalSchema(s)
    for (const k of Object.keys(x)) {
      const prop = own(s.properties, k)
      if (prop !== undefined) defaultValues(x[k], prop)
      else if (ap !== undefined) {
        if (isNonNullableNull(x[k], ap) && ap.default != null) setOwn(x, k, deepCopy(ap.default))
        defaultValues(x[k], ap)
      }
    }
  } else if (Array.isArray(x)) {
    const items = itemSchema(s)
    if (items === undefined) return
    for (let i = 0; i < x.length; i++) {
      if (isNonNullableNull(x[i], items) && items.default != null) x[i] = deepCopy(items.default)
      defaultValues(x[i], items)
    }
  }
}

/** Applies `schema`'s defaults to `value` in place (after removing non-nullable nulls without one). */
export function applyDefaults(value: unknown, schema: JSONSchemaProps): void {
  pruneNonNullableNulls(value, schema)
  defaultValues(value, schema)
}
