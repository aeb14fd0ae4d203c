// The events.k8s.io group, v1: Event. Kubernetes serves it from the core Event storage and
// prints it with the core printer (printers.go printEvent) after conversion, so the columns
// are the core ones read through the events.k8s.io field names (regarding, note, deprecated*).
// Field selectors: pkg/apis/events/v1 AddFieldLabelConversionsForEvent.

import { type FieldError, fieldInvalid, fieldRequired } from '../../machinery/errors.ts'
import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { type EventView, eventColumns } from '../core/event.ts'
import { num, rec, str } from '../json.ts'

function view(o: KubeObject): EventView {
  return {
    firstTimestamp: o.deprecatedFirstTimestamp,
    lastTimestamp: o.deprecatedLastTimestamp,
    eventTime: o.eventTime,
    count: num(o.deprecatedCount),
    series: o.series && typeof o.series === 'object' ? rec(o.series) : null,
    involvedObject: rec(o.regarding),
    type: str(o.type),
    reason: str(o.reason),
    message: str(o.note),
    source: rec(o.deprecatedSource),
    reportingController: str(o.reportingController),
    reportingInstance: str(o.reportingInstance),
  }
}

/** The strict events.k8s.io/v1 checks of ValidateEventCreate that recorders hit first. */
function validate(ev: KubeObject): FieldError[] {
  const errs: FieldError[] = []
  if (str(ev.eventTime) === '') errs.push(fieldRequired('eventTime'))
  if (ev.type !== 'Normal' && ev.type !== 'Warning')
    errs.push(fieldInvalid('type', '', `has invalid value: ${str(ev.type)}`))
  for (const f of ['reportingController', 'reportingInstance', 'action', 'reason']) {
    if (str(ev[f]) === '') errs.push(fieldRequired(f))
  }
  if (str(ev.note).length > 1024) {
    errs.push(fieldInvalid('note', '', 'can have at most 1024 characters'))
  }
  return errs
}

const regarding = (field: string) => (o: KubeObject) => str(rec(o.regarding)[field])

/** Field renames between events.k8s.io/v1 and core/v1 (pkg/apis/events/v1 conversion). */
const RENAMES: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
]

function rename(obj: KubeObject, apiVersion: string, pairs: [string, string][]): KubeObject {
  const out: KubeObject = { ...obj, apiVersion, kind: 'Event' }
  for (const [from, to] of pairs) {
    delete out[to]
    if (obj[from] !== undefined) out[to] = obj[from]
    delete out[from]
  }
  return out
}

export const eventsEvent: KindDef = defineKind({
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  scope: 'Namespaced',
  // One storage with core/v1 Events: both APIs show the same events.
  sharedStorage: {
    group: '',
    plural: 'events',
    toStorage: (o) => rename(o, 'v1', RENAMES),
    fromStorage: (o) =>
      rename(
        o,
        'events.k8s.io/v1',
        RENAMES.map(([a, b]) => [b, a]),
      ),
  },
  shortNames: ['ev'],
  columns: eventColumns(view),
  fieldSelectors: {
    'regarding.kind': regarding('kind'),
    'regarding.namespace': regarding('namespace'),
    'regarding.name': regarding('name'),
    'regarding.uid': regarding('uid'),
    'regarding.apiVersion': regarding('apiVersion'),
    'regarding.resourceVersion': regarding('resourceVersion'),
    'regarding.fieldPath': regarding('fieldPath'),
    reason: (o) => str(o.reason),
    reportingController: (o) => str(o.reportingController),
    source: (o) => str(rec(o.deprecatedSource).component) || str(o.reportingController),
    type: (o) => str(o.type),
  },
  validate,
})

export const eventsKinds: KindDef[] = [eventsEvent]
