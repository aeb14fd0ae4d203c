// Resource amounts as Kubernetes accounts them (the simulator's scheduler, the hub's cluster
// summaries): integers in the units Kubernetes compares (millicores for cpu, bytes or counts for
// the rest), pod requests by the init-container rule, and node allocatable.

import type { KubeObject } from '../../machinery/object.ts'
import { arr, type Json, rec } from '../json.ts'
import { parseQuantity } from '../quantity.ts'

/** Resource name → amount (cpu in millicores). */
export type Resources = Map<string, number>

/** A quantity in scheduler units: cpu in millicores (rounded up), others rounded up to integers. */
export function amount(name: string, q: unknown): number {
  const v = parseQuantity(q)
  if (v === null || v <= 0) return 0
  return name === 'cpu' ? Math.ceil(Math.round(v * 1e9) / 1e6) : Math.ceil(Math.round(v * 1e3) / 1e3)
}

function containerRequests(c: unknown): Resources {
  const out: Resources = new Map()
  for (const [name, q] of Object.entries(rec(rec(rec(c).resources).requests))) {
    const v = amount(name, q)
    if (v > 0) out.set(name, v)
  }
  return out
}

function addInto(into: Resources, r: Resources): void {
  for (const [k, v] of r) into.set(k, (into.get(k) ?? 0) + v)
}

function maxInto(into: Resources, r: Resources): void {
  for (const [k, v] of r) if (v > (into.get(k) ?? 0)) into.set(k, v)
}

/**
 * resourcehelper.PodRequests: the sum of the containers' requests plus restartable (sidecar)
 * init containers, or — if larger, per resource — what any init container needs while the
 * sidecars before it run; plus the pod overhead.
 */
export function podRequests(pod: KubeObject): Resources {
  const spec = rec(pod.spec)
  const total: Resources = new Map()
  for (const c of arr(spec.containers)) addInto(total, containerRequests(c))
  const sidecars: Resources = new Map()
  const initMax: Resources = new Map()
  for (const c of arr(spec.initContainers)) {
    const r = containerRequests(c)
    if (rec(c).restartPolicy === 'Always') {
      addInto(sidecars, r)
      maxInto(initMax, sidecars)
    } else {
      const during = new Map(sidecars)
      addInto(during, r)
      maxInto(initMax, during)
    }
  }
  addInto(total, sidecars)
  maxInto(total, initMax)
  for (const [name, q] of Object.entries(rec(spec.overhead))) {
    const v = amount(name, q)
    if (v > 0) total.set(name, (total.get(name) ?? 0) + v)
  }
  return total
}

/** Default requests the scheduler's scoring assumes for containers without any (non-zero). */
export const DEFAULT_MILLI_CPU = 100
export const DEFAULT_MEMORY = 200 * 1024 * 1024

/** cpu and memory for scoring: containers without requests count the defaults. */
export function nonZeroRequests(pod: KubeObject): { cpu: number; memory: number } {
  let cpu = 0
  let memory = 0
  for (const c of arr(rec(pod.spec).containers)) {
    const r = containerRequests(c)
    cpu += r.get('cpu') || DEFAULT_MILLI_CPU
    memory += r.get('memory') || DEFAULT_MEMORY
  }
  return { cpu, memory }
}

/** Node status.allocatable (falling back to capacity) in scheduler units. */
export function nodeAllocatable(node: KubeObject): Resources {
  const status = rec(node.status)
  const src: Json = Object.keys(rec(status.allocatable)).length > 0 ? rec(status.allocatable) : rec(status.capacity)
  const out: Resources = new Map()
  for (const [name, q] of Object.entries(src)) out.set(name, amount(name, q))
  return out
}
