// Streaming subresources of simulated pods, as a real kubelet serves them behind the API server:
// pods/log (generated container output, with follow) and pods/exec (a small built-in shell over
// WebSocket for kubectl 1.30+ and SPDY/3.1 for older kubectl). Register with
// `startApiServer({ connectors: podStreamConnectors() })`.

import type { Connector } from '../../apiserver/server.ts'
import { type Clock, realClock } from '../../util/clock.ts'
import { type ContainerSettings, DEFAULT_CONTAINER_SETTINGS } from './container.ts'
import { type ExecSessionInfo, execConnector } from './exec.ts'
import { logConnector } from './logs.ts'

export type { ExecSessionInfo } from './exec.ts'

export interface PodStreamOptions {
  /** Time source for log lines, follow timers and `date` (tests may pass a FakeClock). */
  clock?: Clock
  /** How often a running container prints its periodic log line (default 5 s). */
  logIntervalMs?: number
  /** Cluster DNS domain and Service IP, for /etc/resolv.conf and /etc/hosts. */
  container?: Partial<ContainerSettings>
  /** Called when an exec session starts, with the transport kubectl chose. */
  onExecSession?: (info: ExecSessionInfo) => void
}

export function podStreamConnectors(opts: PodStreamOptions = {}): Map<string, Connector> {
  const clock = opts.clock ?? realClock
  return new Map<string, Connector>([
    ['pods/log', logConnector({ clock, intervalMs: opts.logIntervalMs ?? 5000 })],
    [
      'pods/exec',
      execConnector({
        clock,
        container: { ...DEFAULT_CONTAINER_SETTINGS, ...opts.container },
        onSession: opts.onExecSession,
      }),
    ],
  ])
}
