// Building audit.k8s.io/v1 Event objects (Metadata level) from what the request pipeline learnt
// about a request. Field names and shapes follow k8s.io/apiserver/pkg/apis/audit/v1: optional
// fields are omitted when empty, timestamps are RFC 3339 with microseconds (metav1.MicroTime).
// Nothing from request or response bodies is ever included, and the request URI has
// credential-like query parameters redacted, so Secret data and tokens cannot reach the log.

import { reasonForCode, type Status } from '../../machinery/errors.ts'
import type { UserInfo } from '../authn.ts'
import type { Decision } from '../authz/attributes.ts'
import type { RequestInfo } from '../request-info.ts'

export interface AuditUser {
  username?: string
  uid?: string
  groups?: string[]
  extra?: Record<string, string[]>
}

export interface AuditObjectRef {
  resource?: string
  namespace?: string
  name?: string
  apiGroup?: string
  apiVersion?: string
  subresource?: string
}

export interface AuditResponseStatus {
  metadata: Record<string, never>
  status?: 'Success' | 'Failure'
  message?: string
  reason?: string
  details?: Status['details']
  code: number
}

export interface AuditEvent {
  kind: 'Event'
  apiVersion: 'audit.k8s.io/v1'
  level: 'Metadata'
  auditID: string
  stage: 'ResponseStarted' | 'ResponseComplete' | 'Panic'
  requestURI: string
  verb: string
  user: AuditUser
  impersonatedUser?: AuditUser
  sourceIPs?: string[]
  userAgent?: string
  objectRef?: AuditObjectRef
  responseStatus?: AuditResponseStatus
  requestReceivedTimestamp: string
  stageTimestamp: string
  annotations?: Record<string, string>
}

/** Annotation keys; the authorization ones are kube-apiserver's own. */
export const DECISION_ANNOTATION = 'authorization.k8s.io/decision'
export const REASON_ANNOTATION = 'authorization.k8s.io/reason'
export const CLUSTER_ANNOTATION = 'platform.flotilla.dev/cluster'
export const MEMBER_VERB_ANNOTATION = 'platform.flotilla.dev/member-verb'
export const MEMBER_RESOURCE_ANNOTATION = 'platform.flotilla.dev/member-resource'
export const MEMBER_NAMESPACE_ANNOTATION = 'platform.flotilla.dev/member-namespace'
export const MEMBER_NAME_ANNOTATION = 'platform.flotilla.dev/member-name'
export const MEMBER_PATH_ANNOTATION = 'platform.flotilla.dev/member-path'

/**
 * Everything known about one audited request. The server fills it in as the request goes
 * through the pipeline (authentication, impersonation, authorization, the handler) and turns it
 * into an Event when the response completes.
 */
export interface AuditRecord {
  auditID: string
  /** The request target as received (path and query). */
  requestURI: string
  info: RequestInfo
  /** Wall-clock time the request arrived, in fractional milliseconds since the epoch. */
  receivedMs: number
  sourceIP?: string
  userAgent?: string
  /** The authenticated user (before impersonation). */
  user?: UserInfo
  /** Whom the request ran as, when impersonation headers were honoured. */
  impersonatedUser?: UserInfo
  decision?: Decision
  /** The failure written for the request, when it failed through the error path. */
  error?: Status
  /** Name of the object a create made (the URL of a create carries none). */
  createdName?: string
  /** Extra annotations decided before the request ran (member cluster of a proxied request). */
  annotations?: Record<string, string>
  /** Set once its ResponseComplete event is written: it is written once. */
  completed?: boolean
}

