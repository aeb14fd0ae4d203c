// core/v1 Event. Columns: printers.go eventColumnDefinitions / printEvent, shared with
// events.k8s.io/v1 (which Kubernetes serves from the same storage and prints the same way).
// Kubernetes lists NAME last (priority 1) for events; here the table printer puts it first.

import type { Column } from '../../machinery/kinds.ts'
import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { DOC } from '../docs.ts'
import { type Json, num, rec, str } from '../json.ts'
import { column, since, timestampMs } from '../printing.ts'

/** The fields printEvent reads, in core/v1 terms. */
export interface EventView {
  firstTimestamp: unknown
  lastTimestamp: unknown
  eventTime: unknown
  count: number
  series: Json | null
  involvedObject: Json
  type: string
  reason: string
  message: string
  source: Json
  reportingController: string
  reportingInstance: string
}

function coreView(o: KubeObject): EventView {
  return {
    firstTimestamp: o.firstTimestamp,
    lastTimestamp: o.lastTimestamp,
    eventTime: o.eventTime,
    count: num(o.count),
    series: o.series && typeof o.series === 'object' ? rec(o.series) : null,
    involvedObject: rec(o.involvedObject),
    type: str(o.type),
    reason: str(o.reason),
    message: str(o.message),
    source: rec(o.source),
    // core/v1 serialises ReportingController as "reportingComponent".
    reportingController: str(o.reportingComponent),
    reportingInstance: str(o.reportingInstance),
  }
}

function firstSeen(e: EventView, now: number): string {
  return timestampMs(e.firstTimestamp) === null ? since(e.eventTime, now) : since(e.firstTimestamp, now)
}

function lastSeen(e: EventView, now: number): string {
  if (e.series) return since(e.series.lastObservedTime, now)
  return timestampMs(e.lastTimestamp) === null ? firstSeen(e, now) : since(e.lastTimestamp, now)
}

function eventCount(e: EventView): number {
  if (e.series) return num(e.series.count)
  // Singleton events don't have a count set in the new API.
  return e.count === 0 ? 1 : e.count
}

function target(e: EventView): string {
  const kind = str(e.involvedObject.kind).toLowerCase()
  const name = str(e.involvedObject.name)
  return name ? `${kind}/${name}` : kind
}

/** formatEventSource: component (or reportingController), then ", host" (or reportingInstance). */
function eventSource(e: EventView): string {
  const component = str(e.source.component) || e.reportingController
  const host = str(e.source.host) || e.reportingInstance
  return host ? `${component}, ${host}` : component
}

/** The event columns over a view of the object (core/v1 or events.k8s.io/v1). */
export function eventColumns(view: (o: KubeObject) => EventView): Column[] {
  return [
    column('Last Seen', DOC.eventLastTimestamp, (o, now) => lastSeen(view(o), now)),
    column('Type', DOC.eventType, (o) => view(o).type),
    column('Reason', DOC.eventReason, (o) => view(o).reason),
    column('Object', DOC.eventInvolvedObject, (o) => target(view(o))),
    column('Subobject', DOC.objectReferenceFieldPath, (o) => str(view(o).involvedObject.fieldPath), { priority: 1 }),
    column('Source', DOC.eventSource, (o) => eventSource(view(o)), { priority: 1 }),
    column('Message', DOC.eventMessage, (o) => view(o).message.trim()),
    column('First Seen', DOC.eventFirstTimestamp, (o, now) => firstSeen(view(o), now), { priority: 1 }),
    column('Count', DOC.eventCount, (o) => eventCount(view(o)), { priority: 1 }),
  ]
}

const involved = (field: string) => (o: KubeObject) => str(rec(o.involvedObject)[field])

export const event: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  scope: 'Namespaced',
  shortNames: ['ev'],
  columns: eventColumns(coreView),
  // pkg/registry/core/event/strategy.go ToSelectableFields
  fieldSelectors: {
    'involvedObject.kind': involved('kind'),
    'involvedObject.namespace': involved('namespace'),
    'involvedObject.name': involved('name'),
    'involvedObject.uid': involved('uid'),
    'involvedObject.apiVersion': involved('apiVersion'),
    'involvedObject.resourceVersion': involved('resourceVersion'),
    'involvedObject.fieldPath': involved('fieldPath'),
    reason: (o) => str(o.reason),
    reportingComponent: (o) => str(o.reportingComponent),
    source: (o) => str(rec(o.source).component) || str(o.reportingComponent),
    type: (o) => str(o.type),
  },
})
