// Storage key layout, as kube-apiserver lays out etcd:
//   /registry/<group or "core">/<resource>/<namespace>/<name>   (namespaced)
//   /registry/<group or "core">/<resource>/<name>               (cluster-scoped)
// A trailing "/" on prefixes keeps namespace "a" from matching namespace "ab".

import type { KindDef } from '../../machinery/kinds.ts'

export function resourcePrefix(def: Pick<KindDef, 'group' | 'plural'>): string {
  return `/registry/${def.group || 'core'}/${def.plural}/`
}

export function collectionPrefix(def: Pick<KindDef, 'group' | 'plural' | 'scope'>, namespace: string): string {
  const base = resourcePrefix(def)
  return def.scope === 'Namespaced' && namespace ? `${base}${namespace}/` : base
}

export function objectKey(def: Pick<KindDef, 'group' | 'plural' | 'scope'>, namespace: string, name: string): string {
  const base = resourcePrefix(def)
  return def.scope === 'Namespaced' ? `${base}${namespace}/${name}` : `${base}${name}`
}
