// AccessToken (platform.flotilla.dev/v1alpha1, cluster-scoped): a hub-issued kubeconfig token.
// The object is the token's record, named by the token's public id; it stores who the token
// authenticates as (a copy of the issuing user's identity), the member cluster the kubeconfig
// targets, when it expires, and the SHA-256 of the secret — never the secret itself. Deleting
// the object revokes the token.
//
// Objects are created only by the hub's `clusters/kubeconfig` connector (the kind serves no
// create or patch verb, so neither POST nor server-side apply can mint a token for someone
// else). Updates may only bring the expiry forward or change the description: an
// administrator can cut a token short but never extend it or change whom it authenticates.

import type { FieldError } from '../../machinery/errors.ts'
import { fieldForbidden, fieldInvalid, fieldRequired } from '../../machinery/errors.ts'
import type { KindDef } from '../../machinery/kinds.ts'
import { defineKind } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { rec, str } from '../json.ts'
import { ageColumn, column, humanDuration, since, timestampMs } from '../printing.ts'
import { PLATFORM_GROUP, PLATFORM_VERSION } from './cluster.ts'

/** Names are the token id: "kt-" and 16 base32 characters. */
export const ACCESS_TOKEN_ID = /^kt-[a-z2-7]{16}$/
/** "sha256:" and 64 lowercase hex digits. */
export const SECRET_HASH = /^sha256:[0-9a-f]{64}$/
const MAX_DESCRIPTION = 256

export interface AccessTokenUser {
  username: string
  uid?: string
  groups: string[]
  extra?: Record<string, string[]>
}

export interface AccessTokenSpec {
  user: AccessTokenUser
  cluster: string
  expirationTimestamp: string
  secretHash: string
  description?: string
}

const spec = (o: KubeObject) => rec(o.spec)

function expiresCell(o: KubeObject, now: number): string {
  const at = timestampMs(spec(o).expirationTimestamp)
  if (at === null) return '<unknown>'
  return at <= now ? 'Expired' : humanDuration(at - now)
}

export const accessToken: KindDef = defineKind({
  group: PLATFORM_GROUP,
  version: PLATFORM_VERSION,
  kind: 'AccessToken',
  plural: 'accesstokens',
  scope: 'Cluster',
  categories: ['flotilla'],
  shortNames: ['kt'],
  verbs: ['get', 'list', 'watch', 'update', 'delete', 'deletecollection'],
  subresources: { status: true },
  columns: [
    column('Cluster', 'The member cluster the kubeconfig targets.', (o) => str(spec(o).cluster)),
    column('User', 'The user the token authenticates as.', (o) => str(rec(spec(o).user).username)),
    column('Expires', 'Time left until the token expires.', expiresCell),
    column('Last Used', 'When the token last authenticated a request.', (o, now) => {
      const t = rec(o.status).lastUsedTimestamp
      return t ? since(t, now) : '<never>'
    }),
    ageColumn(),
    column('Description', 'What the token was issued for.', (o) => str(spec(o).description), { priority: 1 }),
  ],
  fieldSelectors: {
    'spec.user.username': (o) => str(rec(spec(o).user).username),
    'spec.cluster': (o) => str(spec(o).cluster),
  },
  validate: validateAccessToken,
  validateUpdate: (obj, old) => {
    const errs = validateAccessToken(obj)
    const s = spec(obj)
    const o = spec(old)
    for (const f of ['user', 'cluster', 'secretHash'] as const) {
      if (JSON.stringify(s[f]) !== JSON.stringify(o[f])) errs.push(fieldForbidden(`spec.${f}`, 'field is immutable'))
    }
    const now = timestampMs(s.expirationTimestamp)
    const before = timestampMs(o.expirationTimestamp)
    if (now !== null && before !== null && now > before) {
      errs.push(
        fieldForbidden(
          'spec.expirationTimestamp',
          'may only be moved earlier; issue a new kubeconfig for a longer lifetime',
        ),
      )
    }
    return errs
  },
})

function validateAccessToken(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = []
  if (!ACCESS_TOKEN_ID.test(obj.metadata.name ?? '')) {
    errs.push(fieldInvalid('metadata.name', obj.metadata.name, 'must be a token id ("kt-" and 16 base32 characters)'))
  }
  const s = spec(obj)
  const user = rec(s.user)
  if (!str(user.username)) errs.push(fieldRequired('spec.user.username'))
  if (!Array.isArray(user.groups) || !user.groups.every((g) => typeof g === 'string'))
    errs.push(fieldInvalid('spec.user.groups', user.groups, 'must be a list of strings'))
  if (user.uid !== undefined && typeof user.uid !== 'string')
    errs.push(fieldInvalid('spec.user.uid', user.uid, 'must be a string'))
  if (user.extra !== undefined && !validExtra(user.extra))
    errs.push(fieldInvalid('spec.user.extra', '', 'must map strings to lists of strings'))
  if (!str(s.cluster)) errs.push(fieldRequired('spec.cluster'))
  if (timestampMs(s.expirationTimestamp) === null)
    errs.push(fieldInvalid('spec.expirationTimestamp', s.expirationTimestamp, 'must be an RFC 3339 timestamp'))
  // The value is not echoed: a hash is harmless, but whatever was put here might not be one.
  if (!SECRET_HASH.test(str(s.secretHash)))
    errs.push(fieldInvalid('spec.secretHash', '', 'must be "sha256:" and 64 lowercase hex digits'))
  if (s.description !== undefined && (typeof s.description !== 'string' || s.description.length > MAX_DESCRIPTION))
    errs.push(fieldInvalid('spec.description', '', `must be a string of at most ${MAX_DESCRIPTION} characters`))
  return errs
}

function validExtra(v: unknown): boolean {
  const r = rec(v)
  if (r !== v) return false
  return Object.values(r).every((l) => Array.isArray(l) && l.every((x) => typeof x === 'string'))
}
