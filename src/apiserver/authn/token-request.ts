// POST /api/v1/namespaces/NS/serviceaccounts/NAME/token (`kubectl create token NAME`): an
// authentication.k8s.io/v1 TokenRequest in, the same object with status.token out. RBAC has
// already allowed `create serviceaccounts/token` when this runs. Defaults and limits follow
// kube-apiserver: one hour unless asked otherwise, at least ten minutes, longer requests
// shortened to the server's maximum, audiences defaulting to the API audiences.

import type { Client, Resource } from '../../client/client.ts'
import {
  badRequest,
  conflict,
  type FieldError,
  fieldInvalid,
  fieldNotSupported,
  fieldRequired,
  invalid,
  methodNotAllowed,
} from '../../machinery/errors.ts'
import { isPlainObject, type KubeObject, timestamp } from '../../machinery/object.ts'
import { decodeDocument, readBody } from '../http/body.ts'
import { writeJson } from '../http/respond.ts'
import type { Connector } from '../server.ts'
import {
  BOUND_KINDS,
  type BoundKind,
  type BoundObject,
  DEFAULT_EXPIRATION_SECONDS,
  MAX_EXPIRATION_SECONDS,
  MIN_EXPIRATION_SECONDS,
  type ServiceAccountTokens,
} from './serviceaccount-tokens.ts'

const GROUP = 'authentication.k8s.io'
const API_VERSION = `${GROUP}/v1`
const SERVICE_ACCOUNTS: Resource = { group: '', version: 'v1', resource: 'serviceaccounts' }
const BOUND: Record<BoundKind, { resource: Resource; namespaced: boolean }> = {
  Pod: { resource: { group: '', version: 'v1', resource: 'pods' }, namespaced: true },
  Secret: { resource: { group: '', version: 'v1', resource: 'secrets' }, namespaced: true },
  Node: { resource: { group: '', version: 'v1', resource: 'nodes' }, namespaced: false },
}

export function tokenRequestConnector(tokens: ServiceAccountTokens, client: Client): Connector {
  return async (ctx) => {
    if (ctx.info.verb !== 'create') {
      throw methodNotAllowed('the server does not allow this method on the requested resource')
    }
    const { namespace, name } = ctx.info
    const req = decodeDocument(await readBody(ctx.req), ctx.req.headers['content-type'])
    if (!isPlainObject(req)) throw badRequest('the body of the request must be a TokenRequest object')
    if (req.apiVersion !== undefined && req.apiVersion !== API_VERSION) {
      throw badRequest(`the API version in the data (${String(req.apiVersion)}) does not match ${API_VERSION}`)
    }
    if (req.kind !== undefined && req.kind !== 'TokenRequest') {
      throw badRequest(`the kind in the data (${String(req.kind)}) does not match the expected kind (TokenRequest)`)
    }
    const meta = isPlainObject(req.metadata) ? req.metadata : {}
    if (meta.name && meta.name !== name) {
      throw badRequest(`metadata.name (${String(meta.name)}) does not match the service account's name (${name})`)
    }
    if (meta.namespace && meta.namespace !== namespace) {
      throw badRequest(`metadata.namespace (${String(meta.namespace)}) does not match the request's namespace`)
    }
    const spec = isPlainObject(req.spec) ? req.spec : {}
    const { audiences, expirationSeconds, boundRef } = validate(spec, tokens.apiAudiences, String(meta.name ?? ''))

    // The ServiceAccount must exist (404 as kube-apiserver answers) and its uid goes into the token.
    const sa = await client.get(SERVICE_ACCOUNTS, namespace, name)
    let bound: BoundObject | undefined
    if (boundRef) bound = await resolveBound(client, boundRef, namespace)

    const granted = Math.min(expirationSeconds, MAX_EXPIRATION_SECONDS)
    const issued = await tokens.issue({
      namespace,
      name,
      uid: String(sa.metadata.uid),
      audiences,
      expirationSeconds: granted,
      bound,
    })
    const out: KubeObject = {
      apiVersion: API_VERSION,
      kind: 'TokenRequest',
      metadata: { ...meta, name, namespace, creationTimestamp: timestamp() },
      spec: { audiences, expirationSeconds: granted, boundObjectRef: boundRef ?? null },
      status: { token: issued.token, expirationTimestamp: timestamp(issued.expiresAt * 1000) },
    }
    ctx.res.setHeader('Cache-Control', 'no-store')
    writeJson(ctx.res, 201, out)
  }
}

