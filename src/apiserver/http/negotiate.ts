// Content negotiation for responses. kubectl asks for Tables for human output
// (application/json;as=Table;v=v1;g=meta.k8s.io), controllers sometimes for metadata only
// (as=PartialObjectMetadata[List]); everything else is plain JSON (or YAML when asked).

import { notAcceptable } from '../../machinery/errors.ts'

export type OutputKind = 'json' | 'yaml' | 'table' | 'metadata'

export interface MediaRange {
  type: string
  params: Record<string, string>
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: '*/*', params: {} }]
  return header.split(',').map((part) => {
    const [type, ...rest] = part.split(';')
    const params: Record<string, string> = {}
    for (const p of rest) {
      const i = p.indexOf('=')
      if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim()
    }
    return { type: type.trim().toLowerCase(), params }
  })
}

/** Chooses the first acceptable representation, in the client's order. */
export function chooseOutput(header: string | undefined, allowTable: boolean): OutputKind {
  for (const r of parseAccept(header)) {
    const as = r.params.as
    if (r.type === 'application/json' || r.type === 'application/*' || r.type === '*/*') {
      if (!as) return 'json'
      if (r.params.g !== 'meta.k8s.io' || !['v1', 'v1beta1'].includes(r.params.v ?? '')) continue
      if (as === 'Table' && allowTable) return 'table'
      if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return 'metadata'
      continue
    }
    if (r.type === 'application/yaml' && !as) return 'yaml'
  }
  throw notAcceptable(
    'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
  )
}
