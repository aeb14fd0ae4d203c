// networking.k8s.io/v1 NetworkPolicy. Columns: printers.go networkPolicyColumnDefinitioins /
// printNetworkPolicy.

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import { DOC } from '../docs.ts'
import { rec } from '../json.ts'
import { ageColumn, column, formatLabelSelector } from '../printing.ts'

export const networkPolicy: KindDef = defineKind({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  scope: 'Namespaced',
  shortNames: ['netpol'],
  generation: 'spec',
  columns: [
    column('Pod-Selector', DOC.networkPolicySpecPodSelector, (o) => formatLabelSelector(rec(o.spec).podSelector)),
    ageColumn(),
  ],
})
