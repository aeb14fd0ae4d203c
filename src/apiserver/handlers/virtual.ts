// POST of a create-only kind that is answered, never stored (access reviews): the registered
// handler computes the response object from the request body and the caller's identity.

import type { UserInfo } from '../authn.ts'
import type { VirtualHandler } from '../authz/reviews.ts'
import { decodeDocument, readBody } from '../http/body.ts'
import { writeJson } from '../http/respond.ts'
import type { RequestContext } from './context.ts'
import { checkBodyKind } from './write.ts'

export async function handleVirtualCreate(ctx: RequestContext, handler: VirtualHandler, user: UserInfo): Promise<void> {
  const obj = checkBodyKind(ctx.store, decodeDocument(await readBody(ctx.req), ctx.req.headers['content-type']))
  obj.apiVersion = ctx.store.apiVersion
  obj.kind = ctx.store.def.kind
  writeJson(ctx.res, 201, await handler(obj, user, ctx.info.namespace))
}
