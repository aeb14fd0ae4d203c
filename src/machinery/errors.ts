// Kubernetes Status errors. Every failure that reaches a client is a StatusError, built only
// through the constructors below so that code, reason and message follow apimachinery's
// conventions (k8s.io/apimachinery/pkg/api/errors) and kubectl prints them the familiar way.

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'Timeout'
  | 'ServerTimeout'
  | 'InternalError'
  | 'ServiceUnavailable'

export interface StatusCause {
  reason?: string
  message?: string
  field?: string
}

export interface StatusDetails {
  name?: string
  group?: string
  kind?: string
  uid?: string
  causes?: StatusCause[]
  retryAfterSeconds?: number
}

export interface Status {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, unknown>
  status: 'Failure' | 'Success'
  message?: string
  reason?: StatusReason
  details?: StatusDetails
  code: number
}

export class StatusError extends Error {
  readonly status: Status
  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message)
    this.name = 'StatusError'
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }
    if (details) this.status.details = details
  }
  get code(): number {
    return this.status.code
  }
  get reason(): StatusReason | undefined {
    return this.status.reason
  }
}

/** The reason for each HTTP status that has one of its own (apimachinery's reasonForCode). */
const REASON_FOR_CODE: Readonly<Record<number, StatusReason>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
}

/** The StatusReason that goes with an HTTP status, or undefined for a status without one. */
export function reasonForCode(code: number): StatusReason | undefined {
  return REASON_FOR_CODE[code]
}

/** A group-qualified resource name as used in messages: "pods", "deployments.apps". */
export interface GroupResource {
  group: string
  resource: string
}

export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource
}

function details(gr: GroupResource, name?: string, extra?: Partial<StatusDetails>): StatusDetails {
  const d: StatusDetails = {}
  if (name !== undefined) d.name = name
  if (gr.group) d.group = gr.group
  d.kind = gr.resource
  return { ...d, ...extra }
}

export function notFound(gr: GroupResource, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, details(gr, name))
}

export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, details(gr, name))
}

export function conflict(gr: GroupResource, name: string, why: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`,
    details(gr, name),
  )
}

export const MODIFIED_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again'

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message)
}

export function unauthorized(message = 'Unauthorized'): StatusError {
  return new StatusError(401, 'Unauthorized', message)
}

export function forbidden(message: string, gr?: GroupResource, name?: string): StatusError {
  return new StatusError(403, 'Forbidden', message, gr ? details(gr, name) : undefined)
}

export function methodNotAllowed(message: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', message)
}

export function notAcceptable(message: string): StatusError {
  return new StatusError(406, 'NotAcceptable', message)
}

/** 410 Expired: a resourceVersion or continue token older than the retained history. */
export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message)
}

export function gone(message: string): StatusError {
  return new StatusError(410, 'Gone', message)
}

export function tooLarge(message: string): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', message)
}

export function unsupportedMediaType(message: string): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', message)
}

export function tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return new StatusError(429, 'TooManyRequests', message, { retryAfterSeconds })
}

export function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`)
}

export function timeout(message: string): StatusError {
  return new StatusError(504, 'Timeout', message)
}

export function serviceUnavailable(message: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', message)
}

/** One validation failure, located by a field path such as "metadata.name" or "spec.containers[0].image". */
export interface FieldError {
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueTypeInvalid'
    | 'FieldValueTooMany'
  field: string
  value?: unknown
  detail: string
}

export function fieldRequired(field: string, detail = 'Required value'): FieldError {
  return { type: 'FieldValueRequired', field, detail }
}

export function fieldInvalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, value, detail }
}

export function fieldForbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail }
}

export function fieldNotSupported(field: string, value: unknown, supported: string[]): FieldError {
  return {
    type: 'FieldValueNotSupported',
    field,
    value,
    detail: `supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
  }
}

function describeFieldError(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`
}

/** field.Error's ErrorBody(): the message without the field path (what a StatusCause carries). */
function fieldErrorBody(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueRequired':
      return `Required value${e.detail && e.detail !== 'Required value' ? `: ${e.detail}` : ''}`
    case 'FieldValueForbidden':
      return `Forbidden: ${e.detail}`
    case 'FieldValueNotSupported':
      return `Unsupported value: ${JSON.stringify(e.value)}: ${e.detail}`
    case 'FieldValueDuplicate':
      return `Duplicate value: ${JSON.stringify(e.value)}`
    case 'FieldValueTooLong':
      return `Too long: ${e.detail}`
    case 'FieldValueTooMany':
      return `Too many: ${renderValue(e.value)}: ${e.detail}`
    default:
      return `Invalid value: ${renderValue(e.value)}: ${e.detail}`
  }
}

/** Values in messages as apimachinery prints them (null is quoted there). */
function renderValue(v: unknown): string {
  return v === null || v === undefined ? '"null"' : JSON.stringify(v)
}

/** 422 Invalid, as apimachinery's NewInvalid: message lists every field error. */
export function invalid(kind: string, group: string, name: string, errs: FieldError[]): StatusError {
  const msgs = errs.map(describeFieldError)
  const body = msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`
  const d: StatusDetails = {
    name,
    kind,
    causes: errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  }
  if (group) d.group = group
  return new StatusError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${body}`, d)
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError
}

export function isNotFound(e: unknown): boolean {
  return e instanceof StatusError && e.code === 404
}

export function isConflict(e: unknown): boolean {
  return e instanceof StatusError && e.code === 409 && e.reason === 'Conflict'
}

export function isAlreadyExists(e: unknown): boolean {
  return e instanceof StatusError && e.reason === 'AlreadyExists'
}
