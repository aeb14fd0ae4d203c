// Container image references as containerd reports them: fully qualified names
// ("nginx:1.27" → "docker.io/library/nginx:1.27") and stable fake digests and sizes.

import { createHash } from 'node:crypto'

export interface ImageRef {
  /** As written in the pod spec. */
  spec: string
  /** Fully qualified, with tag (or digest). */
  name: string
  /** repository@sha256:… */
  id: string
  size: number
}

const cache = new Map<string, ImageRef>()

export function imageRef(spec: string): ImageRef {
  const hit = cache.get(spec)
  if (hit) return hit
  let name = spec
  const at = name.indexOf('@')
  const repoPart = at >= 0 ? name.slice(0, at) : name
  const slash = repoPart.indexOf('/')
  const first = slash >= 0 ? repoPart.slice(0, slash) : ''
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')
  let repo = repoPart
  if (!hasRegistry) repo = slash >= 0 ? `docker.io/${repoPart}` : `docker.io/library/${repoPart}`
  const lastSegment = repo.slice(repo.lastIndexOf('/') + 1)
  const tagged = lastSegment.includes(':')
  const repository = tagged ? repo.slice(0, repo.lastIndexOf(':')) : repo
  if (at >= 0) name = `${repo}${name.slice(at)}`
  else name = tagged ? repo : `${repo}:latest`
  const digest = at >= 0 ? spec.slice(at + 1) : `sha256:${createHash('sha256').update(name).digest('hex')}`
  const size =
    5_000_000 +
    (Number.parseInt(createHash('sha256').update(`size:${name}`).digest('hex').slice(0, 8), 16) % 200_000_000)
  const ref: ImageRef = { spec, name, id: `${repository}@${digest}`, size }
  if (cache.size > 10_000) cache.clear()
  cache.set(spec, ref)
  return ref
}