interface BoundRef {
  kind: BoundKind
  apiVersion: string
  name: string
  uid?: string
}

function validate(
  spec: Record<string, unknown>,
  apiAudiences: string[],
  name: string,
): { audiences: string[]; expirationSeconds: number; boundRef?: BoundRef } {
  const errs: FieldError[] = []
  let audiences = apiAudiences
  if (spec.audiences !== undefined && spec.audiences !== null) {
    if (!Array.isArray(spec.audiences) || spec.audiences.some((a) => typeof a !== 'string' || a === '')) {
      errs.push(fieldInvalid('spec.audiences', spec.audiences, 'must be a list of non-empty strings'))
    } else if (spec.audiences.length > 0) {
      audiences = [...new Set(spec.audiences as string[])]
    }
  }
  let expirationSeconds = DEFAULT_EXPIRATION_SECONDS
  const exp = spec.expirationSeconds
  if (exp !== undefined && exp !== null) {
    if (typeof exp !== 'number' || !Number.isInteger(exp)) {
      errs.push(fieldInvalid('spec.expirationSeconds', exp, 'must be an integer'))
    } else if (exp < MIN_EXPIRATION_SECONDS) {
      errs.push(fieldInvalid('spec.expirationSeconds', exp, 'may not specify a duration less than 10 minutes'))
    } else if (exp > 2 ** 32) {
      errs.push(fieldInvalid('spec.expirationSeconds', exp, 'may not specify a duration larger than 2^32 seconds'))
    } else {
      expirationSeconds = exp
    }
  }
  let boundRef: BoundRef | undefined
  const b = spec.boundObjectRef
  if (b !== undefined && b !== null) {
    if (!isPlainObject(b)) {
      errs.push(fieldInvalid('spec.boundObjectRef', b, 'must be an object'))
    } else {
      const kind = String(b.kind ?? '')
      if (!BOUND_KINDS.includes(kind as BoundKind)) {
        errs.push(fieldNotSupported('spec.boundObjectRef.kind', b.kind ?? '', [...BOUND_KINDS]))
      } else if (b.apiVersion !== undefined && b.apiVersion !== '' && b.apiVersion !== 'v1') {
        errs.push(fieldNotSupported('spec.boundObjectRef.apiVersion', b.apiVersion, ['v1']))
      } else if (typeof b.name !== 'string' || b.name === '') {
        errs.push(fieldRequired('spec.boundObjectRef.name'))
      } else {
        boundRef = {
          kind: kind as BoundKind,
          apiVersion: 'v1',
          name: b.name,
          ...(typeof b.uid === 'string' && b.uid ? { uid: b.uid } : {}),
        }
      }
    }
  }
  if (errs.length > 0) throw invalid('TokenRequest', GROUP, name, errs)
  return { audiences, expirationSeconds, boundRef }
}

/** The live object a token is bound to: it must exist (404 otherwise) and match a given uid (409). */
async function resolveBound(client: Client, ref: BoundRef, namespace: string): Promise<BoundObject> {
  const { resource, namespaced } = BOUND[ref.kind]
  const obj = await client.get(resource, namespaced ? namespace : '', ref.name)
  const uid = String(obj.metadata.uid ?? '')
  if (ref.uid && ref.uid !== uid) {
    throw conflict(
      { group: '', resource: resource.resource },
      ref.name,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record (${uid}). The object might have been deleted and then recreated`,
    )
  }
  if (obj.metadata.deletionTimestamp) {
    throw badRequest(`cannot bind a token to ${ref.kind.toLowerCase()} "${ref.name}": it is being deleted`)
  }
  return { kind: ref.kind, name: ref.name, uid }
}

/**
 * The caller's connectors with `serviceaccounts/token` behind them. A live view, not a copy:
 * callers (the hub) add connectors to their map after the server has started.
 */
export function withTokenRequest(
  callers: Map<string, Connector> | undefined,
  connector: Connector,
): Map<string, Connector> {
  const own = new Map([['serviceaccounts/token', connector]])
  if (!callers) return own
  return new (class extends Map<string, Connector> {
    override get(key: string): Connector | undefined {
      return callers.get(key) ?? own.get(key)
    }
    override has(key: string): boolean {
      return callers.has(key) || own.has(key)
    }
  })()
}
