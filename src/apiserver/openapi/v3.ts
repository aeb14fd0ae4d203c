// OpenAPI v3: the /openapi/v3 root ({"paths": {"apis/apps/v1": {"serverRelativeURL": ...}}}) and
// one OpenAPI 3.0 document per group-version, as kube-openapi's handler3 serves them.
//
// kubectl (1.28+) reads these documents to decide whether the server validates fields itself: it
// looks for the PATCH operation tagged with the object's x-kubernetes-group-version-kind and checks
// that it declares the `fieldValidation` query parameter; then it sends ?fieldValidation=Strict
// instead of validating client-side. `kubectl explain` walks components.schemas.
//
// Built-in kinds get their complete declared schemas (src/apis/schemas) and, on PATCH, the
// application/strategic-merge-patch+json request body: kubectl 1.29+ then computes
// client-side-apply strategic merge patches from these schemas. Custom resources and kinds without
// a declared schema get JSON/merge/apply patches only, as on a real API server.

import { createHash } from 'node:crypto'
import type { KindDef, Verb } from '../../machinery/kinds.ts'
import { DEFAULT_KUBERNETES_VERSION } from '../discovery/version.ts'
import {
  builtinSchema,
  DELETE_OPTIONS,
  definitionName,
  emitDefinition,
  GVK_EXTENSION,
  kindSchema,
  listDefinitionName,
  listSchema,
  metaSchemas,
  PATCH,
  SCALE,
  type Schema,
  STATUS,
  scaleSchemas,
  v3Ref,
} from './schemas.ts'

export interface OpenAPIOptions {
  /** Reported as info.version (default DEFAULT_KUBERNETES_VERSION). */
  kubernetesVersion?: string
}

export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
] as const

export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json'

/** The PATCH content types of a kind: strategic merge patch only for kinds with a complete schema. */
export function patchContentTypes(def: Pick<KindDef, 'group' | 'version' | 'kind'> & { custom?: boolean }): string[] {
  return builtinSchema(def) ? [...PATCH_CONTENT_TYPES, STRATEGIC_MERGE_PATCH] : [...PATCH_CONTENT_TYPES]
}

