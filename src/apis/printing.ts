// Shared Table cell helpers, ported from Kubernetes' printers
// (pkg/printers/internalversion/printers.go) and the apimachinery functions they call.

import type { Column } from '../machinery/kinds.ts'
import type { KubeObject } from '../machinery/object.ts'
import { DOC } from './docs.ts'
import { arr, type Json, rec, str, strMap } from './json.ts'

/**
 * apimachinery/pkg/util/duration.HumanDuration: a succinct duration with ~2-3 significant
 * figures ("45s", "119s", "3m20s", "25m", "5h30m", "20h", "3d4h", "45d", "2y100d", "9y").
 */
export function humanDuration(ms: number): string {
  // Allow deviation no more than 2 seconds (excluded) to tolerate machine time inconsistence.
  const seconds = Math.trunc(ms / 1000)
  if (seconds < -1) return '<invalid>'
  if (seconds < 0) return '0s'
  if (seconds < 60 * 2) return `${seconds}s`
  const minutes = Math.trunc(ms / 60_000)
  if (minutes < 10) {
    const s = seconds % 60
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`
  }
  if (minutes < 60 * 3) return `${minutes}m`
  const hours = Math.trunc(ms / 3_600_000)
  if (hours < 8) {
    const m = minutes % 60
    return m === 0 ? `${hours}h` : `${hours}h${m}m`
  }
  if (hours < 48) return `${hours}h`
  const days = Math.trunc(hours / 24)
  if (hours < 24 * 8) {
    const h = hours % 24
    return h === 0 ? `${days}d` : `${days}d${h}h`
  }
  if (hours < 24 * 365 * 2) return `${days}d`
  const years = Math.trunc(days / 365)
  if (hours < 24 * 365 * 8) {
    const dy = days % 365
    return dy === 0 ? `${years}y` : `${years}y${dy}d`
  }
  return `${years}y`
}

/** Milliseconds since the epoch of an RFC 3339 (micro)timestamp, or null when unset/invalid. */
export function timestampMs(ts: unknown): number | null {
  if (typeof ts !== 'string' || ts === '') return null
  const ms = Date.parse(ts)
  return Number.isNaN(ms) ? null : ms
}

/** printers.go translateTimestampSince: "<unknown>" for a zero time. */
export function since(ts: unknown, now: number): string {
  const ms = timestampMs(ts)
  return ms === null ? '<unknown>' : humanDuration(now - ms)
}

/** The AGE column every printer ends its standard columns with. */
export function ageColumn(): Column {
  return {
    name: 'Age',
    type: 'string',
    description: DOC.creationTimestamp,
    priority: 0,
    cell: (obj, now) => since(obj.metadata.creationTimestamp, now),
  }
}

/**
 * The only column of apiserver's default table convertor (registry/rest/table.go) after NAME:
 * "Created At", an RFC 3339 UTC timestamp. Used by kinds without a printer (Role, ClusterRole,
 * LimitRange, CustomResourceDefinition).
 */
export function createdAtColumn(): Column {
  return {
    name: 'Created At',
    type: 'date',
    description: DOC.creationTimestamp,
    priority: 0,
    cell: (obj) => {
      const ms = timestampMs(obj.metadata.creationTimestamp)
      return ms === null ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
    },
  }
}

/**
 * A column, "string" unless told. Types follow Kubernetes' declarations even where its cells
 * are numbers or booleans (ConfigMap DATA, Deployment UP-TO-DATE are declared "string"; CronJob
 * SUSPEND is declared "boolean" but prints "True"/"False"/"<unset>").
 */
export function column(
  name: string,
  description: string,
  cell: Column['cell'],
  opts: { type?: Column['type']; priority?: number } = {},
): Column {
  return { name, type: opts.type ?? 'string', description, priority: opts.priority ?? 0, cell }
}

/** apimachinery labels.FormatLabels: "k1=v1,k2=v2" sorted by key, "<none>" when empty. */
export function formatLabels(labels: unknown): string {
  const m = strMap(labels)
  const keys = Object.keys(m).sort()
  if (keys.length === 0) return '<none>'
  return keys.map((k) => `${k}=${m[k]}`).join(',')
}

function sortedValues(values: unknown): string[] {
  return arr(values)
    .filter((v): v is string => typeof v === 'string')
    .sort()
}

/**
 * metav1.LabelSelectorAsSelector(sel).String(): requirements sorted by key, "" for an empty or
 * missing selector, null when the selector is invalid (unknown operator, wrong value count).
 */
export function labelSelectorString(selector: unknown): string | null {
  const sel = rec(selector)
  const reqs: { key: string; text: string }[] = []
  for (const [k, v] of Object.entries(strMap(sel.matchLabels))) reqs.push({ key: k, text: `${k}=${v}` })
  for (const e of arr(sel.matchExpressions)) {
    const expr = rec(e)
    const key = str(expr.key)
    const values = sortedValues(expr.values)
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return null
        reqs.push({ key, text: `${key} ${expr.operator === 'In' ? 'in' : 'notin'} (${values.join(',')})` })
        break
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return null
        reqs.push({ key, text: expr.operator === 'Exists' ? key : `!${key}` })
        break
      default:
        return null
    }
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return reqs.map((r) => r.text).join(',')
}

/** metav1.FormatLabelSelector: "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(selector: unknown): string {
  const s = labelSelectorString(selector)
  if (s === null) return '<error>'
  return s === '' ? '<none>' : s
}

/** Whether a label selector (matchLabels + matchExpressions) selects the given labels. */
export function selectorMatches(selector: unknown, labels: unknown): boolean {
  const sel = rec(selector)
  const have = strMap(labels)
  for (const [k, v] of Object.entries(strMap(sel.matchLabels))) if (have[k] !== v) return false
  for (const e of arr(sel.matchExpressions)) {
    const expr = rec(e)
    const key = str(expr.key)
    const values = sortedValues(expr.values)
    const present = Object.hasOwn(have, key)
    switch (expr.operator) {
      case 'In':
        if (!present || !values.includes(have[key])) return false
        break
      case 'NotIn':
        if (present && values.includes(have[key])) return false
        break
      case 'Exists':
        if (!present) return false
        break
      case 'DoesNotExist':
        if (present) return false
        break
      default:
        return false
    }
  }
  return true
}

/** printers.go layoutContainerCells: container names and images, each joined with ",". */
export function containerCells(podSpec: unknown): { names: string; images: string } {
  const containers = arr(rec(podSpec).containers).map(rec)
  return {
    names: containers.map((c) => str(c.name)).join(','),
    images: containers.map((c) => str(c.image)).join(','),
  }
}

/** The wide CONTAINERS and IMAGES columns of workload printers, reading the pod template. */
export function containerColumns(templateSpec: (obj: KubeObject) => unknown): Column[] {
  return [
    column('Containers', 'Names of each container in the template.', (o) => containerCells(templateSpec(o)).names, {
      priority: 1,
    }),
    column(
      'Images',
      'Images referenced by each container in the template.',
      (o) => containerCells(templateSpec(o)).images,
      {
        priority: 1,
      },
    ),
  ]
}

/** printers.go printBoolPtr: "True", "False" or "<unset>". */
export function boolPtr(v: unknown): string {
  if (typeof v !== 'boolean') return '<unset>'
  return v ? 'True' : 'False'
}

/** A resource.Quantity as the API gave it; Go's zero Quantity prints "0". */
export function quantity(v: unknown): string {
  if (typeof v === 'number') return String(v)
  return typeof v === 'string' && v !== '' ? v : '0'
}

/** An IntOrString (PDB minAvailable, ports) as intstr.String() prints it. */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(v) : str(v)
}

/** Joins a list with "," (like most printers), or "<none>" when it is empty. */
export function joinOrNone(list: string[], separator = ','): string {
  return list.length > 0 ? list.join(separator) : '<none>'
}

/** printers.go listWithMoreString-style joining: the first `max` items, then " + N more...". */
export function joinWithMore(list: string[], max: number, separator = ','): string {
  if (list.length <= max) return list.join(separator)
  return `${list.slice(0, max).join(separator)} + ${list.length - max} more...`
}

/** The pod template spec of workloads (spec.template.spec). */
export function templateSpec(obj: KubeObject): Json {
  return rec(rec(rec(obj.spec).template).spec)
}
