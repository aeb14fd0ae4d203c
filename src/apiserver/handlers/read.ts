// GET, LIST and WATCH. Plain JSON responses are assembled from the stored JSON text without
// re-serialising objects; Tables and metadata-only views parse what they need.

import { stringify as toYaml } from 'yaml'
import type { KubeObject } from '../../machinery/object.ts'
import { chooseOutput, type OutputKind } from '../http/negotiate.ts'
import { writeJson, writeRaw } from '../http/respond.ts'
import { listObjects, type StoredObject } from '../registry/reader.ts'
import { buildTable, type IncludeObject, partialMetadata } from '../table.ts'
import type { RequestContext } from './context.ts'
import { intParam, readSelectors } from './options.ts'

export function includeObjectParam(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject')
  return v === 'None' || v === 'Object' ? v : 'Metadata'
}

export async function handleGet(ctx: RequestContext): Promise<void> {
  const { store, info, req } = ctx
  const output = chooseOutput(req.headers.accept, true)
  const kv = await store.getRaw(info.namespace, info.name)
  if (output === 'json') {
    writeRaw(ctx.res, 200, 'application/json', kv.value)
    return
  }
  const obj = JSON.parse(kv.value) as KubeObject
  writeObject(ctx, output, obj)
}

/** Writes one object in the negotiated representation. */
export function writeObject(ctx: RequestContext, output: OutputKind, obj: KubeObject, code = 200): void {
  switch (output) {
    case 'table':
      writeJson(
        ctx.res,
        code,
        buildTable(ctx.store.def, [obj], includeObjectParam(ctx.query), {
          resourceVersion: obj.metadata.resourceVersion,
        }),
      )
      return
    case 'metadata':
      writeJson(ctx.res, code, partialMetadata(obj))
      return
    case 'yaml':
      writeRaw(ctx.res, code, 'application/yaml', toYaml(obj))
      return
    default:
      writeJson(ctx.res, code, obj)
  }
}

export async function handleList(ctx: RequestContext): Promise<void> {
  const { store, query, info, req } = ctx
  const output = chooseOutput(req.headers.accept, true)
  const { labels, fields } = readSelectors(store, query)
  const page = await listObjects(store, info.namespace, {
    labels,
    fields,
    limit: intParam(query, 'limit'),
    continue: query.get('continue') ?? undefined,
    resourceVersion: query.get('resourceVersion') ?? undefined,
    resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
  })
  const meta: Record<string, unknown> = { resourceVersion: String(page.revision) }
  if (page.continue) meta.continue = page.continue
  if (page.remainingItemCount !== undefined) meta.remainingItemCount = page.remainingItemCount
  if (output === 'table') {
    writeJson(
      ctx.res,
      200,
      buildTable(store.def, objects(page.items), includeObjectParam(query), {
        resourceVersion: String(page.revision),
        continue: page.continue,
        remainingItemCount: page.remainingItemCount,
      }),
    )
    return
  }
  if (output === 'metadata') {
    writeJson(ctx.res, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: meta,
      items: page.items.map((o) => partialMetadata(o.object)),
    })
    return
  }
  if (output === 'yaml') {
    writeRaw(
      ctx.res,
      200,
      'application/yaml',
      toYaml({ kind: store.def.listKind, apiVersion: store.apiVersion, metadata: meta, items: objects(page.items) }),
    )
    return
  }
  // The list body is spliced from stored JSON: no parse or stringify per item.
  const head = `{"kind":${JSON.stringify(store.def.listKind)},"apiVersion":${JSON.stringify(store.apiVersion)},"metadata":${JSON.stringify(meta)},"items":[`
  const body = head + page.items.map((o) => o.raw).join(',') + ']}'
  writeRaw(ctx.res, 200, 'application/json', body)
}

function objects(items: StoredObject[]): KubeObject[] {
  return items.map((o) => o.object)
}
