// The storage.k8s.io group, v1: StorageClass. Columns: printers.go
// storageClassColumnDefinitions / printStorageClass. Kubernetes also appends " (default)" to
// the NAME cell of the default class; NAME belongs to the table printer here.

import { type FieldError, fieldRequired } from '../../machinery/errors.ts'
import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { DOC } from '../docs.ts'
import { setDefault, str } from '../json.ts'
import { ageColumn, column } from '../printing.ts'

/** storageutil.IsDefaultAnnotation: the default-class annotation (GA or beta) is "true". */
export function isDefaultClass(sc: KubeObject): boolean {
  const a = sc.metadata.annotations ?? {}
  return (
    a['storageclass.kubernetes.io/is-default-class'] === 'true' ||
    a['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
  )
}

/** SetDefaults_StorageClass. */
function defaults(sc: KubeObject): void {
  setDefault(sc, 'reclaimPolicy', 'Delete')
  setDefault(sc, 'volumeBindingMode', 'Immediate')
}

function validate(sc: KubeObject): FieldError[] {
  return str(sc.provisioner) === '' ? [fieldRequired('provisioner')] : []
}

export const storageClass: KindDef = defineKind({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  scope: 'Cluster',
  shortNames: ['sc'],
  columns: [
    column('Provisioner', DOC.storageClassProvisioner, (o) => str(o.provisioner)),
    column('ReclaimPolicy', DOC.storageClassReclaimPolicy, (o) => str(o.reclaimPolicy) || 'Delete'),
    column('VolumeBindingMode', DOC.storageClassVolumeBindingMode, (o) => str(o.volumeBindingMode) || 'Immediate'),
    column('AllowVolumeExpansion', DOC.storageClassAllowVolumeExpansion, (o) => o.allowVolumeExpansion === true),
    ageColumn(),
  ],
  prepareForCreate: defaults,
  prepareForUpdate: defaults,
  validate,
})

export const storageKinds: KindDef[] = [storageClass]
