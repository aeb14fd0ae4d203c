// Helpers shared by the CRD schema checks: field.Path-style paths into a schema.

import { child, index, type JSONSchemaProps, key } from './types.ts'

export const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata'])

/** "<path>.properties[name]" */
export const prop = (path: string, name: string): string => key(child(path, 'properties'), name)

/** Calls fn with each schema of a list keyword and its path ("allOf[0]"). */
export function eachOf(
  list: readonly JSONSchemaProps[] | undefined,
  path: string,
  name: string,
  fn: (s: JSONSchemaProps, path: string, i: number) => void,
): void {
  if (list === undefined) return
  for (let i = 0; i < list.length; i++) fn(list[i], index(child(path, name), i), i)
}
