// Applying patch documents (JSON patch, merge patch, strategic merge patch) to stored objects.
// Server-side apply is separate (handlers/apply.ts): it also rewrites managedFields.

import { unsupportedMediaType } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { applyJsonPatch } from '../../machinery/patch/json-patch.ts'
import { applyMergePatch } from '../../machinery/patch/merge-patch.ts'
import { applyStrategicMergePatch } from '../../machinery/patch/strategic/index.ts'
import type { Store } from './store.ts'

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
]

/** Applies a patch document of the given media type to an object; returns the patched object. */
export type PatchApplier = (store: Store, current: KubeObject, patch: unknown) => KubeObject

const appliers: ReadonlyMap<string, PatchApplier> = new Map<string, PatchApplier>([
  ['application/json-patch+json', (_s, current, patch) => applyJsonPatch(current, patch) as KubeObject],
  ['application/merge-patch+json', (_s, current, patch) => applyMergePatch(current, patch) as KubeObject],
  [
    'application/strategic-merge-patch+json',
    (store, current, patch) => {
      // Custom resources have no patch strategies to merge by (as kube-apiserver answers).
      if (store.def.custom) {
        throw unsupportedMediaType(
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
        )
      }
      return applyStrategicMergePatch(current, patch, store.mergeSchema) as KubeObject
    },
  ],
])

/** The function that applies a patch of this media type, if the type is supported. */
export function patchApplier(type: string): PatchApplier | undefined {
  return appliers.get(type)
}
