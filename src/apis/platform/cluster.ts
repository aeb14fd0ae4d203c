// Cluster (platform.flotilla.dev/v1alpha1, cluster-scoped): a member cluster the hub manages.
// spec says how the hub connects (Import: the hub dials the member with a kubeconfig kept in a
// Secret; Register: an agent in the member dials the hub) and describes the cluster; status is
// written by the hub's cluster controller.

import type { KindDef } from '../../machinery/kinds.ts'
import { defineKind } from '../../machinery/kinds.ts'

export const PLATFORM_GROUP = 'platform.flotilla.dev'
export const PLATFORM_VERSION = 'v1alpha1'

export const cluster: KindDef = defineKind({
  group: PLATFORM_GROUP,
  version: PLATFORM_VERSION,
  kind: 'Cluster',
  plural: 'clusters',
  scope: 'Cluster',
  categories: ['flotilla'],
  generation: 'spec',
  subresources: { status: true },
})
