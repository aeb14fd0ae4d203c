// OpenAPI v2 (/openapi/v2): a Swagger 2.0 document, served as JSON or as gnostic's
// openapi_v2.Document protobuf (which is what kubectl asks for; kubectl 1.28 downloads it before
// every create/apply/replace/edit and fails when it does not parse).
//
// The document has, per kind, the PATCH operation with the fieldValidation parameter (what
// kubectl's v2 query-parameter verifier looks for) and a definition tagged
// x-kubernetes-group-version-kind: the complete declared schema for built-in kinds (kubectl 1.28
// validates client-side and computes client-side-apply patches from it), KindDef.schema for
// custom resources and Flotilla's own kinds. A built-in kind without a declared schema gets no
// definition, so that kubectl falls back to its compiled-in types instead of a permissive schema.

import type { KindDef } from '../../machinery/kinds.ts'
import { DEFAULT_KUBERNETES_VERSION } from '../discovery/version.ts'
import { ProtoWriter } from './protobuf.ts'
import {
  builtinSchema,
  definitionName,
  emitDefinition,
  GVK_EXTENSION,
  isKubectlBuiltin,
  kindSchema,
  metaSchemas,
  PATCH,
  type Schema,
  toV2Schema,
} from './schemas.ts'
import { groupVersionPath, type OpenAPIOptions, patchContentTypes } from './v3.ts'

export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'

/** The smallest document kubectl accepts: Document{swagger: "2.0"}. */
export const MINIMAL_OPENAPI_V2_PROTOBUF = new Uint8Array([0x0a, 0x03, 0x32, 0x2e, 0x30])

function queryParam(name: string, description: string, type = 'string'): Schema {
  return { name, in: 'query', description, type, uniqueItems: true }
}

function pathParam(name: string, description: string): Schema {
  return { name, in: 'path', description, required: true, type: 'string', uniqueItems: true }
}

/** Builds the Swagger 2.0 document (JSON form). */
export function buildSwaggerV2(kinds: readonly KindDef[], opts: OpenAPIOptions = {}): Schema {
  const paths: Record<string, Schema> = {}
  const definitions: Record<string, Schema> = {}
  let needMeta = false
  for (const def of kinds) {
    if (def.verbs.includes('patch')) {
      const gv = groupVersionPath(def.group, def.version)
      const base = def.scope === 'Namespaced' ? `/${gv}/namespaces/{namespace}/${def.plural}` : `/${gv}/${def.plural}`
      const params: Schema[] = [pathParam('name', `name of the ${def.kind}`)]
      if (def.scope === 'Namespaced')
        params.push(pathParam('namespace', 'object name and auth scope, such as for teams and projects'))
      paths[`${base}/{name}`] = {
        parameters: params,
        patch: {
          description: `partially update the specified ${def.kind}`,
          consumes: patchContentTypes(def),
          produces: ['application/json'],
          schemes: ['https'],
          tags: [gv.replace(/^apis?\//, '').replace(/[./]/g, '_')],
          operationId: `patch${def.kind}${def.group ? `.${def.group}` : ''}.${def.version}`,
          parameters: [
            { name: 'body', in: 'body', required: true, schema: { $ref: `#/definitions/${PATCH}` } },
            queryParam('dryRun', 'When present, indicates that modifications should not be persisted.'),
            queryParam(
              'fieldManager',
              'fieldManager is a name associated with the actor or entity that is making these changes.',
            ),
            queryParam(
              'fieldValidation',
              'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields.',
            ),
            queryParam('force', 'Force is going to "force" Apply requests.', 'boolean'),
          ],
          responses: { '200': { description: 'OK' }, '401': { description: 'Unauthorized' } },
          'x-kubernetes-action': 'patch',
          [GVK_EXTENSION]: { group: def.group, kind: def.kind, version: def.version },
        },
      }
    }
    const builtin = builtinSchema(def)
    if (builtin) {
      const v3: Record<string, Schema> = {}
      emitDefinition(builtin, v3)
      for (const [name, s] of Object.entries(v3)) if (!definitions[name]) definitions[name] = toV2Schema(s)
    } else if (!isKubectlBuiltin(def)) {
      needMeta = true
      const gvk = [{ group: def.group, kind: def.kind, version: def.version }]
      const s = def.schema ? toV2Schema(kindSchema(def)) : { description: `${def.kind} (${def.group}/${def.version}).` }
      definitions[definitionName(def)] = { ...s, [GVK_EXTENSION]: gvk }
    }
  }
  definitions[PATCH] = toV2Schema(metaSchemas()[PATCH])
  if (needMeta) {
    for (const [name, s] of Object.entries(metaSchemas())) {
      if (!definitions[name]) definitions[name] = toV2Schema(s)
    }
  }
  const sorted: Record<string, Schema> = {}
  for (const k of Object.keys(definitions).sort()) sorted[k] = definitions[k]
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: opts.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION },
    paths,
    definitions: sorted,
  }
}

