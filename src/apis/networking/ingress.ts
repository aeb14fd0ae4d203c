// networking.k8s.io/v1 Ingress. Columns: printers.go ingressColumnDefinitions / printIngress
// (formatHosts, ingressLoadBalancerStatusStringer, formatPorts).

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { loadBalancerIngress } from '../core/service.ts'
import { arr, rec, str } from '../json.ts'
import { ageColumn, column } from '../printing.ts'

/** formatHosts: up to 3 hosts, " + N more..." (counting all rules), "*" when none. */
export function formatHosts(ing: KubeObject): string {
  const rules = arr(rec(ing.spec).rules).map(rec)
  const max = 3
  const list: string[] = []
  let more = false
  for (const rule of rules) {
    if (list.length === max) more = true
    if (!more && str(rule.host) !== '') list.push(str(rule.host))
  }
  if (list.length === 0) return '*'
  const ret = list.join(',')
  return more ? `${ret} + ${rules.length - max} more...` : ret
}

export const ingress: KindDef = defineKind({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  plural: 'ingresses',
  scope: 'Namespaced',
  shortNames: ['ing'],
  generation: 'spec',
  subresources: { status: true },
  columns: [
    column('Class', 'The name of the IngressClass resource that should be used for additional configuration', (o) => {
      const c = rec(o.spec).ingressClassName
      return typeof c === 'string' ? c : '<none>'
    }),
    column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule', formatHosts),
    column('Address', 'Address is a list containing ingress points for the load-balancer', (o) =>
      loadBalancerIngress(rec(o.status).loadBalancer),
    ),
    column('Ports', 'Ports of TLS configurations that open', (o) =>
      arr(rec(o.spec).tls).length > 0 ? '80, 443' : '80',
    ),
    ageColumn(),
  ],
})
