// Shared wiring of the Endpoints and EndpointSlice controllers: services, the pods they select
// (re-evaluated when a pod's labels, IP, readiness or termination change), and the key queue.

import { resources } from '../../../client/client.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import type { ControllerContext } from '../../manager.ts'
import { type Index, namespaceIndex, type SharedInformer } from '../util/informers.ts'
import { ControllerRuntime } from '../util/runtime.ts'
import { endpointView, serviceSelector } from './pods.ts'

export class ServiceControllerBase {
  readonly rt: ControllerRuntime
  readonly svcInf: SharedInformer
  readonly podInf: SharedInformer
  readonly podsByNamespace: Index
  readonly svcByNamespace: Index

  constructor(ctx: ControllerContext, sync: (key: string) => Promise<void>) {
    this.rt = new ControllerRuntime(ctx, sync)
    this.svcInf = this.rt.informer(resources.services)
    this.podInf = this.rt.informer(resources.pods)
    this.podsByNamespace = this.podInf.index('namespace', namespaceIndex)
    this.svcByNamespace = this.svcInf.index('namespace', namespaceIndex)
  }

  wire(): void {
    this.svcInf.on({
      add: (s) => this.rt.enqueueObject(s),
      update: (s) => this.rt.enqueueObject(s),
      delete: (s) => this.rt.enqueueObject(s),
    })
    this.podInf.on({
      add: (p) => this.enqueueServicesOf(p),
      update: (p, old) => {
        if (endpointView(p) === endpointView(old)) return
        this.enqueueServicesOf(p)
        if (JSON.stringify(p.metadata.labels ?? {}) !== JSON.stringify(old.metadata.labels ?? {})) {
          this.enqueueServicesOf(old)
        }
      },
      delete: (p) => this.enqueueServicesOf(p),
    })
  }

  private enqueueServicesOf(pod: KubeObject): void {
    for (const svc of this.svcByNamespace.get(pod.metadata.namespace ?? '')) {
      if (serviceSelector(svc).matches(pod.metadata.labels)) this.rt.enqueueObject(svc)
    }
  }

  /** The pods of the service's namespace its selector matches. */
  selectedPods(svc: KubeObject): KubeObject[] {
    const sel = serviceSelector(svc)
    return this.podsByNamespace.get(svc.metadata.namespace ?? '').filter((p) => sel.matches(p.metadata.labels))
  }
}
