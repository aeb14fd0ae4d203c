// core/v1 Pod. Columns: printers.go podColumnDefinitions / printPod (READY, STATUS with the
// init-container, Terminating and container-reason logic, RESTARTS with "(Xm ago)").

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { isPlainObject } from '../../machinery/object.ts'
import { defaultPod, isRestartableInitContainer } from '../defaults.ts'
import { DOC } from '../docs.ts'
import { arr, ensure, type Json, num, rec, str } from '../json.ts'
import { ageColumn, column, humanDuration, timestampMs } from '../printing.ts'
import { parseQuantity } from '../quantity.ts'
import { validatePodSpec } from '../validation.ts'

export interface PodSummary {
  ready: string
  status: string
  restarts: string
}

const maxTime = (a: number | null, b: number | null): number | null => (b !== null && (a === null || b > a) ? b : a)

/** When the container last terminated (lastState.terminated.finishedAt), or null. */
function lastTerminated(cs: Json): number | null {
  const t = rec(cs.lastState).terminated
  return isPlainObject(t) ? timestampMs(t.finishedAt) : null
}

function conditionTrue(status: Json, type: string): boolean {
  const c = arr(status.conditions)
    .map(rec)
    .find((c) => c.type === type)
  return c?.status === 'True'
}

/** printers.go printPod: the READY, STATUS and RESTARTS cells. */
export function podSummary(pod: KubeObject, now: number): PodSummary {
  const spec = rec(pod.spec)
  const status = rec(pod.status)
  let restarts = 0
  let sidecarRestarts = 0
  let totalContainers = arr(spec.containers).length
  let readyContainers = 0
  let lastRestart: number | null = null
  let lastSidecarRestart: number | null = null

  const phase = str(status.phase)
  let reason = str(status.reason) || phase
  for (const c of arr(status.conditions).map(rec)) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated'
  }

  const initSpecs = arr(spec.initContainers).map(rec)
  const initByName = new Map(initSpecs.map((c) => [str(c.name), c]))
  totalContainers += initSpecs.filter(isRestartableInitContainer).length

  let initializing = false
  const initStatuses = arr(status.initContainerStatuses).map(rec)
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]
    const sidecar = isRestartableInitContainer(initByName.get(str(cs.name)))
    restarts += num(cs.restartCount)
    lastRestart = maxTime(lastRestart, lastTerminated(cs))
    if (sidecar) {
      sidecarRestarts += num(cs.restartCount)
      lastSidecarRestart = maxTime(lastSidecarRestart, lastTerminated(cs))
    }
    const state = rec(cs.state)
    const terminated = isPlainObject(state.terminated) ? state.terminated : null
    const waiting = isPlainObject(state.waiting) ? state.waiting : null
    if (terminated && num(terminated.exitCode) === 0) continue
    if (sidecar && cs.started === true) {
      if (cs.ready === true) readyContainers++
      continue
    }
    if (terminated) {
      // initialization is failed
      if (str(terminated.reason) === '') {
        const signal = num(terminated.signal)
        reason = signal !== 0 ? `Init:Signal:${signal}` : `Init:ExitCode:${num(terminated.exitCode)}`
      } else reason = `Init:${str(terminated.reason)}`
    } else if (waiting && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`
    } else reason = `Init:${i}/${initSpecs.length}`
    initializing = true
    break
  }

  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = sidecarRestarts
    lastRestart = lastSidecarRestart
    let hasRunning = false
    const statuses = arr(status.containerStatuses).map(rec)
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]
      restarts += num(cs.restartCount)
      lastRestart = maxTime(lastRestart, lastTerminated(cs))
      const state = rec(cs.state)
      const terminated = isPlainObject(state.terminated) ? state.terminated : null
      const waiting = isPlainObject(state.waiting) ? state.waiting : null
      if (waiting && str(waiting.reason) !== '') reason = str(waiting.reason)
      else if (terminated && str(terminated.reason) !== '') reason = str(terminated.reason)
      else if (terminated) {
        const signal = num(terminated.signal)
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${num(terminated.exitCode)}`
      } else if (cs.ready === true && isPlainObject(state.running)) {
        hasRunning = true
        readyContainers++
      }
    }
    // change pod status back to "Running" if there is at least one container still reporting as "Running" status
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady'
  }

  const deleting = timestampMs(pod.metadata.deletionTimestamp) !== null
  if (deleting && status.reason === 'NodeLost') reason = 'Unknown'
  else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') reason = 'Terminating'

  const restartsText =
    restarts !== 0 && lastRestart !== null ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts)
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsText }
}

