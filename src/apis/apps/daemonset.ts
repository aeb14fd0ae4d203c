// apps/v1 DaemonSet. Columns: printers.go daemonSetColumnDefinitions / printDaemonSet.

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { DOC } from '../docs.ts'
import { ensure, type Json, num, rec, setDefault } from '../json.ts'
import { ageColumn, column, formatLabels, templateSpec } from '../printing.ts'
import { wideColumns, workloadHooks } from './workload.ts'

/** SetDefaults_DaemonSet (apps/v1). */
function defaults(spec: Json): void {
  const strategy = ensure(spec, 'updateStrategy')
  setDefault(strategy, 'type', 'RollingUpdate')
  if (strategy.type === 'RollingUpdate') {
    const ru = ensure(strategy, 'rollingUpdate')
    setDefault(ru, 'maxUnavailable', 1)
    setDefault(ru, 'maxSurge', 0)
  }
  setDefault(spec, 'revisionHistoryLimit', 10)
}

const status = (field: string) => (o: KubeObject) => num(rec(o.status)[field])

export const daemonSet: KindDef = defineKind({
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  scope: 'Namespaced',
  shortNames: ['ds'],
  categories: ['all'],
  generation: 'spec',
  subresources: { status: true },
  columns: [
    column('Desired', DOC.desiredNumberScheduled, status('desiredNumberScheduled'), { type: 'integer' }),
    column('Current', DOC.currentNumberScheduled, status('currentNumberScheduled'), { type: 'integer' }),
    column('Ready', DOC.numberReady, status('numberReady'), { type: 'integer' }),
    column('Up-to-date', DOC.updatedNumberScheduled, status('updatedNumberScheduled'), { type: 'integer' }),
    column('Available', DOC.numberAvailable, status('numberAvailable'), { type: 'integer' }),
    column('Node Selector', DOC.nodeSelector, (o) => formatLabels(templateSpec(o).nodeSelector)),
    ageColumn(),
    ...wideColumns(DOC.daemonSetSpecSelector),
  ],
  ...workloadHooks('daemonset', defaults),
})
