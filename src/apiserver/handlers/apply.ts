// Server-side apply: PATCH with application/apply-patch+yaml. The body is the manager's whole
// intent for the object; a missing object is created from it. fieldManager is required and
// force is allowed only here (apimachinery's patch validation).

import type { Schema } from '../../apis/schemas/types.ts'
import { formatPath } from '../../machinery/apply/path-set.ts'
import { childSchema, itemSchema, keyElement, listType, valueElement } from '../../machinery/apply/schema-walk.ts'
import { badRequest, StatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { findUnknownFields, type JSONSchemaProps } from '../../machinery/schema/index.ts'
import { parseYamlDoc, readBody } from '../http/body.ts'
import { chooseOutput } from '../http/negotiate.ts'
import { applyToStore, checkApplyConfiguration } from '../registry/apply.ts'
import type { RequestContext } from './context.ts'
import { firstTypeError } from './decode-types.ts'
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
  checkDeclaredFields(ctx, config)
  validateFields(ctx, config, opts)
  const { object, created } = await applyToStore(store, info.namespace, info.name, config, {
    manager: opts.fieldManager ?? '',
    force: opts.force,
    subresource: sub,
    dryRun: opts.dryRun,
  })
  writeObject(ctx, output, object, created ? 201 : 200)
}

/**
 * Server-side apply first converts the configuration to its typed form, and a field the schema
 * does not declare fails that conversion whatever fieldValidation says. The message is
 * structured-merge-diff's, with list-map elements named by key: `failed to create typed patch
 * object (default/web; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema`.
 * (kube-apiserver answers it as a 500; a 400, as upstream intends, with the same text.)
 */
function checkDeclaredFields(ctx: RequestContext, config: KubeObject): void {
  const schema = ctx.store.mergeSchema
  if (!schema) return
  const errs = findUnknownFields(config, schema as JSONSchemaProps, { isResourceRoot: true }).map(
    (p) => `${typedPath(config, p, schema)}: field not declared in schema`,
  )
  const wrongType = ctx.store.def.custom ? undefined : firstTypeError(config, schema, ctx.store.def.kind)
  if (wrongType)
    errs.push(`${typedPath(config, wrongType.at, schema)}: expected ${wrongType.expected}, got ${wrongType.found}`)
  if (errs.length === 0) return
  const api = ctx.store.apiVersion
  const gvk = `${api.includes('/') ? api : `/${api}`}, Kind=${ctx.store.def.kind}`
  const where = `${config.metadata.namespace ?? ''}/${config.metadata.name ?? ''}; ${gvk}`
  const body = errs.length === 1 ? errs[0] : `errors:\n  ${errs.join('\n  ')}`
  throw badRequest(`failed to create typed patch object (${where}): ${body}`)
}

/** "spec.containers[0].foo" as structured-merge-diff prints it: .spec.containers[name="c"].foo */
function typedPath(value: unknown, path: string, schema: Schema | undefined): string {
  const elements: string[] = []
  let v = value
  let s = schema
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] === undefined) {
      elements.push(`f:${m[1]}`)
      v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[m[1]] : undefined
      s = childSchema(s, m[1])
      continue
    }
    const i = Number(m[2])
    const item = Array.isArray(v) ? v[i] : undefined
    const lt = listType(s)
    const key = lt.type === 'map' ? keyElement(item, lt.keys, itemSchema(s)) : undefined
    elements.push(key ?? (lt.type === 'set' ? valueElement(item) : `i:${i}`))
    v = item
    s = itemSchema(s)
  }
  return formatPath(elements)
}