export function buildEvent(
  rec: AuditRecord,
  code: number,
  stageMs: number,
  stage: AuditEvent['stage'] = 'ResponseComplete',
): AuditEvent {
  const info = rec.info
  // Assigned in the order kube-apiserver writes the fields, so lines read the same.
  const ev = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: rec.auditID,
    stage,
    requestURI: redactRequestURI(rec.requestURI),
    verb: info.isResourceRequest ? info.verb : info.verb.toLowerCase(),
    user: auditUser(rec.user),
  } as AuditEvent
  if (rec.impersonatedUser) ev.impersonatedUser = auditUser(rec.impersonatedUser)
  if (rec.sourceIP) ev.sourceIPs = [rec.sourceIP]
  if (rec.userAgent) ev.userAgent = rec.userAgent
  if (info.isResourceRequest) ev.objectRef = objectRef(info, rec.createdName)
  if (stage !== 'ResponseStarted' || code > 0) ev.responseStatus = responseStatus(code, rec.error)
  ev.requestReceivedTimestamp = microTime(rec.receivedMs)
  ev.stageTimestamp = microTime(stageMs)
  if (rec.decision) {
    ev.annotations = {
      ...rec.annotations,
      [DECISION_ANNOTATION]: rec.decision.allowed ? 'allow' : 'forbid',
      [REASON_ANNOTATION]: rec.decision.reason,
    }
  } else if (rec.annotations) {
    ev.annotations = rec.annotations
  }
  return ev
}

function auditUser(u: UserInfo | undefined): AuditUser {
  if (!u) return {}
  const out: AuditUser = { username: u.username }
  if (u.uid) out.uid = u.uid
  // Shared with the request, not copied: the event is serialised at once and not kept.
  if (u.groups.length > 0) out.groups = u.groups
  if (u.extra && Object.keys(u.extra).length > 0) out.extra = u.extra
  return out
}

function objectRef(info: RequestInfo, createdName: string | undefined): AuditObjectRef {
  const ref: AuditObjectRef = {}
  if (info.resource) ref.resource = info.resource
  if (info.namespace) ref.namespace = info.namespace
  const name = info.name || createdName
  if (name) ref.name = name
  if (info.apiGroup) ref.apiGroup = info.apiGroup
  if (info.apiVersion) ref.apiVersion = info.apiVersion
  // A proxied request's subresource is "proxy": the rest of the path is the member's request.
  const sub = info.subresource.startsWith('proxy/') ? 'proxy' : info.subresource
  if (sub) ref.subresource = sub
  return ref
}

/** Longest status message kept: messages can quote user input, and the log is not a dump. */
const MAX_MESSAGE = 1024

function responseStatus(code: number, err: Status | undefined): AuditResponseStatus {
  const s: AuditResponseStatus = { metadata: {}, code }
  if (code < 400) return s
  s.status = 'Failure'
  if (err && err.code === code) {
    if (err.message)
      s.message = err.message.length > MAX_MESSAGE ? `${err.message.slice(0, MAX_MESSAGE)}…` : err.message
    if (err.reason) s.reason = err.reason
    if (err.details) s.details = err.details
  } else {
    const reason = reasonForCode(code)
    if (reason) s.reason = reason
  }
  return s
}

/** metav1.MicroTime's JSON form: "2006-01-02T15:04:05.000000Z" (UTC, microseconds). */
export function microTime(ms: number): string {
  const whole = Math.floor(ms)
  const micros = Math.floor((ms - whole) * 1000)
  const iso = new Date(whole).toISOString() // ...SS.mmmZ
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`
}

/** Query parameter names that suggest a credential: their values never reach the log. */
const CREDENTIAL_PARAM = /token|passw|secret|credential|auth|apikey|api[-_]key|signature|^sig$|^key$/i

/** The request URI with the values of credential-like query parameters replaced by "REDACTED". */
export function redactRequestURI(uri: string): string {
  const q = uri.indexOf('?')
  if (q < 0) return uri
  const parts = uri.slice(q + 1).split('&')
  let changed = false
  for (let i = 0; i < parts.length; i++) {
    const eq = parts[i].indexOf('=')
    const rawName = eq < 0 ? parts[i] : parts[i].slice(0, eq)
    let name = rawName
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '))
    } catch {
      // Undecodable names are judged as sent.
    }
    if (eq >= 0 && CREDENTIAL_PARAM.test(name)) {
      parts[i] = `${rawName}=REDACTED`
      changed = true
    }
  }
  return changed ? `${uri.slice(0, q)}?${parts.join('&')}` : uri
}
