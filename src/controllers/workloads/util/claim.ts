// ControllerRefManager.Claim*: a controller claims the objects its selector matches. Orphans
// that match are adopted (an ownerReference with controller: true is added); owned objects that
// no longer match are released (the reference is removed). Objects owned by another controller
// are never touched. Patches carry the object's resourceVersion so a concurrent change makes
// them fail (and the controller retry) instead of overwriting.

import type { Client, Resource } from '../../../client/client.ts'
import type { Logger } from '../../../log/logger.ts'
import { StatusError } from '../../../machinery/errors.ts'
import type { KubeObject, OwnerReference } from '../../../machinery/object.ts'
import type { LabelSelector } from '../../../machinery/selectors/index.ts'
import { controllerRefOf } from './meta.ts'

export interface ClaimOptions {
  client: Client
  resource: Resource
  log: Logger
  owner: KubeObject
  ref: OwnerReference
  selector: LabelSelector
  /** Rechecks (with a live read) that the owner may still adopt; called at most once. */
  canAdopt?: () => Promise<boolean>
  /** Finalizers to add when adopting (the Job tracking finalizer). */
  adoptFinalizers?: string[]
}

function ignoreGone(e: unknown): void {
  if (e instanceof StatusError && (e.code === 404 || e.code === 409 || e.code === 422)) return
  throw e
}

/** Returns the candidates the owner controls after adoption and release. */
export async function claimObjects(opts: ClaimOptions, candidates: KubeObject[]): Promise<KubeObject[]> {
  const { client, resource, owner, ref, selector } = opts
  const ownerUid = owner.metadata.uid
  const claimed: KubeObject[] = []
  let adoptAllowed: boolean | undefined
  const mayAdopt = async () => {
    if (adoptAllowed === undefined) adoptAllowed = opts.canAdopt ? await opts.canAdopt() : true
    return adoptAllowed
  }
  for (const obj of candidates) {
    const cref = controllerRefOf(obj)
    const matches = selector.matches(obj.metadata.labels)
    if (cref) {
      if (cref.uid !== ownerUid) continue
      if (matches) {
        claimed.push(obj)
        continue
      }
      // Owned but no longer selected: release, unless the owner is going away.
      if (owner.metadata.deletionTimestamp) continue
      const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid)
      try {
        await client.patch(resource, obj.metadata.namespace ?? '', obj.metadata.name ?? '', 'merge', {
          metadata: { ownerReferences: refs.length > 0 ? refs : null, resourceVersion: obj.metadata.resourceVersion },
        })
      } catch (e) {
        ignoreGone(e)
      }
      continue
    }
    if (!matches || owner.metadata.deletionTimestamp || obj.metadata.deletionTimestamp) continue
    if (!(await mayAdopt())) continue
    const patch: Record<string, unknown> = {
      ownerReferences: [...(obj.metadata.ownerReferences ?? []), ref],
      resourceVersion: obj.metadata.resourceVersion,
    }
    const fins = obj.metadata.finalizers ?? []
    const extra = (opts.adoptFinalizers ?? []).filter((f) => !fins.includes(f))
    if (extra.length > 0) patch.finalizers = [...fins, ...extra]
    try {
      const adopted = await client.patch(resource, obj.metadata.namespace ?? '', obj.metadata.name ?? '', 'merge', {
        metadata: patch,
      })
      claimed.push(adopted)
    } catch (e) {
      ignoreGone(e)
    }
  }
  return claimed
}

/** RecheckDeletionTimestamp: a live read confirming the owner exists, is the same and is not being deleted. */
export function recheckOwner(client: Client, resource: Resource, owner: KubeObject): () => Promise<boolean> {
  return async () => {
    try {
      const fresh = await client.get(resource, owner.metadata.namespace ?? '', owner.metadata.name ?? '')
      return fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return false
      throw e
    }
  }
}
