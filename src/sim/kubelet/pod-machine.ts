// One pod's life on a simulated kubelet, as a state machine driven by time: sandbox creation,
// init containers one after another, image pulls (or "already present"), app containers started
// in order, readiness, exits, restarts with CrashLoopBackOff back-off, image pull failures with
// ImagePullBackOff, Job pods completing, and graceful termination. advance() runs every step due
// by `now` (so a busy kubelet catches up in one status write); render() produces the pod status
// the real kubelet would report at that point.

import { arr, type Json, rec, str } from '../../apis/json.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { timestamp } from '../../machinery/object.ts'
import { formatDuration } from '../options.ts'
import { type ImageRef, imageRef } from './images.ts'
import type { FailMode, PodKnobs } from './knobs.ts'

export interface KubeletTiming {
  /** Admission until the pod sandbox is ready (the first part of ContainerCreating). */
  sandboxMs: number
  /** Pulling an image the node does not have. */
  pullMs: number
  /** Pulling an image the node has, for imagePullPolicy Always. */
  refreshPullMs: number
  /** How long init containers run. */
  initRunMs: number
  /** How long Job pods (and pods with an exit-code knob) run before they exit. */
  runForMs: number
  /** How long a CrashLoopBackOff/OOMKilled container runs before it fails. */
  crashAfterMs: number
  /** Restart and image pull back-off: this, doubling up to maxBackoffMs. */
  backoffMs: number
  maxBackoffMs: number
  /** Containers stop this long after SIGTERM (capped by the grace period). */
  terminationMs: number
  /** Containers take the whole grace period to stop (and are killed at its end). */
  honorGracePeriod: boolean
}

export const DEFAULT_TIMING: KubeletTiming = {
  sandboxMs: 100,
  pullMs: 500,
  refreshPullMs: 100,
  initRunMs: 300,
  runForMs: 1000,
  crashAfterMs: 1000,
  backoffMs: 10_000,
  maxBackoffMs: 300_000,
  terminationMs: 200,
  honorGracePeriod: false,
}

export type EventKind = 'Normal' | 'Warning'

/** What the machine needs from its kubelet while advancing. */
export interface MachineEnv {
  emit(type: EventKind, reason: string, message: string, fieldPath?: string): void
  hasImage(name: string): boolean
  addImage(name: string): void
  newContainerID(): string
}

type Step = 'pull' | 'pulled' | 'pullFail' | 'pullBackOff' | 'ready' | 'exit' | 'restart'

interface Terminated {
  exitCode: number
  reason: string
  startedAt: number
  finishedAt: number
  containerID: string
}

export interface ContainerMachine {
  name: string
  index: number
  image: ImageRef
  policy: string
  init: boolean
  sidecar: boolean
  fieldPath: string
  fail?: FailMode
  /** readinessProbe.initialDelaySeconds, when the container has a readiness probe. */
  probeDelayMs: number
  step?: Step
  at: number
  state: 'waiting' | 'running' | 'terminated'
  waitingReason: string
  waitingMessage?: string
  startedAt?: number
  term?: Terminated
  last?: Terminated
  restartCount: number
  ready: boolean
  started: boolean
  everStarted: boolean
  /** image/imageID are reported once the image is on the node. */
  resolved: boolean
  containerID?: string
  readyAt: number
  exitAt: number
  exitCode: number
  exitReason: string
  crashes: number
  pullFailures: number
  activated: boolean
  /** Terminated for good (no restart). */
  done: boolean
}

export interface Termination {
  at: number
  stopAt: number
  killed: boolean
  stopped: boolean
}

export interface PodMachine {
  uid: string
  name: string
  namespace: string
  restartPolicy: string
  jobLike: boolean
  knobs: PodKnobs
  timing: KubeletTiming
  admittedAt: number
  sandboxAt: number
  sandboxReady: boolean
  init: ContainerMachine[]
  main: ContainerMachine[]
  initDone: boolean
  initFailed: boolean
  phase: string
  terminal: boolean
  terminating?: Termination
  conds: Map<string, { status: string; time: number }>
}

