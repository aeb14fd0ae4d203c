// Query parameters shared by write requests (dryRun, fieldManager, fieldValidation) and by
// reads (selectors, paging, resourceVersion), validated as kube-apiserver validates them.

import { badRequest, StatusError } from '../../machinery/errors.ts'
import { checkFieldSelector, parseFieldSelector, parseLabelSelector } from '../../machinery/selectors/index.ts'
import type { Store } from '../registry/store.ts'

export interface WriteQuery {
  dryRun: boolean
  fieldManager?: string
  fieldValidation: 'Strict' | 'Warn' | 'Ignore'
  force?: boolean
}

function invalidParam(field: string, value: string, detail: string): StatusError {
  return new StatusError(422, 'Invalid', `${field}: Invalid value: "${value}": ${detail}`, {
    causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: "${value}": ${detail}`, field }],
  })
}

export function writeQuery(q: URLSearchParams): WriteQuery {
  const dry = q.getAll('dryRun')
  for (const d of dry) {
    if (d !== 'All') {
      throw new StatusError(400, 'BadRequest', `Invalid dry run value: "${d}": supported values: "All"`)
    }
  }
  const fv = q.get('fieldValidation') ?? 'Warn'
  const fieldValidation = ({ strict: 'Strict', warn: 'Warn', ignore: 'Ignore' } as const)[fv.toLowerCase() as 'strict']
  if (!fieldValidation) {
    throw badRequest(`fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`)
  }
  const fieldManager = q.get('fieldManager') ?? undefined
  if (fieldManager !== undefined && (fieldManager.length > 128 || /[^\x20-\x7e]/.test(fieldManager))) {
    throw invalidParam('fieldManager', fieldManager, 'must be no more than 128 printable characters')
  }
  const force = q.get('force')
  return { dryRun: dry.length > 0, fieldManager, fieldValidation, force: force === null ? undefined : force === 'true' }
}

export function readSelectors(store: Store, q: URLSearchParams) {
  const labels = parseLabelSelector(q.get('labelSelector') ?? '')
  const fields = parseFieldSelector(q.get('fieldSelector') ?? '')
  checkFieldSelector(store.def, fields)
  return { labels, fields }
}

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name)
  if (v === null || v === '') return undefined
  // Kubernetes parses these as int64: anything beyond it is malformed; large values clamp.
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid ${name}: ${v}`)
  const big = BigInt(v)
  if (big > 9223372036854775807n || big < -9223372036854775808n) throw badRequest(`invalid ${name}: ${v}`)
  return Number(
    big > BigInt(Number.MAX_SAFE_INTEGER)
      ? Number.MAX_SAFE_INTEGER
      : big < -BigInt(Number.MAX_SAFE_INTEGER)
        ? -Number.MAX_SAFE_INTEGER
        : big,
  )
}

export function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name)
  if (v === null || v === '') return undefined
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw badRequest(`invalid ${name}: ${v}`)
}

/** The field manager of a non-apply write: the fieldManager parameter, else the user agent's name. */
export function fieldManagerOf(q: WriteQuery, userAgent: string | undefined): string {
  if (q.fieldManager) return q.fieldManager
  // As apiserver's prefixFromUserAgent: "kubectl/v1.33.1 (linux/amd64) ..." -> "kubectl".
  const name = (userAgent ?? '').split('/')[0].trim()
  return name.slice(0, 128) || 'unknown'
}
