// Simulated member clusters. startSim() runs a complete cluster (API server, nodes, scheduler,
// kubelets, workload controllers); simControllers() gives just the simulator's own controllers
// for tests that bring their own API server and manager.

export { type NodeTimings, type SimControllersOptions, simControllers, simNodeSpecs } from './controllers.ts'
export type { KubeletOptions } from './kubelet/kubelet.ts'
export type { KubeletTiming } from './kubelet/pod-machine.ts'
export type { AddressPlan, SimNodeSpec } from './nodes/node-object.ts'
export { NOT_READY_ANNOTATION } from './nodes/node-object.ts'
export type { NodeTemplate, Taint } from './options.ts'
export { DEFAULT_NODE_TEMPLATE, DEFAULT_SIM_VERSION, KNOB } from './options.ts'
export type { SchedulerOptions } from './scheduler/scheduler.ts'
export { type Sim, type SimOptions, startSim } from './start.ts'
