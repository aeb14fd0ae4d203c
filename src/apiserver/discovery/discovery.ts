// Discovery documents built from KindDefs: the legacy documents (/api APIVersions, /apis
// APIGroupList, /api/v1 and /apis/G/V APIResourceList) and aggregated discovery
// (apidiscovery.k8s.io v2 and v2beta1 APIGroupDiscoveryList), plus Accept negotiation between them.
//
// Aggregated discovery is only understood by clients when the response carries its own media type
// (application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList); with a plain
// application/json content type, kubectl would decode it as an APIGroupList. negotiateDiscovery()
// therefore returns the body and its content type together.

import { createHash } from 'node:crypto'
import { apiVersionOf, type KindDef } from '../../machinery/kinds.ts'

/** A subresource that is not derived from KindDef.subresources (pods/log, pods/exec, ...). */
export interface ExtraSubresource {
  /** Group and version of the parent resource. */
  group: string
  version: string
  /** Parent resource (plural), e.g. "pods". */
  resource: string
  /** Subresource name, e.g. "log". */
  subresource: string
  /** Kind of the request/response object, e.g. "Pod", "PodExecOptions", "Eviction". */
  kind: string
  /** When the subresource's kind lives in another group/version (policy/v1 Eviction). */
  kindGroup?: string
  kindVersion?: string
  verbs: readonly string[]
}

/**
 * Subresources of built-in kinds served by handlers outside the generic registry, as kube-apiserver
 * lists them. Pass the ones the server actually serves as DiscoveryInput.extraSubresources.
 */
export const WELL_KNOWN_SUBRESOURCES: readonly ExtraSubresource[] = [
  { group: '', version: 'v1', resource: 'pods', subresource: 'log', kind: 'Pod', verbs: ['get'] },
  { group: '', version: 'v1', resource: 'pods', subresource: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    subresource: 'attach',
    kind: 'PodAttachOptions',
    verbs: ['create', 'get'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    subresource: 'portforward',
    kind: 'PodPortForwardOptions',
    verbs: ['create', 'get'],
  },
  { group: '', version: 'v1', resource: 'pods', subresource: 'binding', kind: 'Binding', verbs: ['create'] },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    subresource: 'eviction',
    kind: 'Eviction',
    kindGroup: 'policy',
    kindVersion: 'v1',
    verbs: ['create'],
  },
  { group: '', version: 'v1', resource: 'namespaces', subresource: 'finalize', kind: 'Namespace', verbs: ['update'] },
  {
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    subresource: 'token',
    kind: 'TokenRequest',
    kindGroup: 'authentication.k8s.io',
    kindVersion: 'v1',
    verbs: ['create'],
  },
]

export interface DiscoveryInput {
  kinds: readonly KindDef[]
  /** Subresources served outside KindDef (see WELL_KNOWN_SUBRESOURCES); ignored when the parent is absent. */
  extraSubresources?: readonly ExtraSubresource[]
  /** host:port advertised in serverAddressByClientCIDRs. */
  serverAddress?: string
  /** Include storageVersionHash on resources (default true). */
  storageVersionHash?: boolean
}

// ---- shapes ---------------------------------------------------------------------------------

export interface GroupVersionForDiscovery {
  groupVersion: string
  version: string
}

export interface APIGroup {
  name: string
  versions: GroupVersionForDiscovery[]
  preferredVersion: GroupVersionForDiscovery
}

export interface APIResource {
  name: string
  singularName: string
  namespaced: boolean
  group?: string
  version?: string
  kind: string
  verbs: string[]
  shortNames?: string[]
  categories?: string[]
  storageVersionHash?: string
}

export interface APIResourceList {
  kind: 'APIResourceList'
  apiVersion: 'v1'
  groupVersion: string
  resources: APIResource[]
}

export interface APIVersions {
  kind: 'APIVersions'
  versions: string[]
  serverAddressByClientCIDRs: { clientCIDR: string; serverAddress: string }[]
}

export interface APIGroupList {
  kind: 'APIGroupList'
  apiVersion: 'v1'
  groups: APIGroup[]
}

export interface GroupVersionKind {
  group: string
  version: string
  kind: string
}

export interface APISubresourceDiscovery {
  subresource: string
  responseKind: GroupVersionKind
  verbs: string[]
}

export interface APIResourceDiscovery {
  resource: string
  responseKind: GroupVersionKind
  scope: 'Namespaced' | 'Cluster'
  singularResource: string
  verbs: string[]
  shortNames?: string[]
  categories?: string[]
  subresources?: APISubresourceDiscovery[]
}

export interface APIVersionDiscovery {
  version: string
  resources: APIResourceDiscovery[]
  freshness: 'Current' | 'Stale'
}

export interface APIGroupDiscovery {
  metadata: { name?: string; creationTimestamp: null }
  versions: APIVersionDiscovery[]
}

export type AggregatedDiscoveryVersion = 'v2' | 'v2beta1'

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList'
  apiVersion: `apidiscovery.k8s.io/${AggregatedDiscoveryVersion}`
  metadata: Record<string, never>
  items: APIGroupDiscovery[]
}