function containerMachine(
  c: Json,
  index: number,
  init: boolean,
  knobs: PodKnobs,
  fieldPrefix: string,
): ContainerMachine {
  const name = str(c.name)
  const sidecar = init && c.restartPolicy === 'Always'
  const image = imageRef(str(c.image))
  return {
    name,
    index,
    image,
    policy: str(c.imagePullPolicy) || 'IfNotPresent',
    init,
    sidecar,
    fieldPath: `${fieldPrefix}{${name}}`,
    fail: knobs.fail.get(name) ?? (init ? undefined : knobs.fail.get('*')),
    probeDelayMs: Math.max(0, Number(rec(c.readinessProbe).initialDelaySeconds) || 0) * 1000,
    at: Number.POSITIVE_INFINITY,
    state: 'waiting',
    waitingReason: init ? 'PodInitializing' : 'ContainerCreating',
    restartCount: 0,
    ready: false,
    started: false,
    everStarted: false,
    resolved: false,
    readyAt: Number.POSITIVE_INFINITY,
    exitAt: Number.POSITIVE_INFINITY,
    exitCode: 0,
    exitReason: 'Completed',
    crashes: 0,
    pullFailures: 0,
    activated: false,
    done: false,
  }
}

/** A new machine for a pod admitted at `now`. */
export function newMachine(pod: KubeObject, knobs: PodKnobs, timing: KubeletTiming, now: number): PodMachine {
  const spec = rec(pod.spec)
  const init = arr(spec.initContainers).map((c, i) => containerMachine(rec(c), i, true, knobs, 'spec.initContainers'))
  const main = arr(spec.containers).map((c, i) => containerMachine(rec(c), i, false, knobs, 'spec.containers'))
  if (init.length > 0) for (const c of main) c.waitingReason = 'PodInitializing'
  const m: PodMachine = {
    uid: pod.metadata.uid ?? '',
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? '',
    restartPolicy: str(spec.restartPolicy) || 'Always',
    jobLike: (pod.metadata.ownerReferences ?? []).some((o) => o.kind === 'Job'),
    knobs,
    timing,
    admittedAt: now,
    sandboxAt: now + (knobs.startDelayMs ?? timing.sandboxMs),
    sandboxReady: false,
    init,
    main,
    initDone: init.length === 0,
    initFailed: false,
    phase: 'Pending',
    terminal: false,
    conds: new Map(),
  }
  return m
}

/**
 * A machine for a pod a previous kubelet run already started (the simulator restarted on its
 * data): Running pods continue from their reported container states; anything else starts over.
 */
export function adoptMachine(
  pod: KubeObject,
  knobs: PodKnobs,
  timing: KubeletTiming,
  now: number,
): PodMachine | undefined {
  const status = rec(pod.status)
  if (status.phase !== 'Running') return undefined
  const statuses = new Map(arr(status.containerStatuses).map((s) => [str(rec(s).name), rec(s)]))
  const m = newMachine(pod, knobs, timing, now)
  for (const c of m.main) {
    const s = statuses.get(c.name)
    const running = rec(rec(s?.state).running)
    if (!s || typeof running.startedAt !== 'string') return undefined
  }
  const started = Date.parse(str(status.startTime))
  m.admittedAt = Number.isFinite(started) ? started : now
  m.sandboxAt = m.admittedAt
  m.sandboxReady = true
  m.initDone = true
  m.phase = 'Running'
  for (const c of m.init) {
    c.state = 'terminated'
    c.done = !c.sidecar
    c.resolved = true
    c.ready = true
    c.everStarted = true
    c.activated = true
    c.term = { exitCode: 0, reason: 'Completed', startedAt: m.admittedAt, finishedAt: m.admittedAt, containerID: '' }
    if (c.sidecar) {
      c.state = 'running'
      c.started = true
      c.startedAt = m.admittedAt
      c.term = undefined
    }
  }
  for (const c of m.main) {
    const s = statuses.get(c.name)!
    const startedAt = Date.parse(str(rec(rec(s.state).running).startedAt))
    c.state = 'running'
    c.startedAt = Number.isFinite(startedAt) ? startedAt : now
    c.started = true
    c.everStarted = true
    c.activated = true
    c.resolved = true
    c.ready = s.ready === true
    c.restartCount = typeof s.restartCount === 'number' ? s.restartCount : 0
    c.containerID = str(s.containerID) || undefined
    c.crashes = c.restartCount
    planRun(m, c, c.startedAt)
    if (c.ready) c.readyAt = Number.POSITIVE_INFINITY
  }
  return m
}

function backoff(m: PodMachine, n: number): number {
  const base = m.knobs.backoffMs ?? m.timing.backoffMs
  return Math.min(m.timing.maxBackoffMs, base * 2 ** Math.max(0, n - 1))
}