const summaries = new WeakMap<KubeObject, { now: number; summary: PodSummary }>()

function summary(pod: KubeObject, now: number): PodSummary {
  const hit = summaries.get(pod)
  if (hit && hit.now === now) return hit.summary
  const s = podSummary(pod, now)
  summaries.set(pod, { now, summary: s })
  return s
}

function podIP(pod: KubeObject): string {
  const status = rec(pod.status)
  const ips = arr(status.podIPs)
  return ips.length > 0 ? str(rec(ips[0]).ip) : str(status.podIP)
}

function readinessGates(pod: KubeObject): string {
  const gates = arr(rec(pod.spec).readinessGates).map(rec)
  if (gates.length === 0) return '<none>'
  const conditions = arr(rec(pod.status).conditions).map(rec)
  const trueCount = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length
  return `${trueCount}/${gates.length}`
}

const noneIfEmpty = (s: string): string => (s === '' ? '<none>' : s)

/** qos.GetPodQOS: Guaranteed, Burstable or BestEffort from cpu/memory requests and limits. */
export function podQOSClass(spec: Json): string {
  const requests = new Map<string, number>()
  const limits = new Map<string, number>()
  let guaranteed = true
  const add = (m: Map<string, number>, name: string, v: number) => m.set(name, (m.get(name) ?? 0) + Math.round(v * 1e9))
  for (const c of [...arr(spec.containers), ...arr(spec.initContainers)]) {
    const resources = rec(rec(c).resources)
    const found = new Set<string>()
    for (const [name, q] of Object.entries(rec(resources.requests))) {
      const v = parseQuantity(q)
      if ((name === 'cpu' || name === 'memory') && v !== null && v > 0) add(requests, name, v)
    }
    for (const [name, q] of Object.entries(rec(resources.limits))) {
      const v = parseQuantity(q)
      if ((name === 'cpu' || name === 'memory') && v !== null && v > 0) {
        found.add(name)
        add(limits, name, v)
      }
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort'
  if (guaranteed) for (const [name, r] of requests) if (limits.get(name) !== r) guaranteed = false
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable'
}

/** podStrategy.PrepareForCreate: status is reset to Pending with the QoS class. */
function prepareForCreate(pod: KubeObject): void {
  const spec = ensure(pod, 'spec')
  defaultPod(spec)
  const status: Json = { phase: 'Pending', qosClass: podQOSClass(spec) }
  // applySchedulingGatedCondition
  if (arr(spec.schedulingGates).length > 0) {
    status.conditions = [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
      },
    ]
  }
  pod.status = status
}

export const pod: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  scope: 'Namespaced',
  shortNames: ['po'],
  categories: ['all'],
  // Since 1.33 the API server sets metadata.generation on pods and bumps it on spec changes.
  generation: 'spec',
  subresources: { status: true },
  columns: [
    column(
      'Ready',
      'The aggregate readiness state of this pod for accepting traffic.',
      (o, now) => summary(o, now).ready,
    ),
    column('Status', 'The aggregate status of the containers in this pod.', (o, now) => summary(o, now).status),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      (o, now) => summary(o, now).restarts,
    ),
    ageColumn(),
    column('IP', DOC.podIP, (o) => noneIfEmpty(podIP(o)), { priority: 1 }),
    column('Node', DOC.nodeName, (o) => noneIfEmpty(str(rec(o.spec).nodeName)), { priority: 1 }),
    column('Nominated Node', DOC.nominatedNodeName, (o) => noneIfEmpty(str(rec(o.status).nominatedNodeName)), {
      priority: 1,
    }),
    column('Readiness Gates', DOC.readinessGates, readinessGates, { priority: 1 }),
  ],
  // pkg/registry/core/pod/strategy.go ToSelectableFields
  fieldSelectors: {
    'spec.nodeName': (o) => str(rec(o.spec).nodeName),
    'spec.restartPolicy': (o) => str(rec(o.spec).restartPolicy),
    'spec.schedulerName': (o) => str(rec(o.spec).schedulerName),
    'spec.serviceAccountName': (o) => str(rec(o.spec).serviceAccountName),
    'spec.hostNetwork': (o) => String(rec(o.spec).hostNetwork === true),
    'status.phase': (o) => str(rec(o.status).phase),
    'status.podIP': podIP,
    'status.nominatedNodeName': (o) => str(rec(o.status).nominatedNodeName),
  },
  prepareForCreate,
  prepareForUpdate: (obj) => defaultPod(ensure(obj, 'spec')),
  validate: (obj) => validatePodSpec(obj.spec, 'spec'),
})
