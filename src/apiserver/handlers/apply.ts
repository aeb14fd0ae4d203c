// Server-side apply: PATCH with application/apply-patch+yaml. The body is the manager's whole
// intent for the object; a missing object is created from it. fieldManager is required and
// force is allowed only here (apimachinery's patch validation).

import { applyConfiguration } from '../../machinery/apply/managed-fields.ts'
import { badRequest, isNotFound, StatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { timestamp } from '../../machinery/object.ts'
import { parseYamlDoc, readBody } from '../http/body.ts'
import { chooseOutput } from '../http/negotiate.ts'
import type { RequestContext } from './context.ts'
import { writeQuery } from './options.ts'
import { writeObject } from './read.ts'
import { checkBodyKind } from './write.ts'

export async function handleApply(ctx: RequestContext): Promise<void> {
  const { store, req, info, query } = ctx
  const output = chooseOutput(req.headers.accept, true)
  const opts = writeQuery(query)
  if (!opts.fieldManager) {
    throw new StatusError(
      422,
      'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      {
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: is required for apply patch',
            field: 'fieldManager',
          },
        ],
      },
    )
  }
  const sub = info.subresource === 'status' ? 'status' : ''
  if (info.subresource && sub === '')
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
  const config = parseYamlDoc(await readBody(req))
  const obj = checkBodyKind(store, config)
  if (obj.apiVersion === undefined || obj.kind === undefined) {
    throw badRequest('apiVersion and kind must be set in an apply configuration')
  }
  if (obj.metadata.name !== undefined && obj.metadata.name !== info.name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`)
  }
  obj.metadata.name = info.name
  const tracking = {
    manager: opts.fieldManager,
    apiVersion: store.apiVersion,
    subresource: sub,
    statusSubresource: store.def.subresources.status,
    schema: store.mergeSchema,
    now: timestamp(),
    force: opts.force ?? false,
  }
  const precondition = obj.metadata.resourceVersion
  let result: KubeObject
  try {
    result = await store.guaranteedUpdate(
      info.namespace,
      info.name,
      sub,
      (current) => {
        const next = applyConfiguration(current, obj, tracking)
        if (precondition) next.metadata.resourceVersion = precondition
        else delete next.metadata.resourceVersion
        return next
      },
      { dryRun: opts.dryRun, managedFieldsDone: true },
    )
  } catch (e) {
    if (!isNotFound(e) || sub === 'status') throw e
    const created = applyConfiguration(undefined, obj, tracking)
    result = await store.create(info.namespace, created, { dryRun: opts.dryRun, managedFieldsDone: true })
    writeObject(ctx, output, result, 201)
    return
  }
  writeObject(ctx, output, result, 200)
}
