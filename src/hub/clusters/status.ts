// Composing a Cluster's status from what the controller knows, and deciding whether it is worth
// a write. Fields the controller cannot refresh right now (the summaries of a member that is
// not listed yet, the version of a member that is down) keep their stored values rather than
// flapping to empty. lastProbeTime alone never causes a write, except as a coarse heartbeat.

import { arr, type Json, rec } from '../../apis/json.ts'
import type { ClusterPhase } from '../../apis/platform/cluster.ts'
import { timestamp } from '../../machinery/object.ts'
import { deepEqual } from '../../machinery/schema/types.ts'
import { type ClusterView, type Condition, mergeConditions, versionCondition } from './conditions.ts'
import type { NodeSummary, ResourceSummary } from './summary.ts'

export interface ObservedState {
  /** Undefined while nothing is known yet (the first health check has not finished). */
  view?: ClusterView
  apiEndpoint?: string
  kubernetesVersion?: string
  nodeSummary?: NodeSummary
  resourceSummary?: ResourceSummary
  /** Overrides the view's phase (Deleting). */
  phase?: ClusterPhase
  /** A registered cluster's connected agents (empty: none; undefined: not a registered cluster). */
  agents?: Json[]
}

export function storedConditions(status: Json): Condition[] {
  return arr(status.conditions).map((c) => rec(c) as unknown as Condition)
}

/** The status to store, given the stored one and the observations. */
export function desiredStatus(stored: Json, obs: ObservedState, now: number): Json {
  const next: Json = structuredClone(stored)
  const old = storedConditions(stored)
  const wanted: Condition[] = []
  if (obs.view) {
    next.phase = obs.view.phase
    wanted.push(obs.view.ready)
  } else {
    next.phase ??= 'Pending'
    const ready = old.find((c) => c.type === 'Ready')
    wanted.push(
      ready ?? {
        type: 'Ready',
        status: 'Unknown',
        reason: 'Connecting',
        message: 'waiting for the first health check',
      },
    )
  }
  if (obs.phase) next.phase = obs.phase
  if (obs.kubernetesVersion) {
    next.kubernetesVersion = obs.kubernetesVersion
    wanted.push(versionCondition(obs.kubernetesVersion))
  } else {
    const v = old.find((c) => c.type === 'VersionSupported')
    if (v) wanted.push(v)
  }
  // Other controllers' conditions (none today) are kept after the hub's own.
  const others = old.filter((c) => !wanted.some((w) => w.type === c.type))
  next.conditions = [...mergeConditions(old, wanted, now), ...others]
  if (obs.apiEndpoint) next.apiEndpoint = obs.apiEndpoint
  if (obs.nodeSummary) next.nodeSummary = obs.nodeSummary
  if (obs.resourceSummary) next.resourceSummary = obs.resourceSummary
  if (obs.agents?.length) next.agents = obs.agents
  else if (obs.agents) delete next.agents
  return next
}

function withoutProbeTime(s: Json): Json {
  const { lastProbeTime: _, ...rest } = s
  return rest
}

/**
 * Whether `next` should be written over `stored`: when anything but lastProbeTime differs, or
 * when the stored lastProbeTime is older than `heartbeatMs` (so readers can tell a live hub).
 */
export function shouldWrite(stored: Json, next: Json, now: number, heartbeatMs: number): boolean {
  if (!deepEqual(withoutProbeTime(stored), withoutProbeTime(next))) return true
  const last = typeof stored.lastProbeTime === 'string' ? Date.parse(stored.lastProbeTime) : Number.NaN
  return Number.isNaN(last) || now - last >= heartbeatMs
}

export function stampProbeTime(s: Json, now: number): Json {
  return { ...s, lastProbeTime: timestamp(now) }
}
