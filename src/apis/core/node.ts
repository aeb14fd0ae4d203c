// core/v1 Node. Columns: printers.go nodeColumnDefinitions / printNode (STATUS from the Ready
// condition plus SchedulingDisabled, ROLES from node-role.kubernetes.io/* labels).

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { DOC } from '../docs.ts'
import { arr, rec, str } from '../json.ts'
import { ageColumn, column, joinOrNone } from '../printing.ts'

export function nodeStatus(node: KubeObject): string {
  const status: string[] = []
  const ready = arr(rec(node.status).conditions)
    .map(rec)
    .filter((c) => c.type === 'Ready')
    .pop()
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady')
  else status.push('Unknown')
  if (rec(node.spec).unschedulable === true) status.push('SchedulingDisabled')
  return status.join(',')
}

/** findNodeRoles: node-role.kubernetes.io/<role> keys and the kubernetes.io/role value, sorted. */
export function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>()
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length)
      if (role !== '') roles.add(role)
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v)
  }
  return joinOrNone([...roles].sort())
}

function address(node: KubeObject, type: string): string {
  const a = arr(rec(node.status).addresses)
    .map(rec)
    .find((a) => a.type === type)
  return a ? str(a.address) : '<none>'
}

const nodeInfo = (node: KubeObject, field: string): string => str(rec(rec(node.status).nodeInfo)[field])
const orUnknown = (s: string): string => s || '<unknown>'

export const node: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  scope: 'Cluster',
  shortNames: ['no'],
  subresources: { status: true },
  columns: [
    column('Status', 'The status of the node', nodeStatus),
    column('Roles', 'The roles of the node', nodeRoles),
    ageColumn(),
    column('Version', DOC.kubeletVersion, (o) => nodeInfo(o, 'kubeletVersion')),
    column('Internal-IP', DOC.nodeStatusAddresses, (o) => address(o, 'InternalIP'), { priority: 1 }),
    column('External-IP', DOC.nodeStatusAddresses, (o) => address(o, 'ExternalIP'), { priority: 1 }),
    column('OS-Image', DOC.osImage, (o) => orUnknown(nodeInfo(o, 'osImage')), { priority: 1 }),
    column('Kernel-Version', DOC.kernelVersion, (o) => orUnknown(nodeInfo(o, 'kernelVersion')), { priority: 1 }),
    column('Container-Runtime', DOC.containerRuntimeVersion, (o) => orUnknown(nodeInfo(o, 'containerRuntimeVersion')), {
      priority: 1,
    }),
  ],
  // pkg/registry/core/node/strategy.go NodeToSelectableFields
  fieldSelectors: { 'spec.unschedulable': (o) => String(rec(o.spec).unschedulable === true) },
})