/** Sets exitAt/readyAt and the next step for a container that started at t. */
function planRun(m: PodMachine, c: ContainerMachine, t: number): void {
  const k = m.knobs
  let runFor = Number.POSITIVE_INFINITY
  let code = 0
  if (c.fail === 'CrashLoopBackOff' || c.fail === 'OOMKilled') {
    runFor = k.runForMs ?? m.timing.crashAfterMs
    code = c.fail === 'OOMKilled' ? 137 : (k.exitCode ?? 1)
  } else if (c.init && !c.sidecar) {
    runFor = k.initRunForMs ?? m.timing.initRunMs
  } else if (!c.init && (m.jobLike || k.runForMs !== undefined || k.exitCode !== undefined)) {
    runFor = k.runForMs ?? m.timing.runForMs
    code = k.exitCode ?? 0
  }
  c.exitAt = t + runFor
  c.exitCode = code
  c.exitReason = c.fail === 'OOMKilled' ? 'OOMKilled' : code === 0 ? 'Completed' : 'Error'
  const readyAfter = c.init && !c.sidecar ? Number.POSITIVE_INFINITY : (k.readyAfterMs ?? c.probeDelayMs)
  c.readyAt = t + readyAfter
  c.ready = !c.init || c.sidecar ? readyAfter === 0 : false
  if (c.ready) c.readyAt = Number.POSITIVE_INFINITY
  if (c.readyAt < c.exitAt) {
    c.step = 'ready'
    c.at = c.readyAt
  } else if (Number.isFinite(c.exitAt)) {
    c.step = 'exit'
    c.at = c.exitAt
  } else {
    c.step = undefined
    c.at = Number.POSITIVE_INFINITY
  }
}

function schedule(c: ContainerMachine, step: Step | undefined, at: number): void {
  c.step = step
  c.at = step ? at : Number.POSITIVE_INFINITY
}

function activate(c: ContainerMachine | undefined, t: number): void {
  if (!c || c.activated) return
  c.activated = true
  schedule(c, 'pull', t)
}

function initComplete(m: PodMachine, t: number): void {
  m.initDone = true
  for (const c of m.main) if (c.state === 'waiting' && !c.everStarted) c.waitingReason = 'ContainerCreating'
  activate(m.main[0], t)
}

/** After init container i started (sidecar) or completed: the next one, or the app containers. */
function nextAfterInit(m: PodMachine, i: number, t: number): void {
  if (i + 1 < m.init.length) activate(m.init[i + 1], t)
  else initComplete(m, t)
}

function startContainer(m: PodMachine, c: ContainerMachine, env: MachineEnv, t: number): void {
  c.containerID = env.newContainerID()
  env.emit('Normal', 'Created', `Created container ${c.name}`, c.fieldPath)
  env.emit('Normal', 'Started', `Started container ${c.name}`, c.fieldPath)
  c.state = 'running'
  c.startedAt = t
  c.started = true
  c.resolved = true
  c.waitingMessage = undefined
  const first = !c.everStarted
  c.everStarted = true
  c.term = undefined
  planRun(m, c, t)
  if (!first) return
  if (c.init && c.sidecar) nextAfterInit(m, c.index, t)
  else if (!c.init) activate(m.main[c.index + 1], t)
}

function pullFailureMessage(image: ImageRef): string {
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${image.name}": failed to resolve reference "${image.name}": ${image.name}: not found`
}

function restarts(m: PodMachine, c: ContainerMachine, exitCode: number): boolean {
  if (c.sidecar) return true
  if (m.restartPolicy === 'Never') return false
  if (c.init) return exitCode !== 0
  return m.restartPolicy === 'Always' || exitCode !== 0
}

