// Opaque continue tokens for paged LISTs: the revision of the first page (so every page reads
// the same snapshot) and the storage key to resume from. Same idea as apiserver's
// storage.EncodeContinue, our own encoding.

import { badRequest } from '../../machinery/errors.ts'

export interface ContinueToken {
  revision: number
  startKey: string
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'flotilla/v1', rv: t.revision, start: t.startKey })).toString('base64url')
}

export function decodeContinue(token: string, prefix: string): ContinueToken {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    throw badRequest('continue key is not valid: invalid encoding')
  }
  const p = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
    v?: unknown
    rv?: unknown
    start?: unknown
  }
  if (p.v !== 'flotilla/v1' || typeof p.rv !== 'number' || typeof p.start !== 'string' || !Number.isInteger(p.rv)) {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)')
  }
  if (!p.start.startsWith(prefix)) throw badRequest('continue key is not valid: key does not belong to this collection')
  return { revision: p.rv, startKey: p.start }
}
