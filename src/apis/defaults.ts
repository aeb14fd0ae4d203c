// The few API defaults (pkg/apis/core/v1/defaults.go) a pod spec needs for printers, field
// selectors and controllers to behave as on a real cluster. Applied to pods and to the pod
// templates of workloads; a later issue brings the full defaulting.

import { isPlainObject } from '../machinery/object.ts'
import { arr, ensure, type Json, rec, setDefault, str } from './json.ts'

/** SetDefaults_Container's imagePullPolicy: Always for ":latest" or no tag, else IfNotPresent. */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent'
  const last = image.slice(image.lastIndexOf('/') + 1)
  const colon = last.indexOf(':')
  const tag = colon >= 0 ? last.slice(colon + 1) : ''
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent'
}

function defaultContainer(c: Json): void {
  if (typeof c.image === 'string') setDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image))
  setDefault(c, 'terminationMessagePath', '/dev/termination-log')
  setDefault(c, 'terminationMessagePolicy', 'File')
  for (const p of arr(c.ports)) setDefault(rec(p), 'protocol', 'TCP')
  // SetDefaults_Pod: a limit without a request makes the request equal to the limit.
  const resources = rec(c.resources)
  const limits = rec(resources.limits)
  if (Object.keys(limits).length > 0) {
    const requests = ensure(resources, 'requests')
    for (const [name, q] of Object.entries(limits)) setDefault(requests, name, q)
    c.resources = resources
  }
}

/** SetDefaults_PodSpec and SetDefaults_Container for the fields users see first. */
export function defaultPodSpec(spec: Json): void {
  setDefault(spec, 'restartPolicy', 'Always')
  setDefault(spec, 'dnsPolicy', 'ClusterFirst')
  setDefault(spec, 'schedulerName', 'default-scheduler')
  setDefault(spec, 'terminationGracePeriodSeconds', 30)
  setDefault(spec, 'securityContext', {})
  setDefault(spec, 'enableServiceLinks', true)
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers)]) if (isPlainObject(c)) defaultContainer(c)
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
