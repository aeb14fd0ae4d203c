// The pod event handlers of a controller that owns pods directly (DaemonSet, StatefulSet): a pod
// event wakes its controlling owner (noting the creation or deletion the owner expects), wakes
// the owner again when a pod becomes ready and minReadySeconds applies, wakes a previous owner
// the pod moved away from, and offers orphans to every owner whose selector matches.

import { num, rec } from '../../../apis/json.ts'
import type { InformerHandlers } from '../../../client/informer.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import type { Expectations } from './expectations.ts'
import { controllerRefOf, keyOf } from './meta.ts'
import { isPodReady } from './pods.ts'
import type { ControllerRuntime } from './runtime.ts'

export interface PodOwner {
  rt: ControllerRuntime
  expectations: Expectations
  /** The owner controlling this pod, if it is one of this controller's kind. */
  resolve(pod: KubeObject): KubeObject | undefined
  /** Queues every owner whose selector matches an orphan pod. */
  enqueueMatching(pod: KubeObject): void
}

export function ownedPodHandlers(o: PodOwner): InformerHandlers {
  return {
    add: (p) => {
      const owner = o.resolve(p)
      if (owner) {
        o.expectations.creationObserved(keyOf(owner))
        o.rt.enqueueObject(owner)
      } else if (!controllerRefOf(p)) o.enqueueMatching(p)
    },
    update: (p, old) => {
      if (p.metadata.resourceVersion === old.metadata.resourceVersion) return
      const owner = o.resolve(p)
      if (owner) {
        if (p.metadata.deletionTimestamp) o.expectations.deletionObserved(keyOf(owner), keyOf(p))
        o.rt.enqueueObject(owner)
        const minReady = num(rec(owner.spec).minReadySeconds)
        if (minReady > 0 && !isPodReady(old) && isPodReady(p)) o.rt.enqueueAfter(keyOf(owner), minReady * 1000 + 1000)
      } else if (!controllerRefOf(p)) o.enqueueMatching(p)
      const prev = o.resolve(old)
      if (prev && prev.metadata.uid !== owner?.metadata.uid) o.rt.enqueueObject(prev)
    },
    delete: (p) => {
      const owner = o.resolve(p)
      if (!owner) return
      o.expectations.deletionObserved(keyOf(owner), keyOf(p))
      o.rt.enqueueObject(owner)
    },
  }
}
