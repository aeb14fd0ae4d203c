// The autoscaling/v1 Scale subresource of deployments, replicasets and statefulsets (and CRDs
// with a scale subresource): `kubectl scale` PATCHes it with a merge patch, HPAs read it.

import { badRequest, conflict, MODIFIED_MESSAGE, notFound, unsupportedMediaType } from '../../machinery/errors.ts'
import type { ScaleDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { getPath, isPlainObject } from '../../machinery/object.ts'
import { applyJsonPatch } from '../../machinery/patch/json-patch.ts'
import { applyMergePatch } from '../../machinery/patch/merge-patch.ts'
import { formatLabelSelector } from '../../machinery/selectors/index.ts'
import { decodeDocument, mediaType, parseJson, readBody } from '../http/body.ts'
import { writeJson } from '../http/respond.ts'
import type { RequestContext } from './context.ts'
import { fieldManagerOf, writeQuery } from './options.ts'

function scaleDef(ctx: RequestContext): ScaleDef {
  const def = ctx.store.def.subresources.scale
  if (!def) throw notFound({ group: ctx.store.def.group, resource: `${ctx.store.def.plural}/scale` }, ctx.info.name)
  return def
}

export function toScale(obj: KubeObject, def: ScaleDef): Record<string, unknown> {
  const selector = def.labelSelectorPath ? getPath(obj, def.labelSelectorPath) : undefined
  const status: Record<string, unknown> = { replicas: Number(getPath(obj, def.statusReplicasPath) ?? 0) }
  if (typeof selector === 'string') status.selector = selector
  else if (isPlainObject(selector)) status.selector = formatLabelSelector(selector)
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: Number(getPath(obj, def.specReplicasPath) ?? 0) },
    status,
  }
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.')
  let cur = obj
  for (const p of parts.slice(0, -1)) {
    if (!isPlainObject(cur[p])) cur[p] = {}
    cur = cur[p] as Record<string, unknown>
  }
  cur[parts[parts.length - 1]] = value
}

export async function handleScale(ctx: RequestContext): Promise<void> {
  const { store, info, req, query } = ctx
  const def = scaleDef(ctx)
  if (info.verb === 'get') {
    writeJson(ctx.res, 200, toScale(await store.get(info.namespace, info.name), def))
    return
  }
  const opts = writeQuery(query)
  const body = await readBody(req)
  let input: unknown
  const type = mediaType(req.headers['content-type'])
  if (info.verb === 'patch') {
    if (
      type !== 'application/merge-patch+json' &&
      type !== 'application/json-patch+json' &&
      type !== 'application/strategic-merge-patch+json'
    ) {
      throw unsupportedMediaType(`the server does not support patch type ${type} on scale`)
    }
    input = parseJson(body)
  } else {
    input = decodeDocument(body, req.headers['content-type'])
  }
  const updated = await store.guaranteedUpdate(
    info.namespace,
    info.name,
    '',
    (current) => {
      const scale = toScale(current, def)
      let next: Record<string, unknown>
      if (info.verb === 'patch') {
        // Scale has no merge-keyed lists, so a strategic merge patch behaves as a merge patch.
        next = (
          type === 'application/json-patch+json' ? applyJsonPatch(scale, input) : applyMergePatch(scale, input)
        ) as Record<string, unknown>
      } else {
        if (!isPlainObject(input)) throw badRequest('the body of the request must be a Scale object')
        next = input
      }
      const replicas = (next.spec as { replicas?: unknown } | undefined)?.replicas
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw badRequest(
          `Scale.spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be a non-negative integer`,
        )
      }
      const rv = (next.metadata as { resourceVersion?: string } | undefined)?.resourceVersion
      if (info.verb === 'update' && rv && rv !== current.metadata.resourceVersion) {
        throw conflict(store.gr, info.name, MODIFIED_MESSAGE)
      }
      setPath(current, def.specReplicasPath, replicas)
      delete current.metadata.resourceVersion
      return current
    },
    {
      dryRun: opts.dryRun,
      fieldManager: fieldManagerOf(opts, req.headers['user-agent']),
      managedFieldsSubresource: 'scale',
    },
  )
  writeJson(ctx.res, 200, toScale(updated, def))
}