// ---- gnostic openapi_v2 protobuf encoding ---------------------------------------------------
// Field numbers from github.com/google/gnostic-models openapiv2/OpenAPIv2.proto.

const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v)
const asStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const asNum = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined)
const asStrs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

/** NamedAny{name, value: Any{yaml}}; the value is written as JSON, which is valid YAML. */
function writeVendorExtensions(w: ProtoWriter, field: number, obj: Schema): void {
  for (const [k, v] of Object.entries(obj)) {
    if (!k.startsWith('x-') || v === undefined) continue
    w.message(field, (na) => {
      na.string(1, k)
      na.message(2, (any) => any.string(2, `${JSON.stringify(v)}\n`))
    })
  }
}

function writeSchema(w: ProtoWriter, s: Schema): void {
  w.string(1, asStr(s.$ref))
  w.string(2, asStr(s.format))
  w.string(3, asStr(s.title))
  w.string(4, asStr(s.description))
  if (s.default !== undefined) w.message(5, (any) => any.string(2, `${JSON.stringify(s.default)}\n`, true))
  w.double(7, asNum(s.maximum))
  w.double(9, asNum(s.minimum))
  w.int64(11, asNum(s.maxLength))
  w.int64(12, asNum(s.minLength))
  w.string(13, asStr(s.pattern))
  w.int64(14, asNum(s.maxItems))
  w.int64(15, asNum(s.minItems))
  w.bool(16, s.uniqueItems === true)
  w.strings(19, asStrs(s.required))
  if (Array.isArray(s.enum))
    for (const v of s.enum) w.message(20, (any) => any.string(2, `${JSON.stringify(v)}\n`, true))
  const ap = s.additionalProperties
  if (isObj(ap)) w.message(21, (x) => x.message(1, (sw) => writeSchema(sw, ap)))
  else if (typeof ap === 'boolean') w.message(21, (x) => x.tag(2, 0).varint(ap ? 1 : 0))
  if (typeof s.type === 'string') w.message(22, (t) => t.strings(1, [s.type as string]))
  else if (Array.isArray(s.type)) w.message(22, (t) => t.strings(1, asStrs(s.type)))
  const items = s.items
  if (isObj(items)) w.message(23, (it) => it.message(1, (sw) => writeSchema(sw, items)))
  if (Array.isArray(s.allOf)) for (const sub of s.allOf) if (isObj(sub)) w.message(24, (sw) => writeSchema(sw, sub))
  const props = s.properties
  if (isObj(props)) {
    w.message(25, (pw) => {
      for (const [name, sub] of Object.entries(props)) {
        if (!isObj(sub)) continue
        pw.message(1, (ns) => {
          ns.string(1, name, true)
          ns.message(2, (sw) => writeSchema(sw, sub))
        })
      }
    })
  }
  w.bool(27, s.readOnly === true)
  writeVendorExtensions(w, 31, s)
}

