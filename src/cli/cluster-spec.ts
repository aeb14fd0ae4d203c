// The Cluster objects the CLI writes (`flotilla cluster import|register`, the demo's imports):
// a connection plus the optional descriptive fields the flags set.

import { PLATFORM_GROUP, PLATFORM_VERSION } from '../apis/platform/cluster.ts'
import type { KubeObject } from '../machinery/object.ts'

/** The descriptive spec fields a command may set; unset ones are left out (and left alone on update). */
export interface ClusterFields {
  provider?: string
  region?: string
  zones?: string[]
  deleteProtection?: boolean
  displayName?: string
}

/** A Cluster spec: the connection first, then each field that is set. */
export function clusterSpecFor(connection: Record<string, unknown>, f: ClusterFields): Record<string, unknown> {
  const spec: Record<string, unknown> = { connection }
  if (f.provider !== undefined) spec.provider = f.provider
  if (f.region !== undefined) spec.region = f.region
  if (f.zones !== undefined) spec.zones = f.zones
  if (f.deleteProtection !== undefined) spec.deleteProtection = f.deleteProtection
  if (f.displayName !== undefined) spec.displayName = f.displayName
  return spec
}

export function clusterObject(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: `${PLATFORM_GROUP}/${PLATFORM_VERSION}`, kind: 'Cluster', metadata: { name }, spec }
}
