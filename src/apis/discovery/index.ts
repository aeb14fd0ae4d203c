// The discovery.k8s.io group, v1: EndpointSlice. Columns: printers.go
// endpointSliceColumnDefinitions / printEndpointSlice (formatDiscoveryPorts,
// formatDiscoveryEndpoints, listWithMoreString).

import { type FieldError, fieldNotSupported, fieldRequired } from '../../machinery/errors.ts'
import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { arr, rec, str } from '../json.ts'
import { ageColumn, column } from '../printing.ts'

const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN']

/** printers.go listWithMoreString: the first `max` items, " + N more..." or "<unset>" when empty. */
function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',')
  if (more) return `${ret} + ${count - max} more...`
  return ret === '' ? '<unset>' : ret
}

/** formatDiscoveryPorts: port numbers (or names, or "*" for all ports), at most 3. */
export function formatDiscoveryPorts(ports: unknown): string {
  const list: string[] = []
  const max = 3
  let more = false
  let count = 0
  for (const p of arr(ports).map(rec)) {
    if (list.length < max) {
      list.push(typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*')
    } else if (list.length === max) more = true
    count++
  }
  return listWithMore(list, more, count, max)
}

/** formatDiscoveryEndpoints: the endpoints' addresses, at most 3. */
export function formatDiscoveryEndpoints(endpoints: unknown): string {
  const list: string[] = []
  const max = 3
  let more = false
  let count = 0
  for (const ep of arr(endpoints).map(rec)) {
    for (const a of arr(ep.addresses)) {
      if (list.length < max) list.push(str(a))
      else if (list.length === max) more = true
      count++
    }
  }
  return listWithMore(list, more, count, max)
}

function validate(slice: KubeObject): FieldError[] {
  const t = slice.addressType
  if (t === undefined || t === null || t === '') return [fieldRequired('addressType')]
  if (!ADDRESS_TYPES.includes(str(t))) return [fieldNotSupported('addressType', t, ADDRESS_TYPES)]
  return []
}

export const endpointSlice: KindDef = defineKind({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  scope: 'Namespaced',
  // The registry sets generation 1 on create and bumps it when endpoints, ports or addressType change.
  generation: 'spec',
  columns: [
    column(
      'AddressType',
      'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.',
      (o) => str(o.addressType),
    ),
    column(
      'Ports',
      'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.',
      (o) => formatDiscoveryPorts(o.ports),
    ),
    column(
      'Endpoints',
      'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.',
      (o) => formatDiscoveryEndpoints(o.endpoints),
    ),
    ageColumn(),
  ],
  validate,
})

export const discoveryKinds: KindDef[] = [endpointSlice]
