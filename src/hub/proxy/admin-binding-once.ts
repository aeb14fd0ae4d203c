// The proxy's own check that a member has the `flotilla:hub-admins` binding before the first
// request it sends there (the import controller normally made it already). Once per member
// endpoint: a new endpoint, after a reconnect with new credentials, is checked again.

import type { Logger } from '../../log/logger.ts'
import { isStatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { type Clock, realClock } from '../../util/clock.ts'
import { ensureHubAdminBinding, hubAdminAccessAllowed } from '../identity/admin-binding.ts'
import type { MemberEndpoint } from '../members/directory.ts'
import { endpointClient } from './endpoint-client.ts'

/** After a failed attempt the next waits this long, doubling with each failure up to the cap. */
export const ADMIN_BINDING_RETRY_MS = 30_000
export const ADMIN_BINDING_RETRY_MAX_MS = 30 * 60_000

interface State {
  pending?: Promise<void>
  ok: boolean
  retryAt: number
  failures: number
}

export interface AdminBindingOptions {
  log: Logger
  clock?: Clock
  /** Makes the binding in the member (tests replace it). */
  ensureBinding?: (endpoint: MemberEndpoint) => Promise<'created' | 'updated' | 'unchanged'>
}

/**
 * Concurrent first requests share one attempt. A failure is logged and retried later, backing
 * off (a member whose credential may not bind cluster-admin, such as an agent's account, fails
 * the same way every time), and never fails the request itself: the member's RBAC then decides
 * as it would anyway.
 */
export class AdminBindingOnce {
  private readonly log: Logger
  private readonly clock: Clock
  private readonly ensureBinding: NonNullable<AdminBindingOptions['ensureBinding']>
  private readonly state = new WeakMap<MemberEndpoint, State>()

  constructor(opts: AdminBindingOptions) {
    this.log = opts.log
    this.clock = opts.clock ?? realClock
    this.ensureBinding = opts.ensureBinding ?? ((endpoint) => ensureHubAdminBinding(endpointClient(endpoint)))
  }

  /** `cluster` reads the member's Cluster (its NotFound is the request's answer). */
  async ensure(endpoint: MemberEndpoint, cluster: () => Promise<KubeObject | undefined>): Promise<void> {
    let s = this.state.get(endpoint)
    if (s?.ok) return
    if (s?.pending) return s.pending
    if (s && this.clock.now() < s.retryAt) return
    const clusterObj = await cluster()
    s = this.state.get(endpoint)
    if (s?.ok) return
    if (s?.pending) return s.pending
    const st: State = s ?? { ok: false, retryAt: 0, failures: 0 }
    this.state.set(endpoint, st)
    st.pending = (async () => {
      try {
        if (hubAdminAccessAllowed(clusterObj)) {
          const result = await this.ensureBinding(endpoint)
          if (result !== 'unchanged')
            this.log.info('Hub admin binding in member', { cluster: endpoint.cluster, result })
        }
        st.ok = true
      } catch (e) {
        st.failures++
        const wait = Math.min(ADMIN_BINDING_RETRY_MAX_MS, ADMIN_BINDING_RETRY_MS * 2 ** (st.failures - 1))
        st.retryAt = this.clock.now() + wait
        // Forbidden is expected where the hub's credential may not bind cluster-admin (an agent's
        // account; its manifest made the binding): worth a debug line, not a warning.
        const level = isStatusError(e) && e.code === 403 ? 'debug' : 'warn'
        this.log[level]('Could not ensure the hub admin binding in member', {
          cluster: endpoint.cluster,
          err: (e as Error).message,
          retryInSeconds: Math.round(wait / 1000),
        })
      } finally {
        st.pending = undefined
      }
    })()
    return st.pending
  }
}
