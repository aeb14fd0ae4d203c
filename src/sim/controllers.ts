// The simulated cluster's own controllers — nodes (status, leases, lifecycle taints), the
// scheduler, the kubelets and node lifecycle (taint eviction, orphaned pods) — as
// ControllerDescriptors. They share one pod and one node informer and an event recorder per
// returned list, so run one list per cluster.

import type { ControllerDescriptor } from '../controllers/manager.ts'
import { DEFAULT_KUBELET_OPTIONS, type KubeletOptions, kubeletDescriptor } from './kubelet/kubelet.ts'
import {
  DEFAULT_NODE_CONTROLLER_OPTIONS,
  type NodeControllerOptions,
  nodeControllerDescriptor,
} from './nodes/node-controller.ts'
import { nodeLifecycleDescriptor } from './nodes/node-lifecycle.ts'
import { type AddressPlan, DEFAULT_ADDRESS_PLAN, type SimNodeSpec } from './nodes/node-object.ts'
import { DEFAULT_NODE_TEMPLATE, DEFAULT_SIM_VERSION, type NodeTemplate } from './options.ts'
import { type SchedulerOptions, schedulerDescriptor } from './scheduler/scheduler.ts'
import { sharedFactory } from './shared.ts'

export type NodeTimings = Pick<NodeControllerOptions, 'leaseDurationSeconds' | 'leaseRenewMs' | 'statusRefreshMs'>

export interface SimControllersOptions {
  /** Cluster name: nodes are called <cluster>-worker-<i> and <cluster>-control-plane-<i>. */
  cluster?: string
  /** Worker nodes to create (default 3). */
  nodes?: number
  /** Control-plane nodes (labelled and tainted node-role.kubernetes.io/control-plane), default 0. */
  controlPlaneNodes?: number
  /** Node capacity, labels, taints, zones; also used for nodes others create. */
  node?: Partial<NodeTemplate>
  kubernetesVersion?: string
  addresses?: Partial<AddressPlan>
  /** false: no node controller (nodes are someone else's business). */
  nodeController?: Partial<NodeTimings> | false
  /** false: no scheduler (pods must come with spec.nodeName). */
  scheduler?: Partial<SchedulerOptions> | false
  /** false: no kubelets. */
  kubelet?: Partial<KubeletOptions> | false
  /**
   * false: no taint-based eviction (pods on nodes with NoExecute taints they do not tolerate)
   * and no deletion of pods whose node is gone.
   */
  nodeLifecycle?: boolean
}

/** The nodes a cluster starts with: control-plane nodes first, then workers, across zones. */
export function simNodeSpecs(
  cluster: string,
  workers: number,
  controlPlane: number,
  template: NodeTemplate,
): SimNodeSpec[] {
  const out: SimNodeSpec[] = []
  const zone = (i: number) => (template.zones.length > 0 ? template.zones[i % template.zones.length] : undefined)
  for (let i = 0; i < controlPlane; i++) {
    out.push({ name: `${cluster}-control-plane-${i}`, index: i, controlPlane: true, zone: zone(i), template })
  }
  for (let i = 0; i < workers; i++) {
    const index = controlPlane + i
    out.push({ name: `${cluster}-worker-${i}`, index, controlPlane: false, zone: zone(i), template })
  }
  return out
}

export function nodeTemplate(partial: Partial<NodeTemplate> = {}): NodeTemplate {
  return { ...DEFAULT_NODE_TEMPLATE, ...partial }
}

/** The simulator's controllers for one cluster (node controller, scheduler, kubelet). */
export function simControllers(opts: SimControllersOptions = {}): ControllerDescriptor[] {
  const cluster = opts.cluster ?? 'sim'
  const template = nodeTemplate(opts.node)
  const shared = sharedFactory()
  const out: ControllerDescriptor[] = []
  if (opts.nodeController !== false) {
    out.push(
      nodeControllerDescriptor(shared, {
        ...DEFAULT_NODE_CONTROLLER_OPTIONS,
        ...(opts.nodeController ?? {}),
        cluster,
        nodes: simNodeSpecs(cluster, opts.nodes ?? 3, opts.controlPlaneNodes ?? 0, template),
        template,
        plan: { ...DEFAULT_ADDRESS_PLAN, ...opts.addresses },
        version: opts.kubernetesVersion ?? DEFAULT_SIM_VERSION,
      }),
    )
  }
  if (opts.scheduler !== false) {
    const podScheduledCondition = opts.kubelet === false ? 'always' : 'after-unschedulable'
    out.push(schedulerDescriptor(shared, { podScheduledCondition, ...opts.scheduler }, cluster))
  }
  if (opts.kubelet !== false)
    out.push(kubeletDescriptor(shared, { ...DEFAULT_KUBELET_OPTIONS, ...(opts.kubelet ?? {}) }))
  if (opts.nodeLifecycle !== false) out.push(nodeLifecycleDescriptor(shared))
  return out
}
