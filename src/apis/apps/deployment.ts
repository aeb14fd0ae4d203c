// apps/v1 Deployment. Columns: printers.go deploymentColumnDefinitions / printDeployment.

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import { DOC } from '../docs.ts'
import { ensure, type Json, num, rec, setDefault } from '../json.ts'
import { ageColumn, column, containerColumns, labelSelectorString, templateSpec } from '../printing.ts'
import { defaultReplicas, replicasScale, workloadHooks } from './workload.ts'

/** SetDefaults_Deployment (apps/v1). */
function defaults(spec: Json): void {
  defaultReplicas(spec)
  const strategy = ensure(spec, 'strategy')
  setDefault(strategy, 'type', 'RollingUpdate')
  if (strategy.type === 'RollingUpdate') {
    const ru = ensure(strategy, 'rollingUpdate')
    setDefault(ru, 'maxUnavailable', '25%')
    setDefault(ru, 'maxSurge', '25%')
  }
  setDefault(spec, 'revisionHistoryLimit', 10)
  setDefault(spec, 'progressDeadlineSeconds', 600)
}

export const deployment: KindDef = defineKind({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  scope: 'Namespaced',
  shortNames: ['deploy'],
  categories: ['all'],
  generation: 'spec',
  subresources: { status: true, scale: replicasScale },
  columns: [
    column(
      'Ready',
      'Number of the pod with ready state',
      (o) => `${num(rec(o.status).readyReplicas)}/${num(rec(o.spec).replicas)}`,
    ),
    column('Up-to-date', DOC.deploymentStatusUpdatedReplicas, (o) => num(rec(o.status).updatedReplicas)),
    column('Available', DOC.deploymentStatusAvailableReplicas, (o) => num(rec(o.status).availableReplicas)),
    ageColumn(),
    ...containerColumns(templateSpec),
    // printDeployment prints selector.String() (empty for an empty selector), "<invalid>" on error.
    column('Selector', DOC.deploymentSpecSelector, (o) => labelSelectorString(rec(o.spec).selector) ?? '<invalid>', {
      priority: 1,
    }),
  ],
  ...workloadHooks('deployment', defaults),
})
