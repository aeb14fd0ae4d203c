// Serving /openapi/v2 and /openapi/v3 with caching: documents are rebuilt only when the set of
// KindDefs changes (a CRD adding or replacing a KindDef). KindDefs are treated as immutable: a
// changed kind must be a new KindDef object.
//
// The HTTP behaviour follows kube-openapi's handlers: content negotiation on Accept (406 when
// nothing matches), a quoted ETag, and for /openapi/v3/<gv>?hash=H either the immutable cached
// document (hash current) or a 301 to the current hash (hash stale).

import type { KindDef } from '../../machinery/kinds.ts'
import { parseAccept } from '../discovery/discovery.ts'
import { buildSwaggerV2, encodeSwaggerV2, OPENAPI_V2_PROTOBUF_CONTENT_TYPE } from './v2.ts'
import { buildOpenAPIV3, buildOpenAPIV3Root, groupVersionPath, type OpenAPIOptions, openAPIHash } from './v3.ts'

export interface OpenAPIResponse {
  status: number
  headers: Record<string, string>
  body: string | Uint8Array
}

interface GVDoc {
  fingerprint: string
  body: string
  hash: string
}

let nextKindId = 1
const kindIds = new WeakMap<KindDef, number>()

function kindId(def: KindDef): number {
  let id = kindIds.get(def)
  if (id === undefined) {
    id = nextKindId++
    kindIds.set(def, id)
  }
  return id
}

/** Identity fingerprint of a list of KindDefs (order-insensitive). */
function fingerprint(kinds: readonly KindDef[]): string {
  return kinds
    .map(kindId)
    .sort((a, b) => a - b)
    .join(',')
}

function groupByGV(kinds: readonly KindDef[]): Map<string, KindDef[]> {
  const out = new Map<string, KindDef[]>()
  for (const def of kinds) {
    const gv = groupVersionPath(def.group, def.version)
    let list = out.get(gv)
    if (!list) {
      list = []
      out.set(gv, list)
    }
    list.push(def)
  }
  return out
}

const quote = (etag: string) => `"${etag}"`

function notAcceptable(): OpenAPIResponse {
  return { status: 406, headers: { Vary: 'Accept' }, body: '' }
}

/** Which representation an Accept header selects for /openapi/v2. */
export function openAPIV2Format(accept: string | undefined): 'json' | 'protobuf' | undefined {
  const ranges = parseAccept(accept || '*/*')
  for (const r of ranges) {
    if (r.type !== 'application' && r.type !== '*') continue
    if (r.subtype === 'json' || r.subtype === '*') return 'json'
    if (
      r.subtype === 'com.github.proto-openapi.spec.v2@v1.0+protobuf' ||
      r.subtype === 'com.github.proto-openapi.spec.v2.v1.0+protobuf'
    ) {
      return 'protobuf'
    }
  }
  return undefined
}

function acceptsJson(accept: string | undefined): boolean {
  return parseAccept(accept || '*/*').some(
    (r) => (r.type === 'application' || r.type === '*') && (r.subtype === 'json' || r.subtype === '*'),
  )
}

export class OpenAPIService {
  readonly #opts: OpenAPIOptions
  #v2?: { fingerprint: string; json: string; proto: Uint8Array; etag: string }
  readonly #v3 = new Map<string, GVDoc>()
  #root?: { fingerprint: string; body: string; etag: string }
  #lastFingerprint?: string
  #lastGroups?: Map<string, KindDef[]>

  constructor(opts: OpenAPIOptions = {}) {
    this.#opts = opts
  }

