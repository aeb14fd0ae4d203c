// The cluster credential's life in the agent (docs/registration.md):
//
// * Before every tunnel dial the member Secret is read again, so a credential another replica
//   stored (after winning the bootstrap exchange, or after rotating) is picked up.
// * No usable credential there: the bootstrap token is exchanged on the hub and the result
//   stored (create; 409 → another replica won, re-read). A bootstrap token refused with 401 was
//   most likely used by a sibling replica a moment ago: the Secret is read once more, and if it
//   still holds nothing the dial fails and the tunnel client backs off (jittered) before the next.
// * After 2/3 of its lifetime (plus up to 1/12 jitter, so replicas do not rotate together) the
//   credential is exchanged for a new one, which is stored; a replica whose timer fires later
//   finds the newer one in the Secret and adopts it instead of rotating again. Either way
//   `onRenewed` is told, so the agent opens a fresh tunnel with the new credential (the hub cuts
//   the old one's validity short) and retires the old tunnel gracefully.
// * When the hub refuses the tunnel with 401 (credential revoked or expired), that credential is
//   set aside; the Secret is read again (someone may have stored a fresh one), then the bootstrap
//   token is tried; if neither works the operator is told, once, to re-register, and dials keep
//   backing off. A refused credential is retried after a while, in case the refusal was the
//   hub's transient state rather than a revocation.
//
// Credentials and tokens are never logged.

import type { Logger } from '../log/logger.ts'
import type { CredentialSecret, SecretState } from './credential-secret.ts'
import { describeHubError, HubRefusedError, type IssuedCredential } from './hub-exchange.ts'

/** A credential this close to its expiry (or 1/10 of its lifetime) is not used to dial. */
const EXPIRY_MARGIN_MS = 5_000
/** Default credential lifetime, for a stored credential without `issuedTimestamp`. */
const DEFAULT_LIFETIME_MS = 24 * 3600_000
/** How long a credential refused by the hub is set aside before it is tried again. */
const REFUSED_FOR_MS = 5 * 60_000

export interface CredentialManagerOptions {
  cluster: string
  bootstrapToken?: string
  secret: Pick<CredentialSecret, 'read' | 'write' | 'where'>
  /** POST /agent/v1/credentials with this bearer. */
  exchange: (bearer: string) => Promise<IssuedCredential>
  log: Logger
  now?: () => number
  random?: () => number
  /** Fraction of the lifetime after which the credential is rotated (default 2/3). */
  rotateAfter?: number
  /** First retry delay of a failed rotation (default 5 s, doubling to 5 min). */
  rotateRetryMs?: number
  /**
   * The credential to dial with was replaced by a newer one through rotation (ours or a
   * sibling's); not called for the first one, nor for one adopted after a tunnel refusal.
   */
  onRenewed?: () => void
}

/** No credential can be had: the message tells the operator what to do. */
export class NoCredentialError extends Error {}

export class CredentialManager {
  private readonly o: CredentialManagerOptions
  private readonly now: () => number
  private readonly random: () => number
  private held: IssuedCredential | undefined
  /** credential → when it may be tried again. */
  private readonly refused = new Map<string, number>()
  /** The credential last handed to a dial (what a tunnel refusal refers to). */
  private lastDialled: string | undefined
  private chain: Promise<unknown> = Promise.resolve()
  private rotationTimer: NodeJS.Timeout | undefined
  private rotationRetries = 0
  private stopped = false
  /** The last condition reported to the operator, so each is logged once, not at every retry. */
  private reported: string | undefined
  /** Bootstrap refusals seen while the Secret was empty. */
  private emptyRefusals = 0

  constructor(opts: CredentialManagerOptions) {
    this.o = opts
    this.now = opts.now ?? Date.now
    this.random = opts.random ?? Math.random
  }

  /** The credential to dial with now (TunnelClient's `credential`); throws when there is none. */
  current(): Promise<string> {
    // Serialized: two dials never race each other into two exchanges.
    const run = this.chain.then(() => this.acquire())
    this.chain = run.catch(() => undefined)
    return run
  }

  /** The hub refused the tunnel: 401 (revoked/expired) or 403 (another cluster's credential). */
  tunnelRefused(status: number): void {
    if (!this.lastDialled || (status !== 401 && status !== 403)) return
    this.refused.set(this.lastDialled, this.now() + REFUSED_FOR_MS)
    if (this.held?.credential === this.lastDialled) this.held = undefined
  }

