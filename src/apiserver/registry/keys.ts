// Storage key layout, as kube-apiserver lays out etcd:
//   /registry/<group or "core">/<resource>/<namespace>/<name>   (namespaced)
//   /registry/<group or "core">/<resource>/<name>               (cluster-scoped)
// A trailing "/" on prefixes keeps namespace "a" from matching namespace "ab".

import type { KindDef } from '../../machinery/kinds.ts'

type KeyedKind = Pick<KindDef, 'group' | 'plural'> & Partial<Pick<KindDef, 'sharedStorage'>>

export function resourcePrefix(def: KeyedKind): string {
  const where = def.sharedStorage ?? def
  return `/registry/${where.group || 'core'}/${where.plural}/`
}

export function collectionPrefix(def: KeyedKind & Pick<KindDef, 'scope'>, namespace: string): string {
  const base = resourcePrefix(def)
  return def.scope === 'Namespaced' && namespace ? `${base}${namespace}/` : base
}

export function objectKey(def: KeyedKind & Pick<KindDef, 'scope'>, namespace: string, name: string): string {
  const base = resourcePrefix(def)
  return def.scope === 'Namespaced' ? `${base}${namespace}/${name}` : `${base}${name}`
}
