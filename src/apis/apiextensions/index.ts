// The apiextensions.k8s.io group, v1: CustomResourceDefinition. Like Kubernetes it has no
// printer, so it gets the default "Created At" table. The registry turns stored CRDs into
// KindDefs (custom: true); the naming/establishing conditions belong to a controller.

import { type FieldError, fieldInvalid, fieldNotSupported, fieldRequired } from '../../machinery/errors.ts'
import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { type JSONSchemaProps, validateStructuralSchema } from '../../machinery/schema/index.ts'
import { arr, ensure, rec, setDefault, str } from '../json.ts'
import { createdAtColumn } from '../printing.ts'

/** SetDefaults_CustomResourceDefinitionSpec: singular, listKind, conversion strategy. */
function defaults(crd: KubeObject): void {
  const spec = ensure(crd, 'spec')
  const names = ensure(spec, 'names')
  if (typeof names.kind === 'string' && names.kind !== '') {
    setDefault(names, 'singular', names.kind.toLowerCase())
    setDefault(names, 'listKind', `${names.kind}List`)
  }
  setDefault(ensure(spec, 'conversion'), 'strategy', 'None')
}

/** The first checks of ValidateCustomResourceDefinition users hit. */
function validate(crd: KubeObject): FieldError[] {
  const errs: FieldError[] = []
  const spec = rec(crd.spec)
  const names = rec(spec.names)
  const group = str(spec.group)
  const plural = str(names.plural)
  if (crd.metadata.name !== `${plural}.${group}`) {
    errs.push(fieldInvalid('metadata.name', crd.metadata.name ?? '', 'must be spec.names.plural+"."+spec.group'))
  }
  if (group === '') errs.push(fieldRequired('spec.group'))
  else if (!group.includes('.'))
    errs.push(fieldInvalid('spec.group', group, 'should be a domain with at least one dot'))
  if (plural === '') errs.push(fieldRequired('spec.names.plural'))
  if (str(names.kind) === '') errs.push(fieldRequired('spec.names.kind'))
  if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') {
    errs.push(fieldNotSupported('spec.scope', spec.scope ?? '', ['Cluster', 'Namespaced']))
  }
  const versions = arr(spec.versions).map(rec)
  if (versions.length === 0)
    errs.push(fieldInvalid('spec.versions', [], 'must have exactly one version marked as storage version'))
  else if (versions.filter((v) => v.storage === true).length !== 1) {
    errs.push(fieldInvalid('spec.versions', versions, 'must have exactly one version marked as storage version'))
  }
  versions.forEach((v, i) => {
    const schema = rec(v.schema).openAPIV3Schema
    const path = `spec.versions[${i}].schema.openAPIV3Schema`
    if (schema === undefined) errs.push(fieldRequired(path, 'schemas are required'))
    else errs.push(...validateStructuralSchema(schema as JSONSchemaProps, path))
  })
  return errs
}

export const customResourceDefinition: KindDef = defineKind({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  scope: 'Cluster',
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  generation: 'spec',
  subresources: { status: true },
  columns: [createdAtColumn()],
  prepareForCreate: defaults,
  prepareForUpdate: defaults,
  validate,
})

export const apiextensionsKinds: KindDef[] = [customResourceDefinition]
