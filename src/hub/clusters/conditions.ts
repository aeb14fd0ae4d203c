// What a cluster's phase and conditions are, as pure functions of what the hub has observed:
// the outcome of health checks over time, a configuration problem, the member's version. Kept
// free of I/O so the transitions can be tested with a FakeClock.
//
// Phases:
//   Pending       no successful health check yet (Ready Unknown before the first check, False
//                 with the failure's reason after one failed)
//   Running       the last health check succeeded — or failed less than the grace period after
//                 the last success (a blip does not flap the status)
//   Disconnected  it was Running, and nothing succeeded for the grace period (Ready Unknown)
//   AccessTimeout a registered cluster that no agent reached within the access window (seed
//                 004's 接入超时); it still becomes Running when an agent arrives later
//   Failed        the configuration is wrong (no kubeconfig, a malformed one) or the member
//                 rejects the hub's credential or TLS settings — a person must act
//   Deleting      the Cluster is being deleted (set by the controller)

import type { ClusterPhase } from '../../apis/platform/cluster.ts'
import { timestamp } from '../../machinery/object.ts'

export type ConditionStatus = 'True' | 'False' | 'Unknown'

export interface Condition {
  type: string
  status: ConditionStatus
  reason: string
  message: string
  lastTransitionTime?: string
}

/** Why a health check failed. The first three are answers from the member: retrying will not help. */
export type ProbeFailureReason = 'Unauthorized' | 'Forbidden' | 'TLSError' | 'Unreachable' | 'NotReady'

const DEFINITIVE: ReadonlySet<ProbeFailureReason> = new Set(['Unauthorized', 'Forbidden', 'TLSError'])

export type ProbeOutcome = { ok: true; path: string } | { ok: false; reason: ProbeFailureReason; message: string }

/** What one member connection has seen of the member's health. */
export interface HealthRecord {
  /** At least one check succeeded (on this connection, or the stored status said Running). */
  connectedOnce: boolean
  lastSuccessAt?: number
  /** The latest check, if any. */
  last?: ProbeOutcome
}

export interface ClusterView {
  phase: ClusterPhase
  ready: Condition
}

export function readyCondition(status: ConditionStatus, reason: string, message: string): Condition {
  return { type: 'Ready', status, reason, message }
}

/** Records a check's outcome. */
export function recordProbe(h: HealthRecord, outcome: ProbeOutcome, now: number): HealthRecord {
  if (outcome.ok) return { connectedOnce: true, lastSuccessAt: now, last: outcome }
  return { ...h, last: outcome }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`
}

/** Phase and Ready condition from the health record, at time `now`. */
export function healthView(h: HealthRecord, now: number, gracePeriodMs: number): ClusterView {
  const last = h.last
  if (!last)
    return { phase: 'Pending', ready: readyCondition('Unknown', 'Connecting', 'waiting for the first health check') }
  if (last.ok) {
    return {
      phase: 'Running',
      ready: readyCondition('True', 'ClusterReady', `the member's API server answers ${last.path}`),
    }
  }
  if (DEFINITIVE.has(last.reason)) return { phase: 'Failed', ready: readyCondition('False', last.reason, last.message) }
  if (!h.connectedOnce) return { phase: 'Pending', ready: readyCondition('False', last.reason, last.message) }
  const since = h.lastSuccessAt ?? now
  if (now - since < gracePeriodMs) {
    // Within the grace period a failure is not reported yet: the status keeps saying Running.
    return {
      phase: 'Running',
      ready: readyCondition('True', 'ClusterReady', 'the member answered its last successful health check'),
    }
  }
  return {
    phase: 'Disconnected',
    ready: readyCondition(
      'Unknown',
      last.reason,
      `no successful health check for the grace period (${seconds(gracePeriodMs)}); last error: ${last.message}`,
    ),
  }
}

/** The view of a cluster whose configuration keeps the hub from connecting at all. */
export function configProblemView(reason: string, message: string): ClusterView {
  return { phase: 'Failed', ready: readyCondition('False', reason, message) }
}

/** A registered cluster waits for its agent (registration arrives with the agent). */
export function awaitingAgentView(): ClusterView {
  return {
    phase: 'Pending',
    ready: readyCondition('Unknown', 'AwaitingAgent', 'waiting for the cluster agent to register with the hub'),
  }
}

/** A registered cluster no agent has reached within the access window. */
export function accessTimeoutView(windowMs: number): ClusterView {
  return {
    phase: 'AccessTimeout',
    ready: readyCondition(
      'False',
      'AccessTimeout',
      `no agent registered within ${seconds(windowMs)}; apply the registration manifest in the member (flotilla cluster register issues a new one)`,
    ),
  }
}

/** A registered cluster whose agents have all been gone for the grace period. */
export function agentDisconnectedView(gracePeriodMs: number): ClusterView {
  return {
    phase: 'Disconnected',
    ready: readyCondition(
      'Unknown',
      'AgentDisconnected',
      `no agent tunnel for the grace period (${seconds(gracePeriodMs)})`,
    ),
  }
}

/**
 * Kubernetes versions the hub supports in members: v1.24 to v1.34. A policy, revisited with each
 * Kubernetes release: the API versions Flotilla reads and writes in members are served there.
 */
export const SUPPORTED_VERSIONS = { major: 1, minMinor: 24, maxMinor: 34 }

export function versionRangeText(): string {
  const v = SUPPORTED_VERSIONS
  return `v${v.major}.${v.minMinor}–v${v.major}.${v.maxMinor}`
}

/** VersionSupported: True inside the supported range, False outside it or when unreadable. */
export function versionCondition(gitVersion: string): Condition {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(gitVersion)
  if (!m) {
    return {
      type: 'VersionSupported',
      status: 'False',
      reason: 'UnknownVersion',
      message: `cannot read the member's Kubernetes version "${gitVersion.slice(0, 64)}"; supported: ${versionRangeText()}`,
    }
  }
  const major = Number(m[1])
  const minor = Number(m[2])
  const v = SUPPORTED_VERSIONS
  const ok = major === v.major && minor >= v.minMinor && minor <= v.maxMinor
  return ok
    ? {
        type: 'VersionSupported',
        status: 'True',
        reason: 'SupportedVersion',
        message: `${gitVersion} is within ${versionRangeText()}`,
      }
    : {
        type: 'VersionSupported',
        status: 'False',
        reason: 'UnsupportedVersion',
        message: `${gitVersion} is outside the supported range ${versionRangeText()}; some features may not work`,
      }
}

/**
 * The conditions to store: `desired` in order, each keeping its stored lastTransitionTime while
 * its status is unchanged (a new reason or message alone is not a transition).
 */
export function mergeConditions(stored: readonly Condition[], desired: readonly Condition[], now: number): Condition[] {
  return desired.map((d) => {
    const cur = stored.find((c) => c.type === d.type)
    const lastTransitionTime =
      cur && cur.status === d.status && cur.lastTransitionTime ? cur.lastTransitionTime : timestamp(now)
    return { ...d, lastTransitionTime }
  })
}
