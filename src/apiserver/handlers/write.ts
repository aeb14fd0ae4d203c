// POST, PUT, PATCH, DELETE and DELETE-collection on a resource or its /status subresource.

import { badRequest, StatusError, unsupportedMediaType } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { isPlainObject } from '../../machinery/object.ts'
import { goFormat } from '../../machinery/patch/strategic/gofmt.ts'
import { countObjectKeys } from '../../machinery/schema/index.ts'
import { decodeDocument, mediaType, parseJson, readBody } from '../http/body.ts'
import { chooseOutput } from '../http/negotiate.ts'
import { successStatus, writeJson } from '../http/respond.ts'
import { PATCH_TYPES, patchApplier } from '../registry/patch.ts'
import { listObjects } from '../registry/reader.ts'
import type { DeleteOptions, Store, Subresource } from '../registry/store.ts'
import { handleApply } from './apply.ts'
import type { RequestContext } from './context.ts'
import { firstTypeError } from './decode-types.ts'
import { decodeError, duplicateFindings, patchError, validateFields } from './field-validation.ts'
import { boolParam, fieldManagerOf, intParam, readSelectors, type WriteQuery, writeQuery } from './options.ts'
import { writeObject } from './read.ts'

/** Checks that a request body is an object of this resource's kind and version. */
export function checkBodyKind(store: Store, body: unknown): KubeObject {
  if (!isPlainObject(body)) throw badRequest('the body of the request must be a JSON object')
  const obj = body as KubeObject
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {}
  if (!isPlainObject(obj.metadata)) throw badRequest('metadata: must be an object')
  for (const field of ['apiVersion', 'kind'] as const) {
    const v = obj[field]
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw badRequest(
        `couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v} into Go struct field .${field} of type string`,
      )
    }
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== store.apiVersion) {
    throw badRequest(
      `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${store.apiVersion})`,
    )
  }
  if (obj.kind !== undefined && obj.kind !== store.def.kind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${store.def.kind})`)
  }
  return obj
}

function subresourceOf(ctx: RequestContext): Subresource {
  const sub = ctx.info.subresource
  if (sub === '' || sub === 'status') return sub
  throw new StatusError(404, 'NotFound', `the server could not find the requested resource`)
}

/** Reads, decodes and checks an object body, applying fieldValidation to it. */
async function readObject(ctx: RequestContext, opts: WriteQuery): Promise<KubeObject> {
  const body = await readBody(ctx.req)
  const contentType = ctx.req.headers['content-type']
  const decoded = decodeDocument(body, contentType)
  // Counted before checkBodyKind may add a missing metadata.
  const decodedKeys = countObjectKeys(decoded)
  const obj = checkBodyKind(ctx.store, decoded)
  const wrongType = ctx.store.def.custom ? undefined : firstTypeError(obj, ctx.store.mergeSchema, ctx.store.def.kind)
  if (wrongType) throw decodeError(ctx)(wrongType.message)
  const binary = mediaType(contentType) === 'application/vnd.kubernetes.protobuf'
  const raw = binary ? undefined : { text: body.toString('utf8'), contentType, decodedKeys }
  validateFields(ctx, obj, opts, raw, decodeError(ctx))
  return obj
}

export async function handleCreate(ctx: RequestContext): Promise<void> {
  const { store, req, info, query } = ctx
  const output = chooseOutput(req.headers.accept, true)
  const opts = writeQuery(query)
  if (info.name) throw new StatusError(405, 'MethodNotAllowed', `POST is not allowed on a named ${store.def.singular}`)
  const obj = await readObject(ctx, opts)
  const created = await store.create(info.namespace, obj, {
    dryRun: opts.dryRun,
    fieldManager: fieldManagerOf(opts, req.headers['user-agent']),
  })
  if (ctx.audit) ctx.audit.createdName = created.metadata.name
  writeObject(ctx, output, created, 201)
}

export async function handleUpdate(ctx: RequestContext): Promise<void> {
  const { store, req, info, query } = ctx
  const output = chooseOutput(req.headers.accept, true)
  const opts = writeQuery(query)
  const obj = await readObject(ctx, opts)
  const updated = await store.update(info.namespace, info.name, obj, subresourceOf(ctx), {
    dryRun: opts.dryRun,
    fieldManager: fieldManagerOf(opts, req.headers['user-agent']),
  })
  writeObject(ctx, output, updated, 200)
}

export async function handlePatch(ctx: RequestContext): Promise<void> {
  const { store, req, info, query } = ctx
  const output = chooseOutput(req.headers.accept, true)
  const opts = writeQuery(query)
  const type = mediaType(req.headers['content-type'])
  if (type === 'application/apply-patch+yaml') return handleApply(ctx)
  const applier = patchApplier(type)
  if (!applier) {
    throw unsupportedMediaType(
      PATCH_TYPES.includes(type)
        ? `the server does not yet support patch type ${type}`
        : `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
    )
  }
  if (opts.force !== undefined) throw badRequest('force: Forbidden: may not be specified for non-apply patch')
  const rawPatch = await readBody(req)
  const patch = parseJson(rawPatch)
  const duplicates =
    opts.fieldValidation === 'Ignore'
      ? []
      : duplicateFindings({
          text: rawPatch.toString('utf8'),
          contentType: 'application/json',
          decodedKeys: countObjectKeys(patch),
        })
  const sub = subresourceOf(ctx)
  const updated = await store.guaranteedUpdate(
    info.namespace,
    info.name,
    sub,
    (current) => {
      const rv = current.metadata.resourceVersion
      const next = applier(store, current, patch)
      if (!isPlainObject(next) || !isPlainObject(next.metadata))
        throw badRequest('the patch removed the object metadata')
      // Only a resourceVersion written by the patch is a precondition (kubectl sends one when
      // the user asks for it); otherwise the patch applies to whatever is stored.
      if (next.metadata.resourceVersion === rv) delete next.metadata.resourceVersion
      const checked = checkBodyKind(store, next)
      // The patch handler's checkName and namespace check: a patch may not rename or move.
      const { name, namespace } = checked.metadata
      if (name !== undefined && name !== info.name) {
        throw badRequest(`the name of the object (${name}) does not match the name on the URL (${info.name})`)
      }
      if (store.namespaced && namespace && namespace !== info.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
      }
      // kube-apiserver reports a patch's strict findings as an invalid "patch" value: the
      // patch as Go prints a map (strategic) or the patched object (JSON and merge patches).
      const strictError = patchError(
        type === 'application/strategic-merge-patch+json' ? goFormat(patch) : JSON.stringify(checked),
      )
      const wrongType = store.def.custom ? undefined : firstTypeError(checked, store.mergeSchema, store.def.kind)
      if (wrongType) throw strictError(wrongType.message)
      if (duplicates.length > 0 && opts.fieldValidation === 'Strict') {
        throw strictError(`strict decoding error: ${duplicates.join(', ')}`)
      }
      validateFields(ctx, checked, opts, undefined, strictError)
      return checked
    },
    { dryRun: opts.dryRun, fieldManager: fieldManagerOf(opts, req.headers['user-agent']) },
  )
  writeObject(ctx, output, updated, 200)
}

