// Mutating admission: plugins that may change an object (or refuse it) after the kind's own
// hooks and validation, just before it is stored — the place for work that needs state beyond
// the object itself (allocating a Service's cluster IP and node ports, for example).

import type { KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'

export interface AdmissionAttributes {
  def: KindDef
  /** The object about to be stored (mutable). */
  object: KubeObject
  /** The stored object, for updates. */
  old?: KubeObject
  dryRun: boolean
}

export interface AdmissionPlugin {
  name: string
  handles(def: KindDef): boolean
  admit(a: AdmissionAttributes): Promise<void> | void
}

export class AdmissionChain {
  private readonly plugins: AdmissionPlugin[] = []

  register(p: AdmissionPlugin): void {
    this.plugins.push(p)
  }

  async admit(a: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.handles(a.def)) await p.admit(a)
  }
}
