// apps/v1 ReplicaSet. Columns: printers.go replicaSetColumnDefinitions / printReplicaSet.

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import { DOC } from '../docs.ts'
import { num, rec } from '../json.ts'
import { ageColumn, column } from '../printing.ts'
import { defaultReplicas, replicasScale, wideColumns, workloadHooks } from './workload.ts'

export const replicaSet: KindDef = defineKind({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  scope: 'Namespaced',
  shortNames: ['rs'],
  categories: ['all'],
  generation: 'spec',
  subresources: { status: true, scale: replicasScale },
  columns: [
    column('Desired', DOC.replicaSetSpecReplicas, (o) => num(rec(o.spec).replicas), { type: 'integer' }),
    column('Current', DOC.replicaSetStatusReplicas, (o) => num(rec(o.status).replicas), { type: 'integer' }),
    column('Ready', DOC.replicaSetStatusReadyReplicas, (o) => num(rec(o.status).readyReplicas), { type: 'integer' }),
    ageColumn(),
    ...wideColumns(DOC.replicaSetSpecSelector),
  ],
  // pkg/apis/apps/v1 conversion: ReplicaSet field label status.replicas
  fieldSelectors: { 'status.replicas': (o) => String(num(rec(o.status).replicas)) },
  // ReplicaSet validation reuses Deployment's "empty selector is invalid for deployment".
  ...workloadHooks('deployment', defaultReplicas),
})