function exec(m: PodMachine, c: ContainerMachine, env: MachineEnv, t: number): void {
  const step = c.step
  schedule(c, undefined, 0)
  switch (step) {
    case 'pull': {
      const pullMs = m.knobs.pullMs ?? m.timing.pullMs
      if (c.fail === 'ImagePullBackOff') {
        env.emit('Normal', 'Pulling', `Pulling image "${c.image.spec}"`, c.fieldPath)
        schedule(c, 'pullFail', t + pullMs)
      } else if (c.policy === 'Never' || (c.policy !== 'Always' && env.hasImage(c.image.name))) {
        env.emit('Normal', 'Pulled', `Container image "${c.image.spec}" already present on machine`, c.fieldPath)
        startContainer(m, c, env, t)
      } else {
        env.emit('Normal', 'Pulling', `Pulling image "${c.image.spec}"`, c.fieldPath)
        schedule(c, 'pulled', t + (env.hasImage(c.image.name) ? m.timing.refreshPullMs : pullMs))
      }
      return
    }
    case 'pulled': {
      env.addImage(c.image.name)
      const took = formatDuration(Math.max(1, pullDuration(m, c, env)))
      env.emit(
        'Normal',
        'Pulled',
        `Successfully pulled image "${c.image.spec}" in ${took} (${took} including waiting). Image size: ${c.image.size} bytes.`,
        c.fieldPath,
      )
      startContainer(m, c, env, t)
      return
    }
    case 'pullFail': {
      c.pullFailures++
      const msg = pullFailureMessage(c.image)
      env.emit('Warning', 'Failed', `Failed to pull image "${c.image.spec}": ${msg}`, c.fieldPath)
      env.emit('Warning', 'Failed', 'Error: ErrImagePull', c.fieldPath)
      c.state = 'waiting'
      c.waitingReason = 'ErrImagePull'
      c.waitingMessage = msg
      schedule(c, 'pullBackOff', t + Math.min(1000, backoff(m, 1)))
      return
    }
    case 'pullBackOff': {
      const msg = `Back-off pulling image "${c.image.spec}"`
      env.emit('Normal', 'BackOff', msg, c.fieldPath)
      env.emit('Warning', 'Failed', 'Error: ImagePullBackOff', c.fieldPath)
      c.waitingReason = 'ImagePullBackOff'
      c.waitingMessage = msg
      schedule(c, 'pull', t + backoff(m, c.pullFailures))
      return
    }
    case 'ready': {
      c.ready = true
      c.readyAt = Number.POSITIVE_INFINITY
      if (Number.isFinite(c.exitAt)) schedule(c, 'exit', c.exitAt)
      return
    }
    case 'exit': {
      c.term = {
        exitCode: c.exitCode,
        reason: c.exitReason,
        startedAt: c.startedAt ?? t,
        finishedAt: t,
        containerID: c.containerID ?? '',
      }
      c.state = 'terminated'
      c.started = false
      c.ready = false
      c.exitAt = Number.POSITIVE_INFINITY
      c.readyAt = Number.POSITIVE_INFINITY
      if (!restarts(m, c, c.exitCode)) {
        c.done = true
        if (c.init && !c.sidecar) {
          if (c.exitCode === 0) {
            c.ready = true
            nextAfterInit(m, c.index, t)
          } else {
            m.initFailed = true
          }
        }
        return
      }
      c.crashes++
      const delay = c.crashes === 1 ? 0 : backoff(m, c.crashes - 1)
      if (delay > 0) {
        const pod = `${m.name}_${m.namespace}(${m.uid})`
        env.emit('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod}`, c.fieldPath)
        c.last = c.term
        c.term = undefined
        c.state = 'waiting'
        c.waitingReason = 'CrashLoopBackOff'
        c.waitingMessage = `back-off ${formatDuration(delay)} restarting failed container=${c.name} pod=${pod}`
      }
      schedule(c, 'restart', t + delay)
      return
    }
    case 'restart': {
      if (c.term) c.last = c.term
      c.term = undefined
      c.restartCount++
      c.state = 'waiting'
      schedule(c, 'pull', t)
      return
    }
  }
}

function pullDuration(m: PodMachine, c: ContainerMachine, env: MachineEnv): number {
  return env.hasImage(c.image.name) && c.policy === 'Always'
    ? m.timing.refreshPullMs
    : (m.knobs.pullMs ?? m.timing.pullMs)
}

/** Begins graceful termination at t; false when nothing ever started (delete at once). */
export function startTermination(m: PodMachine, env: MachineEnv, t: number, graceSeconds: number): boolean {
  const all = [...m.init, ...m.main]
  if (!all.some((c) => c.everStarted) || m.terminal) return false
  for (const c of all) {
    if (c.state === 'running') env.emit('Normal', 'Killing', `Stopping container ${c.name}`, c.fieldPath)
    schedule(c, undefined, 0)
  }
  const grace = Math.max(0, graceSeconds) * 1000
  const honor = m.timing.honorGracePeriod || m.knobs.honorGracePeriod
  // Honouring the grace period means the container ignores SIGTERM and is killed at its end;
  // terminate-after says how long it takes to exit (killed if that exceeds the grace period).
  const explicit = m.knobs.terminateAfterMs
  const after = explicit ?? (honor ? grace : m.timing.terminationMs)
  const killed = explicit !== undefined ? explicit > grace : honor
  m.terminating = { at: t, stopAt: t + Math.min(after, grace), killed, stopped: false }
  return true
}

function finishTermination(m: PodMachine, t: number): void {
  const term = m.terminating!
  for (const c of [...m.init, ...m.main]) {
    if (c.state !== 'running') continue
    c.term = {
      exitCode: term.killed ? 137 : 0,
      reason: term.killed ? 'Error' : 'Completed',
      startedAt: c.startedAt ?? t,
      finishedAt: t,
      containerID: c.containerID ?? '',
    }
    c.state = 'terminated'
    c.started = false
    c.ready = false
  }
  term.stopped = true
  const ok = m.main.every((c) => c.state === 'terminated' && c.term?.exitCode === 0)
  m.phase = ok ? 'Succeeded' : 'Failed'
  m.terminal = true
  m.sandboxReady = false
}

/** kubelet getPhase over the current container states. */
function computePhase(m: PodMachine): string {
  if (m.initFailed) return 'Failed'
  let running = 0
  let waiting = 0
  let stopped = 0
  let succeeded = 0
  for (const c of m.main) {
    if (c.state === 'running') running++
    else if (c.state === 'terminated') {
      stopped++
      if (c.term?.exitCode === 0) succeeded++
    } else if (c.last) stopped++
    else waiting++
  }
  if (!m.initDone && !m.main.some((c) => c.everStarted)) return 'Pending'
  if (waiting > 0) return 'Pending'
  if (running > 0) return 'Running'
  if (stopped > 0) {
    if (m.restartPolicy === 'Always') return 'Running'
    if (stopped === succeeded) return 'Succeeded'
    if (m.restartPolicy === 'Never') return 'Failed'
    return 'Running'
  }
  return 'Pending'
}

/** The time of the machine's next step (Infinity when it waits for nothing). */
export function nextAt(m: PodMachine): number {
  if (m.terminal) return Number.POSITIVE_INFINITY
  if (m.terminating) return m.terminating.stopped ? Number.POSITIVE_INFINITY : m.terminating.stopAt
  if (!m.sandboxReady) return m.sandboxAt
  let t = Number.POSITIVE_INFINITY
  for (const c of m.init) if (c.at < t) t = c.at
  for (const c of m.main) if (c.at < t) t = c.at
  return t
}

/** Runs every step due by `now`, in time order. */
export function advance(m: PodMachine, env: MachineEnv, now: number): void {
  for (let guard = 0; guard < 10_000; guard++) {
    if (m.terminal) return
    if (m.terminating) {
      if (!m.terminating.stopped && m.terminating.stopAt <= now) finishTermination(m, m.terminating.stopAt)
      return
    }
    if (!m.sandboxReady) {
      if (m.sandboxAt > now) return
      m.sandboxReady = true
      if (m.init.length > 0) activate(m.init[0], m.sandboxAt)
      else activate(m.main[0], m.sandboxAt)
      continue
    }
    let next: ContainerMachine | undefined
    for (const c of m.init) if (c.step && (!next || c.at < next.at)) next = c
    for (const c of m.main) if (c.step && (!next || c.at < next.at)) next = c
    if (!next || next.at > now) break
    exec(m, next, env, next.at)
  }
  const phase = computePhase(m)
  m.phase = phase
  if (phase === 'Succeeded' || phase === 'Failed') {
    m.terminal = true
    m.sandboxReady = false
  }
}

export function anyStarted(m: PodMachine): boolean {
  return m.init.some((c) => c.everStarted) || m.main.some((c) => c.everStarted)
}

// ---- status ----

function terminatedJson(t: Terminated): Json {
  const out: Json = {
    exitCode: t.exitCode,
    finishedAt: timestamp(t.finishedAt),
    reason: t.reason,
    startedAt: timestamp(t.startedAt),
  }
  if (t.containerID) out.containerID = t.containerID
  return out
}

function containerStatus(c: ContainerMachine): Json {
  let state: Json
  if (c.state === 'running') state = { running: { startedAt: timestamp(c.startedAt ?? 0) } }
  else if (c.state === 'terminated' && c.term) state = { terminated: terminatedJson(c.term) }
  else {
    const waiting: Json = { reason: c.waitingReason }
    if (c.waitingMessage) waiting.message = c.waitingMessage
    state = { waiting }
  }
  const out: Json = {}
  if (c.containerID) out.containerID = c.containerID
  out.image = c.resolved ? c.image.name : c.image.spec
  out.imageID = c.resolved ? c.image.id : ''
  out.lastState = c.last ? { terminated: terminatedJson(c.last) } : {}
  out.name = c.name
  out.ready = c.ready
  out.restartCount = c.restartCount
  out.started = c.started
  out.state = state
  return out
}

export interface RenderContext {
  now: number
  hostIP: string
  podIP?: string
}

function condition(m: PodMachine, now: number, type: string, ok: boolean, reason?: string, message?: string): Json {
  const status = ok ? 'True' : 'False'
  const prev = m.conds.get(type)
  let time = prev?.time ?? now
  if (!prev || prev.status !== status) {
    time = prev ? now : m.admittedAt
    m.conds.set(type, { status, time })
  }
  // Written as a strategic merge patch: null removes a reason/message left from before.
  const out: Json = { type, status, lastTransitionTime: timestamp(time), reason: null, message: null }
  if (!ok && reason) out.reason = reason
  if (!ok && message) out.message = message
  return out
}

/** The readiness gates' verdict: undefined when all are True, else the reason message. */
function gatesMessage(pod: KubeObject): string | undefined {
  const gates = arr(rec(pod.spec).readinessGates).map((g) => str(rec(g).conditionType))
  if (gates.length === 0) return undefined
  const conds = new Map(arr(rec(pod.status).conditions).map((c) => [str(rec(c).type), rec(c)]))
  for (const g of gates) {
    const c = conds.get(g)
    if (!c) return `corresponding condition of pod readiness gate "${g}" does not exist.`
    if (c.status !== 'True') return `the status of pod readiness gate "${g}" is not "True", but ${str(c.status)}`
  }
  return undefined
}

/** The status the kubelet reports for the machine's current state. */
export function renderStatus(m: PodMachine, pod: KubeObject, ctx: RenderContext): Json {
  const now = ctx.now
  const conditions: Json[] = []
  conditions.push(condition(m, now, 'PodReadyToStartContainers', m.sandboxReady))
  const incompleteInit = m.init.filter((c) => !(c.sidecar ? c.started : c.done && c.term?.exitCode === 0))
  conditions.push(
    condition(
      m,
      now,
      'Initialized',
      m.initDone,
      'ContainersNotInitialized',
      `containers with incomplete status: [${incompleteInit.map((c) => c.name).join(' ')}]`,
    ),
  )
  const unready = [...m.init.filter((c) => c.sidecar), ...m.main].filter((c) => !c.ready)
  let reason = 'ContainersNotReady'
  let message: string | undefined = `containers with unready status: [${unready.map((c) => c.name).join(' ')}]`
  if (m.terminal) {
    reason = m.phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed'
    message = undefined
  }
  const containersReady = !m.terminal && unready.length === 0
  let ready = containersReady
  let readyReason = reason
  let readyMessage = message
  if (containersReady) {
    const gates = gatesMessage(pod)
    if (gates) {
      ready = false
      readyReason = 'ReadinessGatesNotReady'
      readyMessage = gates
    }
  }
  conditions.push(condition(m, now, 'Ready', ready, readyReason, readyMessage))
  conditions.push(condition(m, now, 'ContainersReady', containersReady, reason, message))
  const scheduled = arr(rec(pod.status).conditions)
    .map(rec)
    .find((c) => c.type === 'PodScheduled')
  conditions.push({
    type: 'PodScheduled',
    status: 'True',
    reason: null,
    message: null,
    lastTransitionTime:
      scheduled?.status === 'True' && typeof scheduled.lastTransitionTime === 'string'
        ? scheduled.lastTransitionTime
        : timestamp(m.admittedAt),
  })
  const status: Json = {
    phase: m.phase,
    conditions,
    hostIP: ctx.hostIP,
    hostIPs: [{ ip: ctx.hostIP }],
  }
  if (ctx.podIP) {
    status.podIP = ctx.podIP
    status.podIPs = [{ ip: ctx.podIP }]
  }
  status.startTime = timestamp(m.admittedAt)
  if (m.init.length > 0) status.initContainerStatuses = m.init.map(containerStatus)
  status.containerStatuses = m.main.map(containerStatus)
  return status
}
