// Server-side apply: PATCH with application/apply-patch+yaml. The body is the manager's whole
// intent for the object; a missing object is created from it. fieldManager is required and
// force is allowed only here (apimachinery's patch validation).

import { StatusError } from '../../machinery/errors.ts'
import { parseYamlDoc, readBody } from '../http/body.ts'
import { chooseOutput } from '../http/negotiate.ts'
import { applyToStore, checkApplyConfiguration } from '../registry/apply.ts'
import type { RequestContext } from './context.ts'
import { validateFields } from './field-validation.ts'
import { writeQuery } from './options.ts'
import { writeObject } from './read.ts'
import { checkBodyKind } from './write.ts'

export async function handleApply(ctx: RequestContext): Promise<void> {
  const { store, req, info, query } = ctx
  const output = chooseOutput(req.headers.accept, true)
  const opts = writeQuery(query)
  const sub = info.subresource === 'status' ? 'status' : ''
  if (info.subresource && sub === '')
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
  const config = checkApplyConfiguration(checkBodyKind(store, parseYamlDoc(await readBody(req))), info.name)
  validateFields(ctx, config, opts)
  const { object, created } = await applyToStore(store, info.namespace, info.name, config, {
    manager: opts.fieldManager ?? '',
    force: opts.force,
    subresource: sub,
    dryRun: opts.dryRun,
  })
  writeObject(ctx, output, object, created ? 201 : 200)
}