  /** The tunnel is up with the last credential: anything reported before is over. */
  connected(): void {
    this.reported = undefined
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.rotationTimer)
  }

  private usable(c: IssuedCredential | undefined): c is IssuedCredential {
    if (!c) return false
    const until = this.refused.get(c.credential)
    if (until !== undefined) {
      if (until > this.now()) return false
      this.refused.delete(c.credential)
    }
    const margin = Math.min(EXPIRY_MARGIN_MS, this.lifetime(c).lifetime / 10)
    return c.expiresAt - margin > this.now()
  }

  private report(key: string, level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) {
    if (this.reported === key) {
      this.o.log.debug(msg, fields)
      return
    }
    this.reported = key
    this.o.log[level](msg, fields)
  }

  private async readSecret(): Promise<SecretState | undefined> {
    try {
      return await this.o.secret.read()
    } catch (e) {
      this.report('secret-unreadable', 'warn', 'CredentialSecretUnreadable', { error: (e as Error).message })
      return undefined
    }
  }

  private adopt(c: IssuedCredential, source: string): string {
    this.emptyRefusals = 0
    if (this.held?.credential !== c.credential) {
      this.o.log.info('CredentialLoaded', { source, expires: new Date(c.expiresAt).toISOString() })
    }
    this.held = c
    this.lastDialled = c.credential
    this.scheduleRotation()
    return c.credential
  }

  private async acquire(): Promise<string> {
    const state = await this.readSecret()
    if (this.usable(state?.credential)) return this.adopt(state.credential, `Secret ${this.o.secret.where}`)
    // One we hold but could not store yet (the member API was down after the exchange).
    if (this.usable(this.held)) {
      if (state) await this.store(this.held, state)
      this.lastDialled = this.held.credential
      return this.held.credential
    }
    const token = this.o.bootstrapToken
    if (!token) {
      throw this.noCredential(
        state?.credential ? 'refused' : 'none',
        `no usable cluster credential in Secret ${this.o.secret.where} and no FLOTILLA_BOOTSTRAP_TOKEN`,
      )
    }
    let issued: IssuedCredential
    try {
      issued = await this.o.exchange(token)
    } catch (e) {
      if (e instanceof HubRefusedError && (e.status === 401 || e.status === 403)) {
        // The usual 401: a sibling replica exchanged the token a moment ago and stored the result.
        const again = await this.readSecret()
        if (this.usable(again?.credential)) return this.adopt(again.credential, `Secret ${this.o.secret.where}`)
        if (e.status === 403) {
          throw this.noCredential('forbidden', `the hub refused the bootstrap token for this cluster: ${e.message}`)
        }
        // With an empty Secret the likeliest story is a sibling that won the exchange and has not
        // stored the credential yet: say so quietly for the first refusals, then raise the alarm.
        if (!state?.credential && ++this.emptyRefusals <= 2) {
          this.o.log.info('BootstrapTokenRefused', {
            reason: `${e.message}; waiting for another replica to store the credential in Secret ${this.o.secret.where}`,
          })
          throw new NoCredentialError(`the bootstrap token was refused and Secret ${this.o.secret.where} is empty`)
        }
        throw this.noCredential(
          state?.credential ? 'refused' : 'none',
          `the hub refused the bootstrap token (used, expired or revoked) and Secret ${this.o.secret.where} holds no usable credential`,
        )
      }
      this.report('exchange-failed', 'warn', 'CredentialExchangeFailed', { error: describeHubError(e) })
      throw new Error(`cannot exchange the bootstrap token: ${describeHubError(e)}`)
    }
    this.o.log.info('CredentialIssued', { expires: new Date(issued.expiresAt).toISOString() })
    this.held = issued
    if (state) {
      const winner = await this.store(issued, state)
      if (winner) return this.adopt(winner, `Secret ${this.o.secret.where}`)
    }
    this.lastDialled = issued.credential
    this.scheduleRotation()
    return issued.credential
  }

  /**
   * Stores `c` over what `previous` read. On a conflict, re-reads: a usable credential someone
   * else stored wins (returned); otherwise ours is written over the new version once more.
   */
  private async store(c: IssuedCredential, previous: SecretState): Promise<IssuedCredential | undefined> {
    try {
      let prev = previous
      for (let i = 0; i < 3; i++) {
        if ((await this.o.secret.write(c, prev)) === 'stored') {
          this.o.log.info('CredentialStored', { secret: this.o.secret.where })
          return undefined
        }
        prev = await this.o.secret.read()
        if (this.usable(prev.credential) && prev.credential.credential !== c.credential) {
          if (prev.credential.expiresAt >= c.expiresAt || this.isFresh(prev.credential)) return prev.credential
        }
      }
      throw new Error('the Secret kept changing under the agent')
    } catch (e) {
      // Keep the credential in memory (the bootstrap token is spent): the next dial stores it again.
      this.report('store-failed', 'warn', 'CredentialNotStored', { error: (e as Error).message })
      return undefined
    }
  }

  /** A credential not yet due for rotation. */
  private isFresh(c: IssuedCredential): boolean {
    return this.rotateAt(c, 0) > this.now()
  }

  private lifetime(c: IssuedCredential): { issuedAt: number; lifetime: number } {
    const issuedAt = Number.isNaN(c.issuedAt) ? c.expiresAt - DEFAULT_LIFETIME_MS : c.issuedAt
    return { issuedAt, lifetime: Math.max(0, c.expiresAt - issuedAt) }
  }

  private rotateAt(c: IssuedCredential, jitter: number): number {
    const { issuedAt, lifetime } = this.lifetime(c)
    return issuedAt + lifetime * (this.o.rotateAfter ?? 2 / 3) + (lifetime / 12) * jitter
  }

  private scheduleRotation(delayMs?: number): void {
    clearTimeout(this.rotationTimer)
    const c = this.held
    if (this.stopped || !c) return
    const wait = delayMs ?? Math.max(0, this.rotateAt(c, this.random()) - this.now())
    // setTimeout holds at most ~24.8 days; a longer wait is simply re-armed when it fires.
    this.rotationTimer = setTimeout(() => void this.rotateQueued(), Math.min(wait, 2 ** 31 - 1))
    this.rotationTimer.unref()
  }

  private rotateQueued(): Promise<void> {
    const run = this.chain.then(() => this.rotate())
    this.chain = run.catch(() => undefined)
    return run
  }

  /** Rotates the held credential when due (or adopts a sibling's newer one). */
  async rotate(): Promise<void> {
    const c = this.held
    if (this.stopped || !c) return
    if (this.rotateAt(c, 0) > this.now()) {
      this.scheduleRotation()
      return
    }
    const state = await this.readSecret()
    const stored = state?.credential
    if (this.usable(stored) && stored.credential !== c.credential && stored.expiresAt > c.expiresAt) {
      this.adopt(stored, `Secret ${this.o.secret.where} (rotated by another replica)`)
      this.renewed()
      return
    }
    let issued: IssuedCredential
    try {
      issued = await this.o.exchange(c.credential)
    } catch (e) {
      const delay = Math.min(300_000, (this.o.rotateRetryMs ?? 5_000) * 2 ** this.rotationRetries++)
      const expired = c.expiresAt <= this.now()
      this.o.log.warn('CredentialRotationFailed', {
        error: e instanceof HubRefusedError ? `HTTP ${e.status}: ${e.message}` : describeHubError(e),
        retryInMs: expired ? undefined : delay,
      })
      // Revoked or expired: the tunnel's refusal will lead to the Secret or the bootstrap token.
      if (!expired && !(e instanceof HubRefusedError && e.status === 401)) this.scheduleRotation(delay)
      return
    }
    this.rotationRetries = 0
    this.o.log.info('CredentialRotated', { expires: new Date(issued.expiresAt).toISOString() })
    this.held = issued
    const winner = state ? await this.store(issued, state) : undefined
    if (winner) this.adopt(winner, `Secret ${this.o.secret.where} (rotated by another replica)`)
    else this.scheduleRotation()
    this.renewed()
  }

  /** Tells the agent, whose tunnel still runs on the old credential; its failure is not ours. */
  private renewed(): void {
    try {
      this.o.onRenewed?.()
    } catch (e) {
      this.o.log.warn('CredentialRenewedHandlerFailed', { error: (e as Error).message })
    }
  }

  private noCredential(condition: string, what: string): NoCredentialError {
    const advice =
      condition === 'none'
        ? 'give the agent a fresh FLOTILLA_BOOTSTRAP_TOKEN (`flotilla cluster register NAME` issues one)'
        : condition === 'forbidden'
          ? 'check FLOTILLA_CLUSTER: the token belongs to another cluster'
          : 're-register the cluster on the hub (`flotilla cluster register NAME`) and give the agent the new FLOTILLA_BOOTSTRAP_TOKEN'
    const message = `${what}: ${advice}`
    this.report(`no-credential:${condition}`, 'error', 'NoClusterCredential', {
      cluster: this.o.cluster,
      message,
    })
    return new NoCredentialError(message)
  }
}
