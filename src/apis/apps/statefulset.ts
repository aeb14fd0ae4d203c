// apps/v1 StatefulSet. Columns: printers.go statefulSetColumnDefinitions / printStatefulSet.

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import { ensure, type Json, num, rec, setDefault } from '../json.ts'
import { ageColumn, column, containerColumns, templateSpec } from '../printing.ts'
import { defaultReplicas, replicasScale, workloadHooks } from './workload.ts'

/** SetDefaults_StatefulSet (apps/v1). */
function defaults(spec: Json): void {
  defaultReplicas(spec)
  setDefault(spec, 'podManagementPolicy', 'OrderedReady')
  const strategy = ensure(spec, 'updateStrategy')
  setDefault(strategy, 'type', 'RollingUpdate')
  if (strategy.type === 'RollingUpdate') setDefault(ensure(strategy, 'rollingUpdate'), 'partition', 0)
  setDefault(spec, 'revisionHistoryLimit', 10)
  const retention = ensure(spec, 'persistentVolumeClaimRetentionPolicy')
  setDefault(retention, 'whenDeleted', 'Retain')
  setDefault(retention, 'whenScaled', 'Retain')
}

export const statefulSet: KindDef = defineKind({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  scope: 'Namespaced',
  shortNames: ['sts'],
  categories: ['all'],
  generation: 'spec',
  subresources: { status: true, scale: replicasScale },
  columns: [
    column(
      'Ready',
      'Number of the pod with ready state',
      (o) => `${num(rec(o.status).readyReplicas)}/${num(rec(o.spec).replicas)}`,
    ),
    ageColumn(),
    ...containerColumns(templateSpec),
  ],
  ...workloadHooks('statefulset', defaults),
})
