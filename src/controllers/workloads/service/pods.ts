// What the Endpoints and EndpointSlice controllers read from pods and services
// (pkg/controller/util/endpoint, pkg/api/v1/pod FindPort).

import { arr, type Json, rec, str, strMap } from '../../../apis/json.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import { type LabelSelector, nothing, selectorFromSet } from '../../../machinery/selectors/index.ts'
import { isPodReady, isTerminal, podPhase } from '../util/pods.ts'

const selectors = new WeakMap<object, LabelSelector>()

/** The service's pod selector; nil or empty selects nothing (endpoints managed by someone else). */
export function serviceSelector(svc: KubeObject): LabelSelector {
  const raw = rec(svc.spec).selector
  if (raw === null || typeof raw !== 'object') return nothing()
  let s = selectors.get(raw)
  if (!s) {
    const set = strMap(raw)
    s = Object.keys(set).length === 0 ? nothing() : selectorFromSet(set)
    selectors.set(raw, s)
  }
  return s
}

/** Whether the endpoints controllers manage this service at all. */
export function managesEndpoints(svc: KubeObject): boolean {
  return rec(svc.spec).type !== 'ExternalName' && !serviceSelector(svc).isNothing()
}

export function isHeadless(svc: KubeObject): boolean {
  return rec(svc.spec).clusterIP === 'None'
}

export function podIP(pod: KubeObject): string {
  const st = rec(pod.status)
  return str(st.podIP) || str(rec(arr(st.podIPs)[0]).ip)
}

/** ShouldPodBeInEndpoints: not finished, has an IP, and (unless included) not terminating. */
export function shouldBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (isTerminal(pod)) return false
  if (podIP(pod) === '') return false
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false
  return true
}

/** FindPort: a numeric targetPort, or the container port with that name and protocol. */
export function findPort(pod: KubeObject, svcPort: Json): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port
  if (typeof target === 'number') return target
  if (typeof target === 'string' && /^\d+$/.test(target)) return Number(target)
  const name = str(target)
  const protocol = str(svcPort.protocol) || 'TCP'
  const spec = rec(pod.spec)
  const containers = [
    ...arr(spec.containers),
    ...arr(spec.initContainers).filter((c) => rec(c).restartPolicy === 'Always'),
  ]
  for (const c of containers) {
    for (const p of arr(rec(c).ports).map(rec)) {
      if (p.name === name && (str(p.protocol) || 'TCP') === protocol && typeof p.containerPort === 'number') {
        return p.containerPort
      }
    }
  }
  return undefined
}

/** The pod's hostname in the service's DNS, when the pod's subdomain is the service. */
export function endpointHostname(svc: KubeObject, pod: KubeObject): string | undefined {
  const spec = rec(pod.spec)
  const hostname = str(spec.hostname)
  if (hostname && str(spec.subdomain) === svc.metadata.name && svc.metadata.namespace === pod.metadata.namespace) {
    return hostname
  }
  return undefined
}

/** What about a pod an endpoints controller cares about, to ignore irrelevant updates. */
export function endpointView(pod: KubeObject): string {
  const spec = rec(pod.spec)
  return JSON.stringify([
    pod.metadata.labels ?? {},
    podIP(pod),
    isPodReady(pod),
    !!pod.metadata.deletionTimestamp,
    podPhase(pod),
    spec.hostname,
    spec.subdomain,
    spec.nodeName,
  ])
}

export function targetRef(pod: KubeObject): Json {
  return { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid }
}
