// The coordination.k8s.io group, v1: Lease. Columns: printers.go leaseColumnDefinitions.

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import { DOC } from '../docs.ts'
import { rec, str } from '../json.ts'
import { ageColumn, column } from '../printing.ts'

export const lease: KindDef = defineKind({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  scope: 'Namespaced',
  columns: [column('Holder', DOC.leaseSpecHolderIdentity, (o) => str(rec(o.spec).holderIdentity)), ageColumn()],
})

export const coordinationKinds: KindDef[] = [lease]