// ---- grouping -------------------------------------------------------------------------------

interface VersionEntry {
  version: string
  kinds: KindDef[]
}

interface GroupEntry {
  name: string
  versions: VersionEntry[]
}

/** Groups in first-declared order, versions in first-declared order (the first is preferred). */
function groupKinds(kinds: readonly KindDef[]): GroupEntry[] {
  const groups = new Map<string, GroupEntry>()
  for (const def of kinds) {
    let g = groups.get(def.group)
    if (!g) {
      g = { name: def.group, versions: [] }
      groups.set(def.group, g)
    }
    let v = g.versions.find((x) => x.version === def.version)
    if (!v) {
      v = { version: def.version, kinds: [] }
      g.versions.push(v)
    }
    v.kinds.push(def)
  }
  return [...groups.values()]
}

function gvString(group: string, version: string): string {
  return group ? `${group}/${version}` : version
}

/** discovery.StorageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64')
}

const SUBRESOURCE_VERBS = ['get', 'patch', 'update']

function sortedVerbs(verbs: readonly string[]): string[] {
  return [...new Set(verbs)].sort()
}

function extrasFor(input: DiscoveryInput, def: KindDef): ExtraSubresource[] {
  return (input.extraSubresources ?? []).filter(
    (x) => x.group === def.group && x.version === def.version && x.resource === def.plural,
  )
}

// ---- legacy documents -----------------------------------------------------------------------

/** GET /api */
export function apiVersions(serverAddress = ''): APIVersions {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  }
}

/** GET /apis: every non-core group, in first-declared order. */
export function apiGroupList(kinds: readonly KindDef[]): APIGroupList {
  const groups: APIGroup[] = []
  for (const g of groupKinds(kinds)) {
    if (g.name === '') continue
    const versions = g.versions.map((v) => ({ groupVersion: gvString(g.name, v.version), version: v.version }))
    groups.push({ name: g.name, versions, preferredVersion: versions[0] })
  }
  return { kind: 'APIGroupList', apiVersion: 'v1', groups }
}

/** GET /apis/G (a single APIGroup), or undefined when the group is not served. */
export function apiGroup(
  kinds: readonly KindDef[],
  group: string,
): (APIGroup & { kind: 'APIGroup'; apiVersion: 'v1' }) | undefined {
  const g = apiGroupList(kinds).groups.find((x) => x.name === group)
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...g } : undefined
}

/** GET /api/v1 or /apis/G/V, or undefined when that group-version is not served. */
export function apiResourceList(input: DiscoveryInput, group: string, version: string): APIResourceList | undefined {
  const defs = input.kinds.filter((d) => d.group === group && d.version === version)
  if (defs.length === 0) return undefined
  const withHash = input.storageVersionHash ?? true
  const resources: APIResource[] = []
  for (const def of defs) {
    const namespaced = def.scope === 'Namespaced'
    const r: APIResource = {
      name: def.plural,
      singularName: def.singular,
      namespaced,
      kind: def.kind,
      verbs: sortedVerbs(def.verbs),
    }
    if (def.shortNames.length) r.shortNames = [...def.shortNames]
    if (def.categories.length) r.categories = [...def.categories]
    if (withHash) r.storageVersionHash = storageVersionHash(def.group, def.version, def.kind)
    resources.push(r)
    if (def.subresources.scale) {
      resources.push({
        name: `${def.plural}/scale`,
        singularName: '',
        namespaced,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: [...SUBRESOURCE_VERBS],
      })
    }
    if (def.subresources.status) {
      resources.push({
        name: `${def.plural}/status`,
        singularName: '',
        namespaced,
        kind: def.kind,
        verbs: [...SUBRESOURCE_VERBS],
      })
    }
    for (const x of extrasFor(input, def)) {
      const e: APIResource = {
        name: `${def.plural}/${x.subresource}`,
        singularName: '',
        namespaced,
        kind: x.kind,
        verbs: sortedVerbs(x.verbs),
      }
      if (x.kindGroup !== undefined || x.kindVersion !== undefined) {
        e.group = x.kindGroup ?? ''
        e.version = x.kindVersion ?? def.version
      }
      resources.push(e)
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gvString(group, version), resources }
}

// ---- aggregated discovery -------------------------------------------------------------------

function resourceDiscovery(input: DiscoveryInput, def: KindDef): APIResourceDiscovery {
  const r: APIResourceDiscovery = {
    resource: def.plural,
    responseKind: { group: def.group, version: def.version, kind: def.kind },
    scope: def.scope,
    singularResource: def.singular,
    verbs: sortedVerbs(def.verbs),
  }
  if (def.shortNames.length) r.shortNames = [...def.shortNames]
  if (def.categories.length) r.categories = [...def.categories]
  const subs: APISubresourceDiscovery[] = []
  if (def.subresources.scale) {
    subs.push({
      subresource: 'scale',
      responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      verbs: [...SUBRESOURCE_VERBS],
    })
  }
  if (def.subresources.status) {
    subs.push({
      subresource: 'status',
      responseKind: { group: def.group, version: def.version, kind: def.kind },
      verbs: [...SUBRESOURCE_VERBS],
    })
  }
  for (const x of extrasFor(input, def)) {
    subs.push({
      subresource: x.subresource,
      responseKind: { group: x.kindGroup ?? def.group, version: x.kindVersion ?? def.version, kind: x.kind },
      verbs: sortedVerbs(x.verbs),
    })
  }
  if (subs.length) r.subresources = subs.sort((a, b) => (a.subresource < b.subresource ? -1 : 1))
  return r
}

function groupDiscovery(input: DiscoveryInput, g: GroupEntry): APIGroupDiscovery {
  const metadata: APIGroupDiscovery['metadata'] = g.name
    ? { name: g.name, creationTimestamp: null }
    : { creationTimestamp: null }
  return {
    metadata,
    versions: g.versions.map((v) => ({
      version: v.version,
      resources: v.kinds.map((d) => resourceDiscovery(input, d)),
      freshness: 'Current',
    })),
  }
}

/**
 * APIGroupDiscoveryList for /api (`scope: 'core'`, only the "" group) or /apis (`scope: 'apis'`,
 * every other group). Versions are listed preferred first.
 */
export function aggregatedDiscovery(
  input: DiscoveryInput,
  scope: 'core' | 'apis',
  version: AggregatedDiscoveryVersion = 'v2',
): APIGroupDiscoveryList {
  const items = groupKinds(input.kinds)
    .filter((g) => (scope === 'core' ? g.name === '' : g.name !== ''))
    .map((g) => groupDiscovery(input, g))
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items }
}

