// The agent port's credential endpoints (docs/registration.md "Agent port endpoints"):
//
//   POST /agent/v1/credentials   bootstrap token → first cluster credential (single use), or
//                                cluster credential → a new one (rotation; the old one stays
//                                valid for ROTATION_OVERLAP_SECONDS at most)
//   tunnel authentication         cluster credential → the cluster it belongs to
//
// Checks run against the in-memory CredentialIndex; only an exchange writes (and reads) storage.
// Single use is enforced by compare-and-swap on the bootstrap Secret: of two agents racing with
// the same token exactly one write succeeds; the loser is told 401 and re-reads the credential
// its sibling stored in the member. Nothing here logs a token; ids (the public half) are fine.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { readBody } from '../../apiserver/http/body.ts'
import { type Client, resources } from '../../client/client.ts'
import type { EventRecorder } from '../../controllers/workloads/util/events.ts'
import type { Logger } from '../../log/logger.ts'
import {
  badRequest,
  forbidden,
  isAlreadyExists,
  isConflict,
  isNotFound,
  isStatusError,
  methodNotAllowed,
  notFound,
  StatusError,
  tooManyRequests,
  unauthorized,
} from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { isPlainObject } from '../../machinery/object.ts'
import { TunnelAuthError, type TunnelAuthRequest, type TunnelGrant } from '../../tunnel/hub-listener.ts'
import { AGENT_ID_PATTERN, CLUSTER_NAME_PATTERN } from '../../tunnel/protocol.ts'
import type { Clock } from '../../util/clock.ts'
import type { CredentialIndex, IndexedToken } from './credential-index.ts'
import type { FailureLimiter } from './limiter.ts'
import {
  bootstrapSecretName,
  CREDENTIAL_TTL_SECONDS,
  credentialsSecret,
  credentialsSecretName,
  newClusterCredential,
  pruneCredentials,
  ROTATION_OVERLAP_SECONDS,
  readRegistrationSecret,
  rfc3339,
  type TokenRecord,
  withBootstrap,
  withCredentials,
} from './records.ts'

export const CREDENTIALS_PATH = '/agent/v1/credentials'
const MAX_BODY = 4096
const FIELD_MANAGER = 'flotilla-hub-registration'

export interface CredentialServiceOptions {
  client: Client
  index: CredentialIndex
  /** The Cluster as the hub's cache has it (no storage read). */
  cluster: (name: string) => KubeObject | undefined
  namespace: string
  clock: Clock
  log: Logger
  events: EventRecorder
  limiter: FailureLimiter
}

/** Why a cluster cannot take agents right now, or undefined when it can. */
export function registrationProblem(obj: KubeObject | undefined, name: string): string | undefined {
  if (!obj) return `cluster ${name} does not exist`
  if (obj.metadata.deletionTimestamp) return `cluster ${name} is being deleted`
  const mode = (obj.spec as { connection?: { mode?: string } } | undefined)?.connection?.mode
  if (mode !== 'Register') return `cluster ${name} is not registered through an agent (mode ${mode ?? 'unset'})`
  return undefined
}

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1]
}

function writeStatus(res: ServerResponse, e: StatusError): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' }
  if (e.code === 401) headers['www-authenticate'] = 'Bearer'
  const retry = e.status.details?.retryAfterSeconds
  if (retry) headers['retry-after'] = String(retry)
  res.writeHead(e.code, headers)
  res.end(JSON.stringify(e.status))
}

/** The request body, at most MAX_BODY bytes: beyond, the connection goes (no need to drain it). */
async function readSmallBody(req: IncomingMessage): Promise<Buffer> {
  try {
    return await readBody(req, MAX_BODY)
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 413)) throw e
    req.destroy()
    throw badRequest(`the request body must be at most ${MAX_BODY} bytes`)
  }
}

export class CredentialService {
  private readonly opts: CredentialServiceOptions

  constructor(opts: CredentialServiceOptions) {
    this.opts = opts
  }