  #groups(kinds: readonly KindDef[]): Map<string, KindDef[]> {
    // Keyed on the kinds themselves, not the array: the registry changes its list in place when
    // a CRD adds or removes kinds.
    const fp = fingerprint(kinds)
    if (this.#lastFingerprint !== fp || !this.#lastGroups) {
      this.#lastGroups = groupByGV(kinds)
      this.#lastFingerprint = fp
    }
    return this.#lastGroups
  }

  /** The serialized v3 document of one group-version ("api/v1", "apis/apps/v1"), or undefined. */
  v3GroupVersion(kinds: readonly KindDef[], gvPath: string): { body: string; hash: string } | undefined {
    const defs = this.#groups(kinds).get(gvPath)
    if (!defs) return undefined
    const fp = fingerprint(defs)
    const cached = this.#v3.get(gvPath)
    if (cached && cached.fingerprint === fp) return cached
    const { group, version } = defs[0]
    const body = JSON.stringify(buildOpenAPIV3(defs, group, version, this.#opts))
    const doc: GVDoc = { fingerprint: fp, body, hash: openAPIHash(body) }
    this.#v3.set(gvPath, doc)
    return doc
  }

  /** The serialized /openapi/v3 root document. */
  v3Root(kinds: readonly KindDef[]): { body: string; etag: string } {
    const groups = this.#groups(kinds)
    const fp = fingerprint(kinds)
    if (this.#root && this.#root.fingerprint === fp) return this.#root
    const hashes = new Map<string, string>()
    for (const gv of groups.keys()) hashes.set(gv, this.v3GroupVersion(kinds, gv)!.hash)
    for (const gv of [...this.#v3.keys()]) if (!groups.has(gv)) this.#v3.delete(gv)
    const body = JSON.stringify(buildOpenAPIV3Root(hashes))
    this.#root = { fingerprint: fp, body, etag: openAPIHash(body) }
    return this.#root
  }

  /** The v2 document as JSON text and as gnostic protobuf. */
  v2(kinds: readonly KindDef[]): { json: string; proto: Uint8Array; etag: string } {
    const fp = fingerprint(kinds)
    if (this.#v2 && this.#v2.fingerprint === fp) return this.#v2
    const doc = buildSwaggerV2(kinds, this.#opts)
    const json = JSON.stringify(doc)
    this.#v2 = { fingerprint: fp, json, proto: encodeSwaggerV2(doc), etag: openAPIHash(json) }
    return this.#v2
  }

  /** GET /openapi/v2 */
  serveV2(kinds: readonly KindDef[], accept: string | undefined): OpenAPIResponse {
    const format = openAPIV2Format(accept)
    if (!format) return notAcceptable()
    const doc = this.v2(kinds)
    return format === 'protobuf'
      ? {
          status: 200,
          headers: { 'Content-Type': OPENAPI_V2_PROTOBUF_CONTENT_TYPE, ETag: quote(doc.etag), Vary: 'Accept' },
          body: doc.proto,
        }
      : {
          status: 200,
          headers: { 'Content-Type': 'application/json', ETag: quote(doc.etag), Vary: 'Accept' },
          body: doc.json,
        }
  }

  /**
   * GET /openapi/v3 and /openapi/v3/<gv>. `path` is the URL path (with or without the
   * "/openapi/v3" prefix); `hash` is the `hash` query parameter, if any.
   */
  serveV3(
    kinds: readonly KindDef[],
    path: string,
    hash: string | null | undefined,
    accept?: string | undefined,
  ): OpenAPIResponse {
    const gv = path.replace(/^\/?openapi\/v3\/?/, '').replace(/^\/+|\/+$/g, '')
    if (gv === '') {
      const root = this.v3Root(kinds)
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json', ETag: quote(root.etag) },
        body: root.body,
      }
    }
    if (!acceptsJson(accept)) return notAcceptable()
    const doc = this.v3GroupVersion(kinds, gv)
    if (!doc) {
      return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: '404 page not found\n' }
    }
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      ETag: quote(doc.hash),
      Vary: 'Accept',
    }
    if (hash) {
      if (hash !== doc.hash) {
        return {
          status: 301,
          headers: { Location: `/openapi/v3/${gv}?hash=${doc.hash}`, Vary: 'Accept' },
          body: '',
        }
      }
      headers['Cache-Control'] = 'public, immutable'
      headers.Expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString()
    }
    return { status: 200, headers, body: doc.body }
  }
}
