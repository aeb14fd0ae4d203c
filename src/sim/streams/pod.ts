// The parts of a Pod the streaming subresources read, and the checks the API server
// (pkg/registry/core/pod/strategy.go LogLocation/streamLocation) and the kubelet
// (validateContainerLogStatus, findContainer) make before they stream anything, with their
// exact messages.

import { badRequest, type StatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'

export interface EnvVar {
  name: string
  value?: string
  valueFrom?: {
    fieldRef?: { fieldPath: string }
    resourceFieldRef?: { resource: string; containerName?: string; divisor?: string }
    configMapKeyRef?: { name: string; key: string; optional?: boolean }
    secretKeyRef?: { name: string; key: string; optional?: boolean }
  }
}

export interface EnvFromSource {
  prefix?: string
  configMapRef?: { name: string; optional?: boolean }
  secretRef?: { name: string; optional?: boolean }
}

export interface ContainerSpec {
  name: string
  image?: string
  command?: string[]
  args?: string[]
  workingDir?: string
  env?: EnvVar[]
  envFrom?: EnvFromSource[]
  ports?: { containerPort: number; name?: string; protocol?: string }[]
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> }
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string }
  running?: { startedAt?: string }
  terminated?: {
    exitCode?: number
    reason?: string
    startedAt?: string
    finishedAt?: string
    containerID?: string
  }
}

export interface ContainerStatus {
  name: string
  state?: ContainerState
  lastState?: ContainerState
  restartCount?: number
  containerID?: string
  image?: string
}

export interface Pod extends KubeObject {
  spec?: {
    nodeName?: string
    hostname?: string
    subdomain?: string
    serviceAccountName?: string
    automountServiceAccountToken?: boolean
    hostAliases?: { ip: string; hostnames?: string[] }[]
    dnsPolicy?: string
    dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] }
    containers?: ContainerSpec[]
    initContainers?: ContainerSpec[]
  }
  status?: {
    phase?: string
    podIP?: string
    hostIP?: string
    startTime?: string
    containerStatuses?: ContainerStatus[]
    initContainerStatuses?: ContainerStatus[]
  }
}

function names(list: ContainerSpec[] | undefined): string {
  return (list ?? []).map((c) => c.name).join(' ')
}

/**
 * The container a request addresses: the `container` parameter, else the only container, else
 * the `kubectl.kubernetes.io/default-container` annotation (kubectl resolves that annotation
 * itself before calling; honouring it here helps other clients).
 */
export function resolveContainer(pod: Pod, requested: string | null): ContainerSpec {
  const name = pod.metadata.name ?? ''
  const containers = pod.spec?.containers ?? []
  const inits = pod.spec?.initContainers ?? []
  if (requested) {
    const found = containers.find((c) => c.name === requested) ?? inits.find((c) => c.name === requested)
    if (!found) throw badRequest(`container ${requested} is not valid for pod ${name}`)
    return found
  }
  if (containers.length === 1) return containers[0]
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`)
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container']
  const byAnnotation = annotated ? containers.find((c) => c.name === annotated) : undefined
  if (byAnnotation) return byAnnotation
  let message = `a container name must be specified for pod ${name}, choose one of: [${names(containers)}]`
  if (inits.length > 0) message += ` or one of the init containers: [${names(inits)}]`
  throw badRequest(message)
}

export function containerStatus(pod: Pod, container: string): ContainerStatus | undefined {
  return (
    pod.status?.containerStatuses?.find((s) => s.name === container) ??
    pod.status?.initContainerStatuses?.find((s) => s.name === container)
  )
}

/** One run of a container whose output can be read: [startedAt, finishedAt). */
export interface ContainerInstance {
  /** Which run this is (restartCount at the time it ran), so lines differ between runs. */
  run: number
  startedAt: number
  /** When it stopped; undefined while it runs. */
  finishedAt?: number
  exitCode?: number
  reason?: string
}

function parseTime(s: string | undefined): number | undefined {
  if (!s) return undefined
  const t = Date.parse(s)
  return Number.isNaN(t) ? undefined : t
}

/**
 * Which run of the container `kubectl logs` reads (the kubelet's validateContainerLogStatus),
 * or the kubelet's error for why there is none. A status the kubelet has not reported yet reads
 * as ContainerCreating, which is what a real kubelet reports for a bound pod it is starting.
 */
export function logInstance(pod: Pod, container: string, previous: boolean): ContainerInstance {
  const podName = pod.metadata.name ?? ''
  const cs = containerStatus(pod, container)
  const restarts = cs?.restartCount ?? 0
  const last = cs?.lastState?.terminated
  if (previous) {
    if (!last) throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`)
    const startedAt = parseTime(last.startedAt) ?? parseTime(last.finishedAt) ?? 0
    return {
      run: Math.max(0, restarts - 1),
      startedAt,
      finishedAt: parseTime(last.finishedAt) ?? startedAt,
      exitCode: last.exitCode,
      reason: last.reason,
    }
  }
  const state = cs?.state
  if (state?.running) {
    const startedAt = parseTime(state.running.startedAt) ?? parseTime(pod.status?.startTime) ?? 0
    return { run: restarts, startedAt }
  }
  if (state?.terminated) {
    const t = state.terminated
    const startedAt = parseTime(t.startedAt) ?? parseTime(t.finishedAt) ?? 0
    return { run: restarts, startedAt, finishedAt: parseTime(t.finishedAt) ?? startedAt, exitCode: t.exitCode }
  }
  if (last) {
    // Waiting to restart (CrashLoopBackOff): the kubelet serves the last run's logs.
    const startedAt = parseTime(last.startedAt) ?? parseTime(last.finishedAt) ?? 0
    return {
      run: Math.max(0, restarts - 1),
      startedAt,
      finishedAt: parseTime(last.finishedAt) ?? startedAt,
      exitCode: last.exitCode,
      reason: last.reason,
    }
  }
  const reason = state?.waiting?.reason ?? 'ContainerCreating'
  let why = reason
  if (reason === 'ErrImagePull') why = "image can't be pulled"
  else if (reason === 'ImagePullBackOff') why = 'trying and failing to pull image'
  throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${why}`)
}

/** True when the container has a running process that exec can join. */
export function isRunning(pod: Pod, container: string): boolean {
  return !!containerStatus(pod, container)?.state?.running
}

/** Shorthand for the 400 the API server answers when a pod has not been scheduled. */
export function noHost(podName: string): StatusError {
  return badRequest(`pod ${podName} does not have a host assigned`)
}