async function deleteOptions(ctx: RequestContext): Promise<DeleteOptions> {
  const { req, query } = ctx
  const raw = await readBody(req)
  let body: Record<string, unknown> = {}
  if (raw.length > 0 && raw.toString('utf8').trim() !== '') {
    const parsed = decodeDocument(raw, req.headers['content-type'] ?? 'application/json')
    if (!isPlainObject(parsed)) throw badRequest('DeleteOptions must be a JSON object')
    body = parsed
  }
  const dryRunBody = Array.isArray(body.dryRun) ? (body.dryRun as unknown[]) : []
  const opts: DeleteOptions = { dryRun: writeQuery(query).dryRun || dryRunBody.includes('All') }
  const grace = intParam(query, 'gracePeriodSeconds') ?? (body.gracePeriodSeconds as number | undefined)
  if (grace !== undefined) {
    if (typeof grace !== 'number' || !Number.isInteger(grace)) throw badRequest('gracePeriodSeconds must be an integer')
    opts.gracePeriodSeconds = grace
  }
  let policy = (query.get('propagationPolicy') ?? body.propagationPolicy) as string | undefined
  const orphan = boolParam(query, 'orphanDependents') ?? (body.orphanDependents as boolean | undefined)
  if (policy !== undefined && orphan !== undefined) {
    throw new StatusError(
      422,
      'Invalid',
      'propagationPolicy: Invalid value: orphanDependents and deletionPropagation cannot be both set',
    )
  }
  if (orphan !== undefined) policy = orphan ? 'Orphan' : 'Background'
  if (policy !== undefined) {
    if (!['Orphan', 'Background', 'Foreground'].includes(policy)) {
      throw new StatusError(
        422,
        'Invalid',
        `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
      )
    }
    opts.propagationPolicy = policy as DeleteOptions['propagationPolicy']
  }
  if (isPlainObject(body.preconditions)) {
    const p = body.preconditions as { uid?: string; resourceVersion?: string }
    opts.preconditions = { uid: p.uid, resourceVersion: p.resourceVersion }
  }
  return opts
}

/** Kinds whose DELETE returns the deleted object rather than a Status (as their registries do). */
const RETURNS_DELETED_OBJECT = new Set(['pods', 'namespaces', 'services'])

export async function handleDelete(ctx: RequestContext): Promise<void> {
  const { store, req, info } = ctx
  const output = chooseOutput(req.headers.accept, true)
  const opts = await deleteOptions(ctx)
  if (info.subresource) throw new StatusError(405, 'MethodNotAllowed', `DELETE is not allowed on ${info.subresource}`)
  const result = await store.delete(info.namespace, info.name, opts)
  if (!result.deleted || (store.def.group === '' && RETURNS_DELETED_OBJECT.has(store.def.plural))) {
    writeObject(ctx, output, result.object, 200)
    return
  }
  const details: Record<string, unknown> = { name: info.name, kind: store.def.plural, uid: result.object.metadata.uid }
  if (store.def.group) details.group = store.def.group
  writeJson(ctx.res, 200, successStatus(details))
}

export async function handleDeleteCollection(ctx: RequestContext): Promise<void> {
  const { store, info, query } = ctx
  const opts = await deleteOptions(ctx)
  const { labels, fields } = readSelectors(store, query)
  const page = await listObjects(store, info.namespace, { labels, fields })
  const deleted: KubeObject[] = []
  for (const o of page.items) {
    const meta = o.object.metadata
    try {
      const r = await store.delete(meta.namespace ?? '', meta.name ?? '', opts)
      deleted.push(r.object)
    } catch (e) {
      // Objects that vanished meanwhile are fine; anything else aborts as the apiserver does.
      if (!(e instanceof StatusError && e.code === 404)) throw e
    }
  }
  writeJson(ctx.res, 200, {
    kind: store.def.listKind,
    apiVersion: store.apiVersion,
    metadata: { resourceVersion: String(store.storage.revision) },
    items: deleted,
  })
}
