// core/v1 Endpoints. Columns: printers.go endpointColumnDefinitions / formatEndpoints.

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { DOC } from '../docs.ts'
import { arr, num, rec, str } from '../json.ts'
import { ageColumn, column } from '../printing.ts'

const hostPort = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`)

/** formatEndpoints: up to 3 "ip:port" pairs, then " + N more...", "<none>" without subsets. */
export function formatEndpoints(ep: KubeObject): string {
  const subsets = arr(ep.subsets).map(rec)
  if (subsets.length === 0) return '<none>'
  const max = 3
  const list: string[] = []
  let more = false
  let count = 0
  for (const ss of subsets) {
    const addresses = arr(ss.addresses).map(rec)
    const ports = arr(ss.ports).map(rec)
    if (ports.length === 0) {
      // It's possible to have headless services with no ports.
      count += addresses.length
      for (const a of addresses) {
        if (list.length === max) {
          more = true
          break
        }
        list.push(str(a.ip))
      }
      continue
    }
    for (const p of ports) {
      count += addresses.length
      for (const a of addresses) {
        if (list.length === max) {
          more = true
          break
        }
        list.push(hostPort(str(a.ip), num(p.port)))
      }
    }
  }
  const ret = list.join(',')
  return more ? `${ret} + ${count - max} more...` : ret
}

export const endpoints: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  scope: 'Namespaced',
  shortNames: ['ep'],
  columns: [column('Endpoints', DOC.endpointsSubsets, formatEndpoints), ageColumn()],
})