  /** Serves the agent port's non-tunnel requests. */
  onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    this.serve(req, res).catch((e) => {
      if (!isStatusError(e)) {
        this.opts.log.warn('CredentialExchangeFailed', { error: (e as Error).message })
        e = new StatusError(500, 'InternalError', 'the hub could not issue a credential; retry later')
      }
      writeStatus(res, e as StatusError)
    })
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0]
    if (path !== CREDENTIALS_PATH) throw notFound({ group: '', resource: '' }, path)
    if (req.method !== 'POST') throw methodNotAllowed(`only POST is allowed on ${CREDENTIALS_PATH}`)
    const remote = req.socket.remoteAddress
    const presented = bearer(req)
    if (!presented) throw unauthorized('a bootstrap token or cluster credential is required')
    const body = await readSmallBody(req)
    let parsed: unknown
    try {
      parsed = JSON.parse(body.toString('utf8'))
    } catch {
      throw badRequest('the body must be a JSON object {"cluster": NAME, "agentID": ID}')
    }
    if (!isPlainObject(parsed)) throw badRequest('the body must be a JSON object {"cluster": NAME, "agentID": ID}')
    const cluster = parsed.cluster
    const agentID = parsed.agentID
    if (typeof cluster !== 'string' || !CLUSTER_NAME_PATTERN.test(cluster))
      throw badRequest('"cluster" must be the name of a Cluster')
    if (typeof agentID !== 'string' || !AGENT_ID_PATTERN.test(agentID))
      throw badRequest('"agentID" must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit')

    const token = this.check(presented, cluster, remote)
    const clusterObj = this.opts.cluster(cluster)
    const problem = registrationProblem(clusterObj, cluster)
    if (problem) throw forbidden(problem)
    const uid = clusterObj?.metadata.uid ?? ''
    const log = this.opts.log.with({ cluster, agent: agentID, remote })

    let issued: { token: string; record: TokenRecord }
    if (token.kind === 'bootstrap') {
      await this.consumeBootstrap(token)
      issued = await this.addCredential(cluster, uid, agentID)
      log.info('CredentialIssued', { bootstrapID: token.id, credentialID: issued.record.id })
      this.opts.events.event(
        clusterObj!,
        'Normal',
        'CredentialIssued',
        `agent ${agentID} exchanged bootstrap token ${token.id} for cluster credential ${issued.record.id}`,
      )
    } else {
      issued = await this.addCredential(cluster, uid, agentID, token.id)
      log.info('CredentialRotated', { oldID: token.id, credentialID: issued.record.id })
      this.opts.events.event(
        clusterObj!,
        'Normal',
        'CredentialRotated',
        `agent ${agentID} rotated cluster credential ${token.id} to ${issued.record.id}`,
      )
    }
    res.writeHead(201, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    res.end(
      JSON.stringify({
        apiVersion: 'platform.flotilla.dev/v1alpha1',
        kind: 'ClusterCredential',
        cluster,
        credential: issued.token,
        expirationTimestamp: rfc3339(issued.record.expiresAt),
      }),
    )
  }

  /**
   * The presented token, valid and of `cluster`; 401/403 otherwise, counted as failures of the
   * address, or 429 once it has failed too often (see refuse()).
   */
  private check(presented: string, cluster: string, remote: string | undefined): IndexedToken {
    const found = this.opts.index.lookup(presented, this.opts.clock.now())
    if (!found.ok) throw this.refuse(remote, unauthorized(found.why))
    if (found.token.cluster !== cluster) {
      throw this.refuse(remote, forbidden(`the token does not belong to cluster ${cluster}`))
    }
    return found.token
  }

  /**
   * A refusal, counted against the address; once the address is over its failure budget, the
   * answer becomes "retry later" instead (429 here, 503 on the tunnel path), so the client backs
   * off. Only failures are limited: a valid token is always accepted (checking one is a map
   * lookup and a hash), so agents behind the same NAT as a misbehaving one are never locked out.
   */
  private refuse(remote: string | undefined, refusal: Error): Error {
    const wait = this.opts.limiter.blockedFor(remote)
    if (wait > 0) {
      return refusal instanceof TunnelAuthError
        ? new Error('too many failed attempts from this address') // the listener answers 503 + Retry-After
        : tooManyRequests('too many failed attempts from this address; retry later', wait)
    }
    this.opts.limiter.fail(remote)
    return refusal
  }

  /** Marks the bootstrap token used; 401 when someone else used it first. */
  private async consumeBootstrap(token: IndexedToken): Promise<void> {
    const name = bootstrapSecretName(token.cluster)
    for (let attempt = 0; attempt < 5; attempt++) {
      let secret: KubeObject
      try {
        secret = await this.opts.client.get(resources.secrets, this.opts.namespace, name)
      } catch (e) {
        if (isNotFound(e)) throw unauthorized('unknown or revoked bootstrap token')
        throw e
      }
      const rec = readRegistrationSecret(secret)?.records[0]
      if (!rec || rec.id !== token.id) throw unauthorized('unknown or revoked bootstrap token')
      if (rec.usedAt !== undefined) throw unauthorized('the bootstrap token has already been used')
      try {
        // resourceVersion from the read: only one of racing exchanges can write.
        await this.opts.client.update(
          resources.secrets,
          this.opts.namespace,
          withBootstrap(secret, { ...rec, usedAt: this.opts.clock.now() }),
          { fieldManager: FIELD_MANAGER },
        )
        return
      } catch (e) {
        if (!isConflict(e)) throw e
      }
    }
    throw unauthorized('the bootstrap token has already been used')
  }

  /**
   * Stores a new credential for the cluster. When rotating, the old one must still be stored
   * (a revocation racing with the rotation wins) and has its expiry cut to the overlap.
   */
  private async addCredential(
    cluster: string,
    uid: string,
    agentID: string,
    rotating?: string,
  ): Promise<{ token: string; record: TokenRecord }> {
    const name = credentialsSecretName(cluster)
    for (let attempt = 0; attempt < 8; attempt++) {
      const now = this.opts.clock.now()
      const fresh = newClusterCredential()
      const record: TokenRecord = {
        id: fresh.id,
        secretHash: fresh.secretHash,
        expiresAt: Math.floor(now / 1000) * 1000 + CREDENTIAL_TTL_SECONDS * 1000,
        agentID,
      }
      let secret: KubeObject | undefined
      try {
        secret = await this.opts.client.get(resources.secrets, this.opts.namespace, name)
      } catch (e) {
        if (!isNotFound(e)) throw e
      }
      try {
        if (!secret) {
          if (rotating) throw unauthorized('the cluster credential has been revoked')
          await this.opts.client.create(
            resources.secrets,
            this.opts.namespace,
            credentialsSecret(cluster, uid, [record], now),
            { fieldManager: FIELD_MANAGER },
          )
          return { token: fresh.token, record }
        }
        let recs = readRegistrationSecret(secret)?.records ?? []
        if (rotating) {
          if (!recs.some((r) => r.id === rotating && r.expiresAt > now))
            throw unauthorized('the cluster credential has been revoked or has expired')
          const cut = now + ROTATION_OVERLAP_SECONDS * 1000
          recs = recs.map((r) => (r.id === rotating ? { ...r, expiresAt: Math.min(r.expiresAt, cut) } : r))
        }
        await this.opts.client.update(
          resources.secrets,
          this.opts.namespace,
          withCredentials(secret, pruneCredentials([...recs, record], now)),
          { fieldManager: FIELD_MANAGER },
        )
        return { token: fresh.token, record }
      } catch (e) {
        if (!isConflict(e) && !isAlreadyExists(e)) throw e
      }
    }
    throw new StatusError(409, 'Conflict', 'the cluster credentials changed too often; retry')
  }

  /** The tunnel listener's authenticate: a cluster credential → its cluster. */
  authenticate = async (req: TunnelAuthRequest): Promise<TunnelGrant> => {
    const found = this.opts.index.lookup(req.credential, this.opts.clock.now())
    if (!found.ok || found.token.kind !== 'credential') {
      const why = found.ok ? 'a bootstrap token cannot open a tunnel; exchange it for a cluster credential' : found.why
      throw this.refuse(req.remoteAddress, new TunnelAuthError(401, why))
    }
    if (found.token.cluster !== req.cluster) {
      throw this.refuse(
        req.remoteAddress,
        new TunnelAuthError(403, `the credential does not belong to cluster ${req.cluster}`),
      )
    }
    const problem = registrationProblem(this.opts.cluster(req.cluster), req.cluster)
    if (problem) throw new TunnelAuthError(403, problem)
    // The credential's id (not its secret) rides on the session, for the expiry sweep.
    return { cluster: found.token.cluster, grant: found.token.id }
  }
}
