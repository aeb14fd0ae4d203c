// Allocates Service cluster IPs from the service CIDR and node ports from 30000–32767, as
// kube-apiserver's service registry does. Allocations are rebuilt from the stored Services on
// start and released when a Service is deleted (seen through the storage watch), so nothing
// but the Services themselves needs persisting.

import { StatusError } from '../../machinery/errors.ts'
import type { KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import type { Storage } from '../../storage/interface.ts'
import type { AdmissionAttributes, AdmissionPlugin } from './admission.ts'

const NODE_PORT_MIN = 30000
const NODE_PORT_MAX = 32767

interface ServiceSpec {
  type?: string
  clusterIP?: string
  clusterIPs?: string[]
  ipFamilies?: string[]
  ipFamilyPolicy?: string
  ports?: { port?: number; nodePort?: number; name?: string }[]
}

function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number)
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return Number.NaN
  return ((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3]
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

function invalid(name: string, field: string, value: unknown, detail: string): StatusError {
  const msg = `Invalid value: ${JSON.stringify(value)}: ${detail}`
  return new StatusError(422, 'Invalid', `Service "${name}" is invalid: ${field}: ${msg}`, {
    name,
    kind: 'Service',
    causes: [{ reason: 'FieldValueInvalid', message: msg, field }],
  })
}

export class ServiceAllocator implements AdmissionPlugin {
  readonly name = 'ServiceAllocator'
  private readonly base: number
  private readonly size: number
  private readonly ips = new Map<number, string>() // ip -> service key
  private readonly ports = new Map<number, string>()
  private next = 0

  constructor(cidr: string) {
    const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr)
    const bits = m ? Number(m[2]) : Number.NaN
    if (!m || Number.isNaN(ipToInt(m[1])) || bits < 8 || bits > 30) throw new Error(`invalid service CIDR ${cidr}`)
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0
    this.base = (ipToInt(m[1]) & mask) >>> 0
    this.size = 2 ** (32 - bits)
  }

  /** The first address of the range, which the "kubernetes" Service takes. */
  get firstIP(): string {
    return intToIp(this.base + 1)
  }

  handles(def: KindDef): boolean {
    return def.group === '' && def.kind === 'Service'
  }

  /** Marks the allocations of every stored Service and keeps them in step with deletions. */
  async load(storage: Storage): Promise<void> {
    const prefix = '/registry/core/services/'
    const page = await storage.list(prefix)
    for (const kv of page.items) this.mark(kv.key, JSON.parse(kv.value) as KubeObject)
    storage.watch(prefix, {
      fromRevision: page.revision,
      onEvent: (ev) => {
        if (ev.type === 'DELETE') this.releaseKey(ev.key)
        else if (ev.value) this.mark(ev.key, JSON.parse(ev.value.value) as KubeObject)
      },
    })
  }

  private keyOf(o: KubeObject): string {
    return `/registry/core/services/${o.metadata.namespace}/${o.metadata.name}`
  }

  private mark(key: string, svc: KubeObject): void {
    const spec = (svc.spec ?? {}) as ServiceSpec
    const ip = spec.clusterIP ? ipToInt(spec.clusterIP) : Number.NaN
    if (!Number.isNaN(ip)) this.ips.set(ip, key)
    for (const p of spec.ports ?? []) if (p.nodePort) this.ports.set(p.nodePort, key)
  }

  private releaseKey(key: string): void {
    for (const [ip, k] of this.ips) if (k === key) this.ips.delete(ip)
    for (const [port, k] of this.ports) if (k === key) this.ports.delete(port)
  }

  admit(a: AdmissionAttributes): void {
    const svc = a.object
    const name = svc.metadata.name ?? ''
    const key = this.keyOf(svc)
    const spec = (svc.spec ?? {}) as ServiceSpec
    svc.spec = spec
    const oldSpec = (a.old?.spec ?? {}) as ServiceSpec
    const type = spec.type ?? 'ClusterIP'

    if (type === 'ExternalName') {
      delete spec.clusterIP
      delete spec.clusterIPs
    } else if (a.old && oldSpec.clusterIP && (spec.clusterIP === undefined || spec.clusterIP === '')) {
      spec.clusterIP = oldSpec.clusterIP // kept across updates that leave it out
    } else if (a.old && oldSpec.clusterIP && spec.clusterIP !== oldSpec.clusterIP) {
      throw invalid(name, 'spec.clusterIPs[0]', spec.clusterIP, 'may not change once set')
    } else if (!spec.clusterIP) {
      spec.clusterIP = this.allocateIP(key, a.dryRun)
    } else if (spec.clusterIP !== 'None' && !a.old) {
      const ip = ipToInt(spec.clusterIP)
      if (Number.isNaN(ip) || ip <= this.base || ip >= this.base + this.size - 1) {
        throw invalid(
          name,
          'spec.clusterIPs',
          spec.clusterIP,
          `failed to allocate IP ${spec.clusterIP}: provided IP is not in the valid range. The range of valid IPs is ${intToIp(this.base)}/${32 - Math.log2(this.size)}`,
        )
      }
      const owner = this.ips.get(ip)
      if (owner && owner !== key) {
        throw invalid(
          name,
          'spec.clusterIPs',
          [spec.clusterIP],
          `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
        )
      }
      if (!a.dryRun) this.ips.set(ip, key)
    }
    if (spec.clusterIP && type !== 'ExternalName') {
      spec.clusterIPs = [spec.clusterIP]
      if (spec.clusterIP !== 'None') {
        spec.ipFamilies ??= ['IPv4']
        spec.ipFamilyPolicy ??= 'SingleStack'
      }
    }

    if (type === 'NodePort' || type === 'LoadBalancer') {
      for (const [i, p] of (spec.ports ?? []).entries()) {
        const before = oldSpec.ports?.find((o) => o.port === p.port && o.name === p.name)?.nodePort
        if (!p.nodePort && before) p.nodePort = before
        if (p.nodePort) {
          const owner = this.ports.get(p.nodePort)
          if (p.nodePort < NODE_PORT_MIN || p.nodePort > NODE_PORT_MAX) {
            throw invalid(
              name,
              `spec.ports[${i}].nodePort`,
              p.nodePort,
              `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`,
            )
          }
          if (owner && owner !== key)
            throw invalid(name, `spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated')
          if (!a.dryRun) this.ports.set(p.nodePort, key)
        } else {
          p.nodePort = this.allocatePort(key, a.dryRun)
        }
      }
    }
  }

  private allocateIP(key: string, dryRun: boolean): string {
    // Sequential scan from where the last allocation ended (skipping network and broadcast).
    for (let i = 0; i < this.size - 2; i++) {
      const offset = ((this.next + i) % (this.size - 3)) + 2 // .1 is the kubernetes Service's
      const ip = this.base + offset
      if (this.ips.has(ip)) continue
      if (!dryRun) {
        this.ips.set(ip, key)
        this.next = offset - 1
      }
      return intToIp(ip)
    }
    throw new StatusError(
      500,
      'InternalError',
      'Internal error occurred: failed to allocate a serviceIP: range is full',
    )
  }

  private allocatePort(key: string, dryRun: boolean): number {
    const span = NODE_PORT_MAX - NODE_PORT_MIN + 1
    const start = Math.floor(Math.random() * span)
    for (let i = 0; i < span; i++) {
      const port = NODE_PORT_MIN + ((start + i) % span)
      if (this.ports.has(port)) continue
      if (!dryRun) this.ports.set(port, key)
      return port
    }
    throw new StatusError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full')
  }
}
