// The shape of stored Kubernetes objects, loosely typed: the API machinery handles every kind
// generically, so it sees objects as JSON with a known metadata block.

export interface OwnerReference {
  apiVersion: string
  kind: string
  name: string
  uid: string
  controller?: boolean
  blockOwnerDeletion?: boolean
}

export interface ObjectMeta {
  name?: string
  generateName?: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  creationTimestamp?: string
  deletionTimestamp?: string
  deletionGracePeriodSeconds?: number
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: OwnerReference[]
  finalizers?: string[]
  managedFields?: unknown[]
  [key: string]: unknown
}

export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  [key: string]: unknown
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Kubernetes timestamps: RFC 3339 in UTC with second precision ("2024-01-02T03:04:05Z"). */
export function timestamp(ms: number = Date.now()): string {
  const second = Math.floor(ms / 1000)
  // A write stamps several fields, and a busy server thousands of writes, within one second.
  if (second !== lastSecond) {
    lastSecond = second
    lastTimestamp = new Date(second * 1000).toISOString().replace('.000Z', 'Z')
  }
  return lastTimestamp
}
let lastSecond = Number.NaN
let lastTimestamp = ''

/** MicroTime, as used by events.k8s.io eventTime and Lease renewTime. */
export function microTimestamp(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}

/** Reads a dotted JSON path ("status.phase", "spec.nodeName") from an object. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined
    cur = cur[part]
  }
  return cur
}