function writeParameter(w: ProtoWriter, p: Schema): void {
  // ParametersItem{parameter(1): Parameter}
  w.message(1, (param) => {
    if (p.in === 'body') {
      param.message(1, (b) => {
        b.string(1, asStr(p.description))
        b.string(2, asStr(p.name))
        b.string(3, 'body')
        b.bool(4, p.required === true)
        if (isObj(p.schema)) b.message(5, (sw) => writeSchema(sw, p.schema as Schema))
        writeVendorExtensions(b, 6, p)
      })
      return
    }
    param.message(2, (nb) => {
      if (p.in === 'path') {
        nb.message(4, (q) => {
          q.bool(1, p.required === true)
          q.string(2, 'path')
          q.string(3, asStr(p.description))
          q.string(4, asStr(p.name))
          q.string(5, asStr(p.type))
          q.bool(19, p.uniqueItems === true)
          writeVendorExtensions(q, 22, p)
        })
      } else {
        nb.message(3, (q) => {
          q.bool(1, p.required === true)
          q.string(2, 'query')
          q.string(3, asStr(p.description))
          q.string(4, asStr(p.name))
          q.string(6, asStr(p.type))
          q.bool(20, p.uniqueItems === true)
          writeVendorExtensions(q, 23, p)
        })
      }
    })
  })
}

function writeOperation(w: ProtoWriter, o: Schema): void {
  w.strings(1, asStrs(o.tags))
  w.string(2, asStr(o.summary))
  w.string(3, asStr(o.description))
  w.string(5, asStr(o.operationId))
  w.strings(6, asStrs(o.produces))
  w.strings(7, asStrs(o.consumes))
  if (Array.isArray(o.parameters))
    for (const p of o.parameters) if (isObj(p)) w.message(8, (pw) => writeParameter(pw, p))
  if (isObj(o.responses)) {
    const rs = o.responses
    w.message(9, (r) => {
      for (const [code, resp] of Object.entries(rs)) {
        if (!isObj(resp)) continue
        r.message(1, (nr) => {
          nr.string(1, code, true)
          nr.message(2, (rv) =>
            rv.message(1, (res) => {
              res.string(1, asStr(resp.description), true)
              if (isObj(resp.schema))
                res.message(2, (si) => si.message(1, (sw) => writeSchema(sw, resp.schema as Schema)))
            }),
          )
        })
      }
    })
  }
  w.strings(10, asStrs(o.schemes))
  writeVendorExtensions(w, 13, o)
}

const PATH_ITEM_OPS: [string, number][] = [
  ['get', 2],
  ['put', 3],
  ['post', 4],
  ['delete', 5],
  ['options', 6],
  ['head', 7],
  ['patch', 8],
]

/** Encodes a Swagger 2.0 JSON document as gnostic's openapi_v2.Document protobuf. */
export function encodeSwaggerV2(doc: Schema): Uint8Array {
  const w = new ProtoWriter()
  w.string(1, asStr(doc.swagger) ?? '2.0', true)
  const info = doc.info
  if (isObj(info)) {
    w.message(2, (iw) => {
      iw.string(1, asStr(info.title))
      iw.string(2, asStr(info.version))
      iw.string(3, asStr(info.description))
    })
  }
  const paths = doc.paths
  if (isObj(paths)) {
    w.message(8, (pw) => {
      for (const [path, item] of Object.entries(paths)) {
        if (!isObj(item)) continue
        pw.message(2, (np) => {
          np.string(1, path, true)
          np.message(2, (iw) => {
            for (const [method, field] of PATH_ITEM_OPS) {
              const o = item[method]
              if (isObj(o)) iw.message(field, (ow) => writeOperation(ow, o))
            }
            if (Array.isArray(item.parameters)) {
              for (const p of item.parameters) if (isObj(p)) iw.message(9, (piw) => writeParameter(piw, p))
            }
            writeVendorExtensions(iw, 10, item)
          })
        })
      }
    })
  }
  const defs = doc.definitions
  if (isObj(defs)) {
    w.message(9, (dw) => {
      for (const [name, s] of Object.entries(defs)) {
        if (!isObj(s)) continue
        dw.message(1, (ns) => {
          ns.string(1, name, true)
          ns.message(2, (sw) => writeSchema(sw, s))
        })
      }
    })
  }
  writeVendorExtensions(w, 16, doc)
  return w.finish()
}
