// The hub's live link to one imported member: a health check every interval (with a short
// timeout), the member's version after each (re)connection, and the node/pod watches behind the
// summaries. It keeps only what the status needs and tells the controller when the cluster's
// view (phase, Ready condition, version, summaries) may have changed — never on every check.
// One connection per credential: a changed kubeconfig means a new connection.

import type { ClusterPhase } from '../../apis/platform/cluster.ts'
import { HttpClient } from '../../client/http-client.ts'
import type { Logger } from '../../log/logger.ts'
import type { Clock } from '../../util/clock.ts'
import type { MemberEndpoint } from '../members/directory.ts'
import { type ClusterView, type HealthRecord, healthView, recordProbe } from './conditions.ts'
import { checkCredentials, fetchVersion, probeMember } from './health.ts'
import { MemberSummaries } from './member-status.ts'

export interface ConnectionOptions {
  endpoint: MemberEndpoint
  intervalMs: number
  gracePeriodMs: number
  clock: Clock
  log: Logger
  /**
   * The phase the stored status shows, when this connection continues an earlier one (the hub
   * restarted): a member that was Running gets its grace period from now, one that was
   * Disconnected stays so until it answers — neither is reported as a new, Pending cluster.
   */
  previousPhase?: ClusterPhase
  /** Called when what the status shows may have changed. */
  onChange: () => void
}

export class MemberConnection {
  private readonly opts: ConnectionOptions
  private readonly client: HttpClient
  readonly summaries: MemberSummaries
  private health: HealthRecord
  private version: string | undefined
  private versionWanted = true
  private viewKey = ''
  private stopped = false
  private cancelTimer?: () => void
  private probing = false
  private credentialsVerified = false

  constructor(opts: ConnectionOptions) {
    this.opts = opts
    this.client = new HttpClient(opts.endpoint, {
      userAgent: 'flotilla-hub/cluster-controller',
      timeoutMs: 30_000,
    })
    const now = opts.clock.now()
    if (opts.previousPhase === 'Running') this.health = { connectedOnce: true, lastSuccessAt: now }
    else if (opts.previousPhase === 'Disconnected')
      this.health = { connectedOnce: true, lastSuccessAt: now - opts.gracePeriodMs }
    else this.health = { connectedOnce: false }
    this.summaries = new MemberSummaries({
      client: this.client,
      clock: opts.clock,
      log: opts.log,
      onChange: opts.onChange,
    })
  }

  get server(): string {
    return this.opts.endpoint.server
  }

  /** Probes at once, then every interval. */
  start(): void {
    void this.probe()
  }

  stop(): void {
    this.stopped = true
    this.cancelTimer?.()
    this.summaries.stop()
  }

  /** Whether any health check has finished on this connection. */
  get checked(): boolean {
    return this.health.last !== undefined
  }

  get kubernetesVersion(): string | undefined {
    return this.version
  }

  view(): ClusterView {
    return healthView(this.health, this.opts.clock.now(), this.opts.gracePeriodMs)
  }

  private timeoutMs(): number {
    // Short enough that a dead member is noticed within one interval, long enough for a TLS
    // handshake to a busy member.
    return Math.min(5_000, Math.max(1_000, this.opts.intervalMs))
  }

  private async probe(): Promise<void> {
    if (this.stopped || this.probing) return
    this.probing = true
    try {
      let outcome = await probeMember(this.client, this.timeoutMs())
      if (outcome.ok && !this.credentialsVerified) {
        outcome = (await checkCredentials(this.client, this.timeoutMs())) ?? outcome
        this.credentialsVerified = outcome.ok
      }
      if (this.stopped) return
      const recovered = outcome.ok && (this.health.last === undefined || !this.health.last.ok)
      if (recovered) this.versionWanted = true
      // The version is read before the success is recorded, so the status (and the Connected
      // event) that reports the member Running already says which Kubernetes it runs.
      if (outcome.ok && this.versionWanted) {
        const v = await fetchVersion(this.client, this.timeoutMs())
        if (this.stopped) return
        if (v) {
          this.versionWanted = false
          this.version = v
        }
      }
      this.health = recordProbe(this.health, outcome, this.opts.clock.now())
      // After any failure the credential is checked again (it may be why, or have changed).
      if (!outcome.ok) this.credentialsVerified = false
      if (recovered) {
        this.summaries.start()
        this.summaries.kick()
      }
      this.notifyIfChanged()
    } finally {
      this.probing = false
      if (!this.stopped) this.cancelTimer = this.opts.clock.setTimeout(() => void this.probe(), this.opts.intervalMs)
    }
  }

  private notifyIfChanged(): void {
    const v = this.view()
    const key = JSON.stringify([v.phase, v.ready.status, v.ready.reason, v.ready.message, this.version])
    if (key === this.viewKey) return
    this.viewKey = key
    this.opts.onChange()
  }
}
