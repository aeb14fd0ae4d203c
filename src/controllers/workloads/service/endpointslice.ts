// The EndpointSlice controller (pkg/controller/endpointslice): discovery.k8s.io/v1
// EndpointSlices for every Service with a selector, named <service>-<random>, owned by the
// Service, labelled kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by.
// Pods are grouped by the ports they resolve, at most 100 endpoints per slice; each endpoint has
// the ready/serving/terminating conditions, targetRef, nodeName, zone and (for a pod whose
// subdomain is the service) hostname. Terminating pods stay listed with terminating: true.

import { arr, type Json, rec, str } from '../../../apis/json.ts'
import { type Resource, resources } from '../../../client/client.ts'
import { StatusError } from '../../../machinery/errors.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../manager.ts'
import { canonicalJson } from '../util/hash.ts'
import type { SharedInformer } from '../util/informers.ts'
import { controllerRefOf, newControllerRef, splitKey } from '../util/meta.ts'
import { isPodReady } from '../util/pods.ts'
import { ServiceControllerBase } from './base.ts'
import { HEADLESS_LABEL } from './endpoints.ts'
import {
  endpointHostname,
  findPort,
  isHeadless,
  managesEndpoints,
  podIP,
  shouldBeInEndpoints,
  targetRef,
} from './pods.ts'

export const endpointSlices: Resource = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' }
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name'
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by'
export const MANAGED_BY = 'endpointslice-controller.k8s.io'
const MAX_ENDPOINTS = 100

interface Desired {
  addressType: string
  ports: Json[]
  endpoints: Json[]
}

class EndpointSliceController extends ServiceControllerBase {
  private sliceInf!: SharedInformer
  private nodeInf!: SharedInformer

  constructor(ctx: ControllerContext) {
    super(ctx, (key) => this.sync(key))
  }

  async run(): Promise<RunningController> {
    this.wire()
    this.sliceInf = this.rt.informer(endpointSlices)
    this.nodeInf = this.rt.informer(resources.nodes)
    const onSlice = (s: KubeObject) => {
      if (s.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) return
      const svc = s.metadata.labels?.[SERVICE_NAME_LABEL]
      if (svc) this.rt.enqueue(`${s.metadata.namespace}/${svc}`)
    }
    this.sliceInf.on({ update: onSlice, delete: onSlice })
    this.sliceIndex = this.sliceInf.index('service', (s) =>
      s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY && s.metadata.labels?.[SERVICE_NAME_LABEL]
        ? [`${s.metadata.namespace}/${s.metadata.labels[SERVICE_NAME_LABEL]}`]
        : [],
    )
    await this.rt.start()
    return this.rt
  }

  private sliceIndex!: ReturnType<SharedInformer['index']>

  private zoneOf(node: string): string | undefined {
    if (!node) return undefined
    return this.nodeInf.get('', node)?.metadata.labels?.['topology.kubernetes.io/zone']
  }

