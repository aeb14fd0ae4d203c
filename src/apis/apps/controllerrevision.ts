// apps/v1 ControllerRevision. Columns: printers.go controllerRevisionColumnDefinition /
// printControllerRevision (CONTROLLER as "kind.group/name" of the controller owner).

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { DOC } from '../docs.ts'
import { num } from '../json.ts'
import { ageColumn, column } from '../printing.ts'

/** formatResourceName(GroupKind, name, withKind=true) of metav1.GetControllerOf(obj). */
export function controllerOf(obj: KubeObject): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true)
  if (!ref) return '<none>'
  const slash = ref.apiVersion.indexOf('/')
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : ''
  const groupKind = group ? `${ref.kind}.${group}` : ref.kind
  return groupKind ? `${groupKind.toLowerCase()}/${ref.name}` : ref.name
}

export const controllerRevision: KindDef = defineKind({
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  scope: 'Namespaced',
  columns: [
    column('Controller', 'Controller of the object', controllerOf),
    column('Revision', DOC.controllerRevisionRevision, (o) => num(o.revision)),
    ageColumn(),
  ],
})