// ---- content negotiation --------------------------------------------------------------------

export const AGGREGATED_V2_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'
export const AGGREGATED_V2BETA1_CONTENT_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'

interface MediaRange {
  type: string
  subtype: string
  params: Record<string, string>
  q: number
  order: number
}

/** Parses an Accept header into media ranges, highest q first (ties keep header order). */
export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return []
  const out: MediaRange[] = []
  accept.split(',').forEach((part, order) => {
    const [mime, ...rest] = part.split(';').map((s) => s.trim())
    if (!mime) return
    const [type, subtype = ''] = mime.toLowerCase().split('/')
    const params: Record<string, string> = {}
    let q = 1
    for (const p of rest) {
      const eq = p.indexOf('=')
      if (eq < 0) continue
      const k = p.slice(0, eq).trim().toLowerCase()
      const v = p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
      if (k === 'q') q = Number.isFinite(Number(v)) ? Number(v) : 0
      else params[k] = v
    }
    if (q > 0) out.push({ type, subtype, params, q, order })
  })
  return out.sort((a, b) => b.q - a.q || a.order - b.order)
}

/** Which aggregated discovery version (if any) an Accept header asks for first. */
export function aggregatedVersionFromAccept(accept: string | undefined): AggregatedDiscoveryVersion | undefined {
  for (const r of parseAccept(accept)) {
    if (r.type !== 'application' || r.subtype !== 'json') continue
    if (r.params.g !== 'apidiscovery.k8s.io' || r.params.as !== 'APIGroupDiscoveryList') {
      // A plain application/json (or any other JSON form) listed first wins over later aggregated ranges.
      if (!r.params.g && !r.params.as) return undefined
      continue
    }
    if (r.params.v === 'v2' || r.params.v === 'v2beta1') return r.params.v
  }
  return undefined
}

export interface DiscoveryResponse {
  contentType: string
  body: APIVersions | APIGroupList | APIGroupDiscoveryList
}

export interface NegotiateOptions {
  /** Serve aggregated discovery when asked (default true). */
  aggregated?: boolean
}

/**
 * The response for GET /api (`scope: 'core'`) or GET /apis (`scope: 'apis'`): aggregated discovery
 * with its own content type when the Accept header asks for it, else the legacy document.
 * Callers should also send `Vary: Accept`.
 */
export function negotiateDiscovery(
  input: DiscoveryInput,
  scope: 'core' | 'apis',
  accept: string | undefined,
  opts: NegotiateOptions = {},
): DiscoveryResponse {
  const v = opts.aggregated === false ? undefined : aggregatedVersionFromAccept(accept)
  if (v) {
    return {
      contentType: v === 'v2' ? AGGREGATED_V2_CONTENT_TYPE : AGGREGATED_V2BETA1_CONTENT_TYPE,
      body: aggregatedDiscovery(input, scope, v),
    }
  }
  return {
    contentType: 'application/json',
    body: scope === 'core' ? apiVersions(input.serverAddress) : apiGroupList(input.kinds),
  }
}

/** The apiVersion strings ("v1", "apps/v1", ...) served by a set of kinds, in discovery order. */
export function servedGroupVersions(kinds: readonly KindDef[]): string[] {
  const out: string[] = []
  for (const def of kinds) {
    const gv = apiVersionOf(def)
    if (!out.includes(gv)) out.push(gv)
  }
  return out
}
