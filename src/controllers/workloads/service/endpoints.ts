// The Endpoints controller (pkg/controller/endpoint): an Endpoints object per Service with a
// selector, listing the selected pods' IPs per resolved port — ready pods in addresses, the
// others in notReadyAddresses (all in addresses with publishNotReadyAddresses) — with subsets
// repacked as RepackSubsets does.

import { arr, type Json, rec, str } from '../../../apis/json.ts'
import { resources } from '../../../client/client.ts'
import { StatusError } from '../../../machinery/errors.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../manager.ts'
import { canonicalJson } from '../util/hash.ts'
import type { SharedInformer } from '../util/informers.ts'
import { splitKey } from '../util/meta.ts'
import { isPodReady } from '../util/pods.ts'
import { ServiceControllerBase } from './base.ts'
import {
  endpointHostname,
  findPort,
  isHeadless,
  managesEndpoints,
  podIP,
  shouldBeInEndpoints,
  targetRef,
} from './pods.ts'

export const HEADLESS_LABEL = 'service.kubernetes.io/headless'

interface Entry {
  address: Json
  ready: boolean
}

/** RepackSubsets: groups addresses offering the same ports; sorted for stable output. */
export function repackSubsets(entries: { address: Json; ready: boolean; port?: Json }[]): Json[] {
  const addrKey = (a: Json) => `${str(a.ip)}/${str(rec(a.targetRef).uid)}`
  // port -> address key -> entry
  const byPort = new Map<string, { port?: Json; addrs: Map<string, Entry> }>()
  for (const e of entries) {
    const pk = e.port ? canonicalJson(e.port) : ''
    let slot = byPort.get(pk)
    if (!slot) {
      slot = { port: e.port, addrs: new Map() }
      byPort.set(pk, slot)
    }
    const k = addrKey(e.address)
    const prev = slot.addrs.get(k)
    // An address ready for a port stays ready.
    slot.addrs.set(k, { address: e.address, ready: e.ready || (prev?.ready ?? false) })
  }
  // Group the ports by the exact set of (address, readiness) offering them.
  const groups = new Map<string, { addrs: Entry[]; ports: Json[] }>()
  for (const slot of byPort.values()) {
    const addrs = [...slot.addrs.values()].sort((a, b) => addrKey(a.address).localeCompare(addrKey(b.address)))
    const key = addrs.map((a) => `${addrKey(a.address)}:${a.ready}`).join(',')
    let g = groups.get(key)
    if (!g) {
      g = { addrs, ports: [] }
      groups.set(key, g)
    }
    if (slot.port) g.ports.push(slot.port)
  }
  const lessIP = (a: Json, b: Json) => str(a.ip).localeCompare(str(b.ip), 'en', { numeric: true })
  const subsets: Json[] = []
  for (const g of groups.values()) {
    const ss: Json = {}
    const ready = g.addrs
      .filter((a) => a.ready)
      .map((a) => a.address)
      .sort(lessIP)
    const notReady = g.addrs
      .filter((a) => !a.ready)
      .map((a) => a.address)
      .sort(lessIP)
    if (ready.length > 0) ss.addresses = ready
    if (notReady.length > 0) ss.notReadyAddresses = notReady
    if (g.ports.length > 0) {
      ss.ports = g.ports.sort((a, b) => str(a.name).localeCompare(str(b.name)) || Number(a.port) - Number(b.port))
    }
    subsets.push(ss)
  }
  const first = (s: Json) => str(rec(arr(s.addresses)[0] ?? arr(s.notReadyAddresses)[0]).ip)
  return subsets.sort((a, b) => first(a).localeCompare(first(b), 'en', { numeric: true }))
}

class EndpointsController extends ServiceControllerBase {
  constructor(ctx: ControllerContext) {
    super(ctx, (key) => this.sync(key))
  }

  async run(): Promise<RunningController> {
    this.wire()
    const epInf = this.rt.informer(resources.endpoints)
    epInf.on({
      delete: (ep) => {
        if (this.svcInf.get(ep.metadata.namespace ?? '', ep.metadata.name ?? '')) this.rt.enqueueObject(ep)
      },
    })
    this.endpoints = epInf
    await this.rt.start()
    return this.rt
  }

  private endpoints?: SharedInformer

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key)
    const svc = this.svcInf.get(ns, name)
    const current = this.endpoints?.get(ns, name)
    if (!svc) {
      if (current) {
        await this.rt.client.delete(resources.endpoints, ns, name).catch((e) => {
          if (!(e instanceof StatusError && e.code === 404)) throw e
        })
      }
      return
    }
    if (!managesEndpoints(svc)) return
    const spec = rec(svc.spec)
    const tolerateUnready = spec.publishNotReadyAddresses === true
    const ports = arr(spec.ports).map(rec)
    const entries: { address: Json; ready: boolean; port?: Json }[] = []
    for (const pod of this.selectedPods(svc)) {
      if (!shouldBeInEndpoints(pod, tolerateUnready)) continue
      const address: Json = { ip: podIP(pod) }
      const hostname = endpointHostname(svc, pod)
      if (hostname) address.hostname = hostname
      const node = str(rec(pod.spec).nodeName)
      if (node) address.nodeName = node
      address.targetRef = targetRef(pod)
      const ready = tolerateUnready || isPodReady(pod)
      if (ports.length === 0) {
        if (isHeadless(svc)) entries.push({ address, ready })
        continue
      }
      for (const sp of ports) {
        const port = findPort(pod, sp)
        if (port === undefined) continue
        const ep: Json = { port, protocol: str(sp.protocol) || 'TCP' }
        if (str(sp.name)) ep.name = sp.name
        if (typeof sp.appProtocol === 'string') ep.appProtocol = sp.appProtocol
        entries.push({ address, ready, port: ep })
      }
    }
    const subsets = repackSubsets(entries)
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) }
    if (isHeadless(svc)) labels[HEADLESS_LABEL] = ''
    if (current) {
      const same =
        canonicalJson(current.subsets ?? []) === canonicalJson(subsets) &&
        canonicalJson(current.metadata.labels ?? {}) === canonicalJson(labels)
      if (same) return
      const next = structuredClone(current)
      next.metadata.labels = labels
      if (subsets.length > 0) next.subsets = subsets
      else delete next.subsets
      try {
        await this.rt.client.update(resources.endpoints, ns, next)
      } catch (e) {
        if (e instanceof StatusError && (e.code === 404 || e.code === 409))
          throw new Error(`endpoints ${key} changed, retrying`)
        throw e
      }
      return
    }
    const ep: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels } }
    if (subsets.length > 0) ep.subsets = subsets
    try {
      await this.rt.client.create(resources.endpoints, ns, ep)
    } catch (e) {
      if (e instanceof StatusError && e.code === 409) throw new Error(`endpoints ${key} exist, retrying`)
      if (e instanceof StatusError && e.code === 403) return
      throw e
    }
  }
}

export const endpointsController: ControllerDescriptor = {
  name: 'endpoints-controller',
  start: (ctx) => new EndpointsController(ctx).run(),
}
