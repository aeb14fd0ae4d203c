// API defaults for pods and pod templates (pkg/apis/core/v1/defaults.go): what makes a pod spec
// read back as on a real cluster. SetDefaults_PodSpec, _Container, _Probe, _Volume and friends
// apply wherever a pod spec appears (pods and the templates of workloads); SetDefaults_Pod's
// extras (enableServiceLinks, requests from limits, host-network ports) only to Pods.

import { isPlainObject } from '../machinery/object.ts'
import { arr, ensure, type Json, rec, setDefault, str } from './json.ts'

/**
 * SetDefaults_Container's imagePullPolicy: Always when the image's tag is "latest" or when it
 * names neither a tag nor a digest (ParseImageName then reports "latest"), else IfNotPresent.
 */
export function defaultPullPolicy(image: string): string {
  if (image === '') return 'IfNotPresent'
  const at = image.indexOf('@')
  const name = at >= 0 ? image.slice(0, at) : image
  const last = name.slice(name.lastIndexOf('/') + 1)
  const colon = last.indexOf(':')
  const tag = colon >= 0 ? last.slice(colon + 1) : ''
  if (tag === 'latest') return 'Always'
  return tag === '' && at < 0 ? 'Always' : 'IfNotPresent'
}

/** SetDefaults_HTTPGetAction (probes and lifecycle handlers). */
function defaultHandler(h: unknown): void {
  if (!isPlainObject(h)) return
  if (isPlainObject(h.httpGet)) {
    setDefault(h.httpGet, 'path', '/')
    setDefault(h.httpGet, 'scheme', 'HTTP')
  }
  // GRPCAction.service is declared with default "".
  if (isPlainObject(h.grpc)) setDefault(h.grpc, 'service', '')
}

/** SetDefaults_Probe. */
function defaultProbe(p: unknown): void {
  if (!isPlainObject(p)) return
  setDefault(p, 'timeoutSeconds', 1)
  setDefault(p, 'periodSeconds', 10)
  setDefault(p, 'successThreshold', 1)
  setDefault(p, 'failureThreshold', 3)
  defaultHandler(p)
}

/** SetDefaults_ObjectFieldSelector: a fieldRef's apiVersion is v1. */
function defaultFieldRef(holder: unknown): void {
  const ref = rec(holder).fieldRef
  if (isPlainObject(ref)) setDefault(ref, 'apiVersion', 'v1')
}

function defaultContainer(c: Json): void {
  setDefault(c, 'imagePullPolicy', defaultPullPolicy(str(c.image)))
  setDefault(c, 'terminationMessagePath', '/dev/termination-log')
  setDefault(c, 'terminationMessagePolicy', 'File')
  // ResourceRequirements is a struct, not a pointer: a real server always shows `resources: {}`.
  setDefault(c, 'resources', {})
  for (const p of arr(c.ports)) if (isPlainObject(p)) setDefault(p, 'protocol', 'TCP')
  for (const e of arr(c.env)) defaultFieldRef(rec(e).valueFrom)
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe])
  const lifecycle = rec(c.lifecycle)
  for (const hook of ['postStart', 'preStop']) defaultHandler(lifecycle[hook])
}

const OCTAL_644 = 420

/** SetDefaults_Volume and the defaults of the volume sources users write most. */
function defaultVolume(v: Json): void {
  // A volume that names no source is an emptyDir.
  if (Object.keys(v).every((k) => k === 'name' || v[k] === undefined || v[k] === null)) v.emptyDir = {}
  for (const source of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const s = v[source]
    if (isPlainObject(s)) setDefault(s, 'defaultMode', OCTAL_644)
  }
  for (const item of arr(rec(v.downwardAPI).items)) defaultFieldRef(item)
  for (const p of arr(rec(v.projected).sources)) {
    const sa = rec(p).serviceAccountToken
    if (isPlainObject(sa)) setDefault(sa, 'expirationSeconds', 3600)
    for (const item of arr(rec(rec(p).downwardAPI).items)) defaultFieldRef(item)
  }
  if (isPlainObject(v.hostPath)) setDefault(v.hostPath, 'type', '')
  const claimSpec = rec(rec(v.ephemeral).volumeClaimTemplate).spec
  if (isPlainObject(claimSpec)) setDefault(claimSpec, 'volumeMode', 'Filesystem')
}

/** SetDefaults_PodSpec, plus the container and volume defaults under it (pods and templates). */
export function defaultPodSpec(spec: Json): void {
  setDefault(spec, 'restartPolicy', 'Always')
  setDefault(spec, 'dnsPolicy', 'ClusterFirst')
  setDefault(spec, 'schedulerName', 'default-scheduler')
  setDefault(spec, 'terminationGracePeriodSeconds', 30)
  setDefault(spec, 'securityContext', {})
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)]) {
    if (isPlainObject(c)) defaultContainer(c)
  }
  for (const v of arr(spec.volumes)) if (isPlainObject(v)) defaultVolume(v)
}

/**
 * A Pod's spec: defaultPodSpec plus SetDefaults_Pod, which Kubernetes keeps off pod templates
 * (a Deployment's template shows no enableServiceLinks and no requests copied from limits).
 */
export function defaultPod(spec: Json): void {
  defaultPodSpec(spec)
  setDefault(spec, 'enableServiceLinks', true)
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers)]) {
    if (!isPlainObject(c)) continue
    // A limit without a request makes the request equal to the limit.
    const resources = rec(c.resources)
    const limits = rec(resources.limits)
    if (Object.keys(limits).length > 0) {
      const requests = ensure(resources, 'requests')
      for (const [name, q] of Object.entries(limits)) setDefault(requests, name, q)
      c.resources = resources
    }
    // With host networking, container ports are host ports.
    if (spec.hostNetwork === true) {
      for (const p of arr(c.ports)) if (isPlainObject(p) && !p.hostPort) p.hostPort = p.containerPort
    }
  }
}

/** Defaults the pod template of a workload spec (spec.template.spec), when there is one. */
export function defaultTemplate(spec: Json): void {
  const podSpec = rec(spec.template).spec
  if (isPlainObject(podSpec)) defaultPodSpec(podSpec)
}

/** True for a restartable init container (a sidecar: restartPolicy "Always"). */
export function isRestartableInitContainer(c: unknown): boolean {
  return str(rec(c).restartPolicy) === 'Always'
}