/** "api/v1" or "apis/apps/v1": the key of a group-version in the v3 root document. */
export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`
}

/** sha512 of the document, upper-case hex, as kube-openapi's computeETag. */
export function openAPIHash(body: string | Uint8Array): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase()
}

// ---- parameters -----------------------------------------------------------------------------

function queryParam(name: string, description: string, type = 'string'): Schema {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } }
}

function pathParam(name: string, description: string): Schema {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } }
}

const P = {
  pretty: queryParam('pretty', "If 'true', then the output is pretty printed."),
  dryRun: queryParam(
    'dryRun',
    'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed',
  ),
  fieldManager: queryParam(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.',
  ),
  fieldValidation: queryParam(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.',
  ),
  force: queryParam(
    'force',
    'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
    'boolean',
  ),
  allowWatchBookmarks: queryParam(
    'allowWatchBookmarks',
    'allowWatchBookmarks requests watch events with type "BOOKMARK".',
    'boolean',
  ),
  continue: queryParam('continue', 'The continue option should be set when retrieving more results from the server.'),
  fieldSelector: queryParam(
    'fieldSelector',
    'A selector to restrict the list of returned objects by their fields. Defaults to everything.',
  ),
  labelSelector: queryParam(
    'labelSelector',
    'A selector to restrict the list of returned objects by their labels. Defaults to everything.',
  ),
  limit: queryParam('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  resourceVersion: queryParam(
    'resourceVersion',
    'resourceVersion sets a constraint on what resource versions a request may be served from.',
  ),
  resourceVersionMatch: queryParam(
    'resourceVersionMatch',
    'resourceVersionMatch determines how resourceVersion is applied to list calls.',
  ),
  sendInitialEvents: queryParam(
    'sendInitialEvents',
    '`sendInitialEvents=true` may be set together with `watch=true`.',
    'boolean',
  ),
  timeoutSeconds: queryParam('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  watch: queryParam(
    'watch',
    'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.',
    'boolean',
  ),
  gracePeriodSeconds: queryParam(
    'gracePeriodSeconds',
    'The duration in seconds before the object should be deleted.',
    'integer',
  ),
  propagationPolicy: queryParam(
    'propagationPolicy',
    "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'.",
  ),
  orphanDependents: queryParam('orphanDependents', 'Deprecated: please use the PropagationPolicy.', 'boolean'),
}

const LIST_PARAMS = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
]
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation]

// ---- operations -----------------------------------------------------------------------------

const json = (schemaName: string) => ({ 'application/json': { schema: v3Ref(schemaName) } })

function responses(codes: Record<string, string>): Schema {
  const out: Schema = {}
  for (const [code, schemaName] of Object.entries(codes)) {
    out[code] = {
      description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK',
      content: json(schemaName),
    }
  }
  out['401'] = { description: 'Unauthorized' }
  return out
}

function camel(s: string): string {
  return s
    .split(/[.\-/]/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('')
}

interface OpCtx {
  def: KindDef
  tag: string
  idPrefix: string // "AppsV1"
  gvk: { group: string; version: string; kind: string }
}

function op(
  ctx: OpCtx,
  action: string,
  operationId: string,
  description: string,
  extra: Schema,
  gvk = ctx.gvk,
): Schema {
  return {
    tags: [ctx.tag],
    description,
    operationId,
    ...extra,
    'x-kubernetes-action': action,
    [GVK_EXTENSION]: gvk,
  }
}

function has(def: KindDef, v: Verb): boolean {
  return def.verbs.includes(v)
}

/** PATCH, GET and PUT on an item or one of its subresources. */
function itemOps(ctx: OpCtx, suffix: '' | 'Status' | 'Scale', schemaName: string, gvk = ctx.gvk): Schema {
  const { def } = ctx
  const ns = def.scope === 'Namespaced' ? 'Namespaced' : ''
  const what = suffix ? `${suffix.toLowerCase()} of the specified ${def.kind}` : `the specified ${def.kind}`
  const item: Schema = {}
  if (has(def, 'get')) {
    item.get = op(
      ctx,
      'get',
      `read${ctx.idPrefix}${ns}${def.kind}${suffix}`,
      `read ${what}`,
      { responses: responses({ 200: schemaName }) },
      gvk,
    )
  }
  if (has(def, 'update')) {
    item.put = op(
      ctx,
      'put',
      `replace${ctx.idPrefix}${ns}${def.kind}${suffix}`,
      `replace ${what}`,
      {
        parameters: [...WRITE_PARAMS],
        requestBody: { content: { '*/*': { schema: v3Ref(schemaName) } }, required: true },
        responses: responses({ 200: schemaName, 201: schemaName }),
      },
      gvk,
    )
  }
  if (has(def, 'patch')) {
    const content: Schema = {}
    const smp = suffix === 'Scale' || builtinSchema(def) !== undefined
    for (const t of smp ? [...PATCH_CONTENT_TYPES, STRATEGIC_MERGE_PATCH] : PATCH_CONTENT_TYPES)
      content[t] = { schema: v3Ref(PATCH) }
    item.patch = op(
      ctx,
      'patch',
      `patch${ctx.idPrefix}${ns}${def.kind}${suffix}`,
      `partially update ${what}`,
      {
        parameters: [...WRITE_PARAMS, P.force],
        requestBody: { content, required: true },
        responses: responses({ 200: schemaName, 201: schemaName }),
      },
      gvk,
    )
  }
  return item
}

function pathParameters(def: KindDef, withName: boolean): Schema[] {
  const out: Schema[] = []
  if (withName) out.push(pathParam('name', `name of the ${def.kind}`))
  if (def.scope === 'Namespaced')
    out.push(pathParam('namespace', 'object name and auth scope, such as for teams and projects'))
  out.push(P.pretty)
  return out
}

function kindPaths(def: KindDef, paths: Record<string, Schema>): void {
  const gvPath = groupVersionPath(def.group, def.version)
  const idPrefix = `${def.group ? camel(def.group.replace(/\.k8s\.io$/, '')) : 'Core'}${camel(def.version)}`
  const ctx: OpCtx = {
    def,
    tag: `${def.group ? def.group.replace(/\.k8s\.io$/, '').replace(/\./g, '_') : 'core'}_${def.version}`,
    idPrefix,
    gvk: { group: def.group, version: def.version, kind: def.kind },
  }
  const namespaced = def.scope === 'Namespaced'
  const ns = namespaced ? 'Namespaced' : ''
  const self = definitionName(def)
  const list = listDefinitionName(def)
  const collection = namespaced ? `/${gvPath}/namespaces/{namespace}/${def.plural}` : `/${gvPath}/${def.plural}`

  const coll: Schema = { parameters: pathParameters(def, false) }
  if (has(def, 'list')) {
    coll.get = op(ctx, 'list', `list${idPrefix}${ns}${def.kind}`, `list or watch objects of kind ${def.kind}`, {
      parameters: [...LIST_PARAMS],
      responses: responses({ 200: list }),
    })
  }
  if (has(def, 'create')) {
    coll.post = op(ctx, 'post', `create${idPrefix}${ns}${def.kind}`, `create a ${def.kind}`, {
      parameters: [...WRITE_PARAMS],
      requestBody: { content: { '*/*': { schema: v3Ref(self) } }, required: true },
      responses: responses({ 200: self, 201: self, 202: self }),
    })
  }
  if (has(def, 'deletecollection')) {
    coll.delete = op(
      ctx,
      'deletecollection',
      `deleteCollection${idPrefix}${ns}${def.kind}`,
      `delete collection of ${def.kind}`,
      {
        parameters: [
          ...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'),
          P.dryRun,
          P.gracePeriodSeconds,
          P.orphanDependents,
          P.propagationPolicy,
        ],
        requestBody: { content: { '*/*': { schema: v3Ref(DELETE_OPTIONS) } } },
        responses: responses({ 200: STATUS }),
      },
    )
  }
  if (Object.keys(coll).length > 1) paths[collection] = coll

  if (namespaced && has(def, 'list')) {
    paths[`/${gvPath}/${def.plural}`] = {
      parameters: [P.pretty],
      get: op(ctx, 'list', `list${idPrefix}${def.kind}ForAllNamespaces`, `list or watch objects of kind ${def.kind}`, {
        parameters: [...LIST_PARAMS],
        responses: responses({ 200: list }),
      }),
    }
  }

  const item: Schema = { parameters: pathParameters(def, true), ...itemOps(ctx, '', self) }
  if (has(def, 'delete')) {
    item.delete = op(ctx, 'delete', `delete${idPrefix}${ns}${def.kind}`, `delete a ${def.kind}`, {
      parameters: [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy],
      requestBody: { content: { '*/*': { schema: v3Ref(DELETE_OPTIONS) } } },
      responses: responses({ 200: self, 202: self }),
    })
  }
  if (Object.keys(item).length > 1) paths[`${collection}/{name}`] = item

  if (def.subresources.status) {
    const status = { parameters: pathParameters(def, true), ...itemOps(ctx, 'Status', self) }
    if (Object.keys(status).length > 1) paths[`${collection}/{name}/status`] = status
  }
  if (def.subresources.scale) {
    const scale = {
      parameters: pathParameters(def, true),
      ...itemOps(ctx, 'Scale', SCALE, { group: 'autoscaling', version: 'v1', kind: 'Scale' }),
    }
    if (Object.keys(scale).length > 1) paths[`${collection}/{name}/scale`] = scale
  }
}

// ---- documents ------------------------------------------------------------------------------

/** The OpenAPI 3.0 document of one group-version (kinds of other group-versions are ignored). */
export function buildOpenAPIV3(
  kinds: readonly KindDef[],
  group: string,
  version: string,
  opts: OpenAPIOptions = {},
): Schema {
  const defs = kinds.filter((d) => d.group === group && d.version === version)
  const paths: Record<string, Schema> = {}
  const schemas: Record<string, Schema> = { ...metaSchemas() }
  let scale = false
  for (const def of defs) {
    kindPaths(def, paths)
    const builtin = builtinSchema(def)
    if (builtin) emitDefinition(builtin, schemas)
    else schemas[definitionName(def)] = kindSchema(def)
    schemas[listDefinitionName(def)] = listSchema(def)
    if (def.subresources.scale) scale = true
  }
  if (scale) Object.assign(schemas, scaleSchemas())
  const sorted: Record<string, Schema> = {}
  for (const k of Object.keys(schemas).sort()) sorted[k] = schemas[k]
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: opts.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION },
    paths,
    components: {
      schemas: sorted,
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
  }
}

/** The /openapi/v3 root document from group-version paths and their hashes. */
export function buildOpenAPIV3Root(hashes: ReadonlyMap<string, string> | Record<string, string>): {
  paths: Record<string, { serverRelativeURL: string }>
} {
  const entries = hashes instanceof Map ? [...hashes.entries()] : Object.entries(hashes)
  const paths: Record<string, { serverRelativeURL: string }> = {}
  for (const [gv, hash] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` }
  }
  return { paths }
}
