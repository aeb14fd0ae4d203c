// The Kubernetes API as controllers see it. Controllers are written against this interface
// only, so the same controller runs in-process against Flotilla's stores (LocalClient) or over
// HTTPS against any Kubernetes API server (the HTTP client). Errors are StatusErrors either way.

import type { KubeObject } from '../machinery/object.ts'

/** A resource as URLs name it: group ("" for core), version and plural resource. */
export interface Resource {
  group: string
  version: string
  resource: string
}

export const resources = {
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
  pods: { group: '', version: 'v1', resource: 'pods' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  services: { group: '', version: 'v1', resource: 'services' },
  endpoints: { group: '', version: 'v1', resource: 'endpoints' },
  events: { group: '', version: 'v1', resource: 'events' },
  configmaps: { group: '', version: 'v1', resource: 'configmaps' },
  secrets: { group: '', version: 'v1', resource: 'secrets' },
  serviceaccounts: { group: '', version: 'v1', resource: 'serviceaccounts' },
  persistentvolumes: { group: '', version: 'v1', resource: 'persistentvolumes' },
  persistentvolumeclaims: { group: '', version: 'v1', resource: 'persistentvolumeclaims' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  statefulsets: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  daemonsets: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  controllerrevisions: { group: 'apps', version: 'v1', resource: 'controllerrevisions' },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs' },
  cronjobs: { group: 'batch', version: 'v1', resource: 'cronjobs' },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' },
  storageclasses: { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' },
} as const satisfies Record<string, Resource>

export interface ListOptions {
  labelSelector?: string
  fieldSelector?: string
  limit?: number
  continue?: string
  resourceVersion?: string
}

export interface ObjectList {
  items: KubeObject[]
  resourceVersion: string
  continue?: string
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'

export interface WatchEvent {
  type: EventType
  object: KubeObject
}

export interface WatchOptions {
  labelSelector?: string
  fieldSelector?: string
  resourceVersion?: string
  allowWatchBookmarks?: boolean
  timeoutSeconds?: number
}

export interface WatchHandle {
  stop(): void
  /** Settles when the stream ends (server timeout, stop(), error). */
  readonly done: Promise<void>
}

export interface WriteOptions {
  dryRun?: boolean
  fieldManager?: string
  subresource?: 'status' | ''
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply'

/** The Content-Type of each kind of patch (as kubectl sends it). */
export const PATCH_MEDIA_TYPES: Readonly<Record<PatchType, string>> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
}

export interface PatchOptions extends WriteOptions {
  force?: boolean
}

export interface DeleteOptions {
  gracePeriodSeconds?: number
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground'
  preconditions?: { uid?: string; resourceVersion?: string }
  dryRun?: boolean
}

export interface Client {
  get(r: Resource, namespace: string, name: string): Promise<KubeObject>
  list(r: Resource, namespace: string, opts?: ListOptions): Promise<ObjectList>
  /** Starts a watch; events are delivered in order to onEvent. */
  watch(r: Resource, namespace: string, opts: WatchOptions, onEvent: (ev: WatchEvent) => void): Promise<WatchHandle>
  create(r: Resource, namespace: string, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>
  update(r: Resource, namespace: string, obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>
  patch(
    r: Resource,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    opts?: PatchOptions,
  ): Promise<KubeObject>
  delete(r: Resource, namespace: string, name: string, opts?: DeleteOptions): Promise<void>
}
