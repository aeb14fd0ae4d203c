// core/v1 ResourceQuota and LimitRange. Columns: printers.go resourceQuotaColumnDefinitions /
// printResourceQuota; LimitRange has no printer, so it gets the default "Created At" table.

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { rec } from '../json.ts'
import { ageColumn, column, createdAtColumn, quantity } from '../printing.ts'

/** printResourceQuota: "name: used/hard" per status.hard resource, limits.* in the LIMIT column. */
function quotaCells(rq: KubeObject): { request: string; limit: string } {
  const status = rec(rq.status)
  const hard = rec(status.hard)
  const used = rec(status.used)
  const request: string[] = []
  const limit: string[] = []
  for (const name of Object.keys(hard).sort()) {
    const pieces = name.split('.')
    const target = pieces.length > 1 && pieces[0] === 'limits' ? limit : request
    target.push(`${name}: ${quantity(used[name])}/${quantity(hard[name])}`)
  }
  return { request: request.join(', '), limit: limit.join(', ') }
}

export const resourceQuota: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  scope: 'Namespaced',
  shortNames: ['quota'],
  subresources: { status: true },
  columns: [
    column(
      'Request',
      'Request represents a minimum amount of cpu/memory that a container may consume.',
      (o) => quotaCells(o).request,
    ),
    column(
      'Limit',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
      (o) => quotaCells(o).limit,
    ),
    ageColumn(),
  ],
})

export const limitRange: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  scope: 'Namespaced',
  shortNames: ['limits'],
  columns: [createdAtColumn()],
})