  private desired(svc: KubeObject): Desired[] {
    const spec = rec(svc.spec)
    const publishNotReady = spec.publishNotReadyAddresses === true
    const svcPorts = arr(spec.ports).map(rec)
    const groups = new Map<string, Desired>()
    for (const pod of this.selectedPods(svc)) {
      if (!shouldBeInEndpoints(pod, true)) continue
      const ip = podIP(pod)
      const addressType = ip.includes(':') ? 'IPv6' : 'IPv4'
      const ports: Json[] = []
      for (const sp of svcPorts) {
        const port = findPort(pod, sp)
        if (port === undefined) continue
        const p: Json = { name: str(sp.name), port, protocol: str(sp.protocol) || 'TCP' }
        if (typeof sp.appProtocol === 'string') p.appProtocol = sp.appProtocol
        ports.push(p)
      }
      if (svcPorts.length > 0 && ports.length === 0 && !isHeadless(svc)) continue
      const terminating = !!pod.metadata.deletionTimestamp
      const serving = publishNotReady || isPodReady(pod)
      const ep: Json = {
        addresses: [ip],
        conditions: { ready: publishNotReady || (isPodReady(pod) && !terminating), serving, terminating },
      }
      const hostname = endpointHostname(svc, pod)
      if (hostname) ep.hostname = hostname
      ep.targetRef = targetRef(pod)
      const node = str(rec(pod.spec).nodeName)
      if (node) ep.nodeName = node
      const zone = this.zoneOf(node)
      if (zone) ep.zone = zone
      const key = `${addressType}|${canonicalJson(ports)}`
      let g = groups.get(key)
      if (!g) {
        g = { addressType, ports, endpoints: [] }
        groups.set(key, g)
      }
      g.endpoints.push(ep)
    }
    const out: Desired[] = []
    for (const g of groups.values()) {
      g.endpoints.sort((a, b) =>
        str(arr(a.addresses)[0]).localeCompare(str(arr(b.addresses)[0]), 'en', { numeric: true }),
      )
      for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS) {
        out.push({ ...g, endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS) })
      }
    }
    // A service with no endpoints still gets one (empty) slice, as the controller keeps a placeholder.
    if (out.length === 0) out.push({ addressType: 'IPv4', ports: [], endpoints: [] })
    return out
  }

  private labels(svc: KubeObject): Record<string, string> {
    const labels: Record<string, string> = {}
    for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) {
      if (k === SERVICE_NAME_LABEL || k === MANAGED_BY_LABEL || k === HEADLESS_LABEL) continue
      labels[k] = v
    }
    labels[SERVICE_NAME_LABEL] = svc.metadata.name ?? ''
    labels[MANAGED_BY_LABEL] = MANAGED_BY
    if (isHeadless(svc)) labels[HEADLESS_LABEL] = ''
    return labels
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key)
    const svc = this.svcInf.get(ns, name)
    if (!svc || svc.metadata.deletionTimestamp || !managesEndpoints(svc)) return
    const existing = this.sliceIndex
      .get(key)
      .filter(
        (s) => !s.metadata.deletionTimestamp && (!controllerRefOf(s) || controllerRefOf(s)?.uid === svc.metadata.uid),
      )
    const desired = this.desired(svc)
    const labels = this.labels(svc)
    const ref = newControllerRef(svc, 'v1', 'Service')
    const unused = [...existing]
    const body = (d: Desired) => ({ addressType: d.addressType, endpoints: d.endpoints, ports: d.ports })
    const todo: Desired[] = []
    // Keep slices that already hold exactly what is wanted.
    for (const d of desired) {
      const i = unused.findIndex(
        (s) =>
          canonicalJson(body(d)) === canonicalJson(sliceBody(s)) &&
          canonicalJson(s.metadata.labels ?? {}) === canonicalJson(labels),
      )
      if (i >= 0) unused.splice(i, 1)
      else todo.push(d)
    }
    for (const d of todo) {
      // Reuse a slice of the same address type and ports, else create one.
      const i = unused.findIndex(
        (s) => s.addressType === d.addressType && canonicalJson(s.ports ?? []) === canonicalJson(d.ports),
      )
      const j = i >= 0 ? i : unused.findIndex((s) => s.addressType === d.addressType)
      if (j >= 0) {
        const s = unused.splice(j, 1)[0]
        const next: KubeObject = { ...structuredClone(s), ...body(d) }
        next.metadata.labels = labels
        next.metadata.ownerReferences = [ref]
        await this.write(() => this.rt.client.update(endpointSlices, ns, next))
        continue
      }
      const slice: KubeObject = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { generateName: `${name}-`, namespace: ns, labels, ownerReferences: [ref] },
        ...body(d),
      }
      await this.write(() => this.rt.client.create(endpointSlices, ns, slice))
    }
    for (const s of unused) {
      await this.write(() => this.rt.client.delete(endpointSlices, ns, s.metadata.name ?? ''))
    }
  }

  private async write(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn()
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return
      if (e instanceof StatusError && e.code === 403 && /being terminated/.test(e.message)) return
      throw e
    }
  }
}

function sliceBody(s: KubeObject): Json {
  return { addressType: s.addressType, endpoints: s.endpoints ?? [], ports: s.ports ?? [] }
}

export const endpointSliceController: ControllerDescriptor = {
  name: 'endpointslice-controller',
  start: (ctx) => new EndpointSliceController(ctx).run(),
}
