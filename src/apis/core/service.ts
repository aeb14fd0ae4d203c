// core/v1 Service. Columns: printers.go serviceColumnDefinitions / printService
// (getServiceExternalIP, makePortString).

import { type FieldError, fieldInvalid, fieldNotSupported, fieldRequired } from '../../machinery/errors.ts'
import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { DOC } from '../docs.ts'
import { arr, ensure, type Json, num, rec, setDefault, str } from '../json.ts'
import { ageColumn, column, formatLabels, joinOrNone } from '../printing.ts'
import { duplicate, isDNS1035Label, isDNS1123Label } from '../validation.ts'

/** printers.go loadBalancerStatusStringer with wide=true (the server prints wide): sorted, unique. */
export function loadBalancerIngress(status: unknown): string {
  const set = new Set<string>()
  for (const i of arr(rec(status).ingress).map(rec)) {
    if (str(i.ip) !== '') set.add(str(i.ip))
    else if (str(i.hostname) !== '') set.add(str(i.hostname))
  }
  return [...set].sort().join(',')
}

function externalIP(svc: KubeObject): string {
  const spec = rec(svc.spec)
  const externalIPs = arr(spec.externalIPs).map(str)
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>'
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(rec(svc.status).loadBalancer)
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',')
      return lb || '<pending>'
    }
    case 'ExternalName':
      return str(spec.externalName)
  }
  return '<unknown>'
}

function ports(svc: KubeObject): string {
  const pieces = arr(rec(svc.spec).ports)
    .map(rec)
    .map((p) =>
      num(p.nodePort) > 0
        ? `${num(p.port)}:${num(p.nodePort)}/${str(p.protocol)}`
        : `${num(p.port)}/${str(p.protocol)}`,
    )
  return joinOrNone(pieces)
}

function clusterIP(svc: KubeObject): string {
  const spec = rec(svc.spec)
  const ips = arr(spec.clusterIPs).map(str)
  if (ips.length > 0) return ips[0]
  return str(spec.clusterIP) || '<none>'
}

/** SetDefaults_Service, for the fields that do not need an allocator. */
function defaults(svc: KubeObject): void {
  const spec = ensure(svc, 'spec')
  setDefault(spec, 'type', 'ClusterIP')
  setDefault(spec, 'sessionAffinity', 'None')
  if (spec.type !== 'ExternalName') setDefault(spec, 'internalTrafficPolicy', 'Cluster')
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster')
  if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true)
  for (const p of arr(spec.ports)) {
    const port = rec(p)
    setDefault(port, 'protocol', 'TCP')
    setDefault(port, 'targetPort', port.port)
  }
  // ServiceStatus.loadBalancer is a struct: a real server always shows `status: {loadBalancer: {}}`.
  setDefault(ensure(svc, 'status'), 'loadBalancer', {})
}

const PORT_RANGE = 'must be between 1 and 65535, inclusive'

function validPort(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535
}

function validatePort(port: Json, at: string, requireName: boolean, names: Set<string>): FieldError[] {
  const errs: FieldError[] = []
  const name = str(port.name)
  if (requireName && name === '') errs.push(fieldRequired(`${at}.name`))
  else if (name !== '') {
    for (const msg of isDNS1123Label(name)) errs.push(fieldInvalid(`${at}.name`, name, msg))
    if (names.has(name)) errs.push(duplicate(`${at}.name`, name))
    names.add(name)
  }
  if (!validPort(port.port)) errs.push(fieldInvalid(`${at}.port`, port.port ?? 0, PORT_RANGE))
  if (!['SCTP', 'TCP', 'UDP'].includes(str(port.protocol))) {
    errs.push(fieldNotSupported(`${at}.protocol`, port.protocol ?? '', ['SCTP', 'TCP', 'UDP']))
  }
  if (typeof port.targetPort === 'number' && !validPort(port.targetPort)) {
    errs.push(fieldInvalid(`${at}.targetPort`, port.targetPort, PORT_RANGE))
  }
  return errs
}

/** The first checks of ValidateService users hit. */
function validate(svc: KubeObject): FieldError[] {
  const errs: FieldError[] = []
  const name = svc.metadata.name ?? ''
  // Service names are DNS-1035 labels; the registry already checked the DNS-1123 label rules.
  if (isDNS1123Label(name).length === 0) {
    for (const msg of isDNS1035Label(name)) errs.push(fieldInvalid('metadata.name', name, msg))
  }
  const spec = rec(svc.spec)
  const type = str(spec.type)
  if (!['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'].includes(type)) {
    errs.push(
      fieldNotSupported('spec.type', spec.type ?? '', ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']),
    )
  }
  if (type === 'ExternalName' && str(spec.externalName) === '') errs.push(fieldRequired('spec.externalName'))
  const list = arr(spec.ports)
  const headless = spec.clusterIP === 'None'
  if (list.length === 0 && !headless && type !== 'ExternalName') errs.push(fieldRequired('spec.ports'))
  const names = new Set<string>()
  list.forEach((p, i) => {
    errs.push(...validatePort(rec(p), `spec.ports[${i}]`, list.length > 1, names))
  })
  return errs
}

export const service: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  scope: 'Namespaced',
  shortNames: ['svc'],
  categories: ['all'],
  // ValidateServiceName is DNS-1035; validate() adds the "starts with a letter" rule.
  nameValidation: 'dns1123-label',
  subresources: { status: true },
  columns: [
    column('Type', DOC.serviceSpecType, (o) => str(rec(o.spec).type)),
    column('Cluster-IP', DOC.serviceSpecClusterIP, clusterIP),
    column('External-IP', DOC.serviceSpecExternalIPs, externalIP),
    column('Port(s)', DOC.serviceSpecPorts, ports),
    ageColumn(),
    column('Selector', DOC.serviceSpecSelector, (o) => formatLabels(rec(o.spec).selector), { priority: 1 }),
  ],
  // pkg/registry/core/service/strategy.go SelectableFields
  fieldSelectors: {
    'spec.clusterIP': (o) => str(rec(o.spec).clusterIP),
    'spec.type': (o) => str(rec(o.spec).type),
  },
  prepareForCreate: defaults,
  prepareForUpdate: defaults,
  validate,
})
