// defineKind(): the single declaration of an API type. Discovery, OpenAPI, Table output,
// field selectors, name validation, status/scale subresources and the generic registry all
// read this one object; a CustomResourceDefinition becomes a KindDef at run time.

import type { FieldError, StatusError } from './errors.ts'
import type { KubeObject } from './object.ts'

export type Scope = 'Namespaced' | 'Cluster'

export type NameValidation = 'dns1123-subdomain' | 'dns1123-label' | 'path-segment'

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch'

export const ALL_VERBS: readonly Verb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
]

/** A Table column. `cell` computes the value from the full object (now = ms epoch, for ages). */
export interface Column {
  name: string
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date'
  format?: string
  description: string
  /** 0 = always shown; 1 = only with `kubectl get -o wide`. */
  priority: number
  cell: (obj: KubeObject, now: number) => string | number | boolean | null
}

/** Where replicas live, for the autoscaling/v1 Scale subresource. */
export interface ScaleDef {
  specReplicasPath: string // e.g. "spec.replicas"
  statusReplicasPath: string // e.g. "status.replicas"
  /** Path of a label selector object (spec.selector) or string, reported as Scale status.selector. */
  labelSelectorPath?: string
}

export interface KindHooks {
  /** Fill defaults and derived fields on create (after metadata is set by the registry). */
  prepareForCreate?: (obj: KubeObject) => void
  /** Fill defaults on update; `old` is the stored object. */
  prepareForUpdate?: (obj: KubeObject, old: KubeObject) => void
  /** Type-specific validation; the registry already validates metadata and names. */
  validate?: (obj: KubeObject) => FieldError[]
  validateUpdate?: (obj: KubeObject, old: KubeObject) => FieldError[]
  /**
   * Kind-specific finalization still pending (besides metadata.finalizers), e.g. a Namespace's
   * spec.finalizers. While true, a deleted object is kept with its deletionTimestamp.
   */
  pendingFinalization?: (obj: KubeObject) => boolean
  /** Adjusts an object whose deletion is pending (e.g. Namespace status.phase Terminating). */
  prepareForDelete?: (obj: KubeObject) => void
  /**
   * Refuses a deletion (e.g. a Cluster with spec.deleteProtection) with the error to return;
   * checked on DELETE and on each object of a DELETE collection, before anything is written.
   */
  validateDelete?: (obj: KubeObject) => StatusError | undefined
}

export interface KindDef extends KindHooks {
  group: string // "" for the core group
  version: string
  kind: string
  listKind: string
  plural: string
  singular: string
  scope: Scope
  shortNames: string[]
  categories: string[]
  verbs: readonly Verb[]
  nameValidation: NameValidation
  /**
   * How metadata.generation behaves: 'spec' = set to 1 on create and bumped when anything but
   * metadata and status changes (built-in workloads, CRDs); 'none' = not set (ConfigMap, Secret...).
   */
  generation: 'spec' | 'none'
  /** Top-level fields that belong to status (written only via /status when it exists). */
  subresources: { status: boolean; scale?: ScaleDef }
  /** Table columns after NAME (NAME is added by the table printer). */
  columns: Column[]
  /**
   * Extra field selectors beyond metadata.name and metadata.namespace, mapping the selector
   * field to a function that reads its value as a string ("" when absent).
   */
  fieldSelectors: Record<string, (obj: KubeObject) => string>
  /** OpenAPI v3 schema of the whole object (structural), when known. */
  schema?: Record<string, unknown>
  /** True for kinds that arrived through a CustomResourceDefinition. */
  custom?: boolean
  /**
   * True for create-only kinds that are answered, never stored (access reviews): the server
   * serves them with a handler registered at run time.
   */
  virtual?: boolean
  /**
   * The version objects are stored in, when the kind is served at several versions sharing one
   * storage (CRDs with conversion None): writes store that apiVersion, reads present their own.
   */
  storageVersion?: string
  /**
   * Objects live in another resource's storage, in that resource's shape (events.k8s.io/v1
   * Events are core/v1 Events): where, and how to convert on the way in and out.
   */
  sharedStorage?: SharedStorage
}

export interface SharedStorage {
  group: string
  plural: string
  /** This kind's object -> the stored resource's object. */
  toStorage: (obj: KubeObject) => KubeObject
  /** The stored resource's object -> this kind's object. */
  fromStorage: (obj: KubeObject) => KubeObject
}

export type KindSpec = Partial<KindDef> & Pick<KindDef, 'group' | 'version' | 'kind' | 'plural' | 'scope'>

export function defineKind(spec: KindSpec): KindDef {
  return {
    listKind: `${spec.kind}List`,
    singular: spec.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    nameValidation: 'dns1123-subdomain',
    generation: 'none',
    subresources: { status: false },
    columns: [],
    fieldSelectors: {},
    ...spec,
  }
}

export function apiVersionOf(def: Pick<KindDef, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version
}
