// core/v1 PersistentVolume and PersistentVolumeClaim. Columns: printers.go
// persistentVolumeColumnDefinitions / printPersistentVolume and the PVC equivalents.

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { DOC } from '../docs.ts'
import { arr, ensure, rec, setDefault, str } from '../json.ts'
import { ageColumn, column, quantity, timestampMs } from '../printing.ts'

/** helper.GetAccessModesAsString: the short forms in a fixed order. */
export function accessModes(modes: unknown): string {
  const list = arr(modes)
  const short: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ]
  return short
    .filter(([mode]) => list.includes(mode))
    .map(([, s]) => s)
    .join(',')
}

/** GetPersistentVolume(Claim)Class: the beta annotation wins over spec.storageClassName. */
function storageClass(o: KubeObject): string {
  const annotation = o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class']
  return annotation ?? str(rec(o.spec).storageClassName)
}

function phase(o: KubeObject): string {
  return timestampMs(o.metadata.deletionTimestamp) !== null ? 'Terminating' : str(rec(o.status).phase)
}

const unset = (v: unknown): string => (typeof v === 'string' ? v : '<unset>')

/** SetDefaults_PersistentVolumeClaim and the strategy's PrepareForCreate: phase Pending. */
function prepareClaim(o: KubeObject): void {
  setDefault(ensure(o, 'spec'), 'volumeMode', 'Filesystem')
  o.status = { phase: 'Pending' }
}

/** SetDefaults_PersistentVolume: reclaim policy Retain, and phase Pending. */
function prepareVolume(o: KubeObject): void {
  setDefault(ensure(o, 'spec'), 'persistentVolumeReclaimPolicy', 'Retain')
  prepareClaim(o)
}

export const persistentVolume: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  scope: 'Cluster',
  shortNames: ['pv'],
  subresources: { status: true },
  columns: [
    column('Capacity', DOC.pvSpecCapacity, (o) => quantity(rec(rec(o.spec).capacity).storage)),
    column('Access Modes', DOC.pvSpecAccessModes, (o) => accessModes(rec(o.spec).accessModes)),
    column('Reclaim Policy', DOC.pvSpecReclaimPolicy, (o) => str(rec(o.spec).persistentVolumeReclaimPolicy)),
    column('Status', DOC.pvStatusPhase, phase),
    column('Claim', DOC.pvSpecClaimRef, (o) => {
      const ref = rec(o.spec).claimRef
      return ref && typeof ref === 'object' ? `${str(rec(ref).namespace)}/${str(rec(ref).name)}` : ''
    }),
    column('StorageClass', 'StorageClass of the pv', storageClass),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the pv', (o) =>
      unset(rec(o.spec).volumeAttributesClassName),
    ),
    column('Reason', DOC.pvStatusReason, (o) => str(rec(o.status).reason)),
    ageColumn(),
    column('VolumeMode', DOC.pvSpecVolumeMode, (o) => unset(rec(o.spec).volumeMode), { priority: 1 }),
  ],
  prepareForCreate: prepareVolume,
})

const bound = (o: KubeObject): boolean => str(rec(o.spec).volumeName) !== ''

export const persistentVolumeClaim: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  scope: 'Namespaced',
  shortNames: ['pvc'],
  subresources: { status: true },
  columns: [
    column('Status', DOC.pvcStatusPhase, phase),
    column('Volume', DOC.pvcSpecVolumeName, (o) => str(rec(o.spec).volumeName)),
    column('Capacity', DOC.pvcStatusCapacity, (o) => (bound(o) ? quantity(rec(rec(o.status).capacity).storage) : '')),
    column('Access Modes', DOC.pvcStatusAccessModes, (o) => (bound(o) ? accessModes(rec(o.status).accessModes) : '')),
    column('StorageClass', 'StorageClass of the pvc', storageClass),
    column('VolumeAttributesClass', 'VolumeAttributesClass of the pvc', (o) =>
      unset(rec(o.spec).volumeAttributesClassName),
    ),
    ageColumn(),
    column('VolumeMode', DOC.pvcSpecVolumeMode, (o) => unset(rec(o.spec).volumeMode), { priority: 1 }),
  ],
  prepareForCreate: prepareClaim,
})
