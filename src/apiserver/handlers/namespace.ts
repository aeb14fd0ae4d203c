// PUT /api/v1/namespaces/NAME/finalize: the namespace controller's way of removing
// spec.finalizers once a terminating namespace is empty; nothing else of the object changes.

import { badRequest } from '../../machinery/errors.ts'
import { isPlainObject } from '../../machinery/object.ts'
import { decodeDocument, readBody } from '../http/body.ts'
import { chooseOutput } from '../http/negotiate.ts'
import type { RequestContext } from './context.ts'
import { writeQuery } from './options.ts'
import { writeObject } from './read.ts'

export async function handleNamespaceFinalize(ctx: RequestContext): Promise<void> {
  const { store, info, req, query } = ctx
  const output = chooseOutput(req.headers.accept, true)
  const opts = writeQuery(query)
  const body = decodeDocument(await readBody(req), req.headers['content-type'])
  if (!isPlainObject(body)) throw badRequest('the body of the request must be a Namespace object')
  const finalizers = (body.spec as { finalizers?: unknown } | undefined)?.finalizers ?? []
  if (!Array.isArray(finalizers) || finalizers.some((f) => typeof f !== 'string')) {
    throw badRequest('spec.finalizers must be a list of strings')
  }
  const rv = (body.metadata as { resourceVersion?: string } | undefined)?.resourceVersion
  const updated = await ctx.registry.namespaces().guaranteedUpdate(
    '',
    info.name,
    '',
    (current) => {
      current.spec = { ...(current.spec as object), finalizers }
      if (finalizers.length === 0) delete (current.spec as { finalizers?: unknown }).finalizers
      if (rv) current.metadata.resourceVersion = rv
      else delete current.metadata.resourceVersion
      return current
    },
    { dryRun: opts.dryRun },
  )
  void store
  writeObject(ctx, output, updated, 200)
}
