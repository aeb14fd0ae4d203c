// Authentication. For now a static set of bearer tokens (the admin kubeconfig's); x509 client
// certificates, ServiceAccount tokens and hub-issued kubeconfig tokens plug in behind the same
// interface. Tokens are compared by SHA-256 digest so lookups take no timing hints.

import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'

export interface UserInfo {
  username: string
  uid?: string
  groups: string[]
  extra?: Record<string, string[]>
}

export interface Authenticator {
  /** The user making the request, or undefined when it carries no valid credentials. */
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined>
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export class StaticTokenAuthenticator implements Authenticator {
  private readonly users = new Map<string, UserInfo>()

  add(token: string, user: UserInfo): void {
    this.users.set(digest(token), user)
  }

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const header = req.headers.authorization
    if (!header) return undefined
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!m) return undefined
    return this.users.get(digest(m[1]))
  }
}

/** Tries each authenticator in turn; the first that recognises the request decides. */
export class UnionAuthenticator implements Authenticator {
  private readonly parts: Authenticator[]

  constructor(parts: Authenticator[]) {
    this.parts = parts
  }

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    for (const p of this.parts) {
      const user = await p.authenticate(req)
      if (user) return user
    }
    return undefined
  }
}

/**
 * x509 client certificates: a certificate the TLS layer verified against the server's CA
 * authenticates CN as the user and each O as a group (kube-apiserver's --client-ca-file).
 * The server requests but does not require certificates, so unverified ones are ignored here
 * and the request falls through to the token authenticators.
 */
export class X509Authenticator implements Authenticator {
  /**
   * A connection's peer certificate is fixed once the handshake is done, and getPeerCertificate()
   * builds a fresh object each call (~0.1 ms): keep-alive connections decode it once.
   */
  private readonly bySocket = new WeakMap<object, UserInfo | null>()

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const socket = req.socket as TLSSocket
    if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return undefined
    let user = this.bySocket.get(socket)
    if (user === undefined) {
      user = userOf(socket.getPeerCertificate())
      this.bySocket.set(socket, user)
    }
    // A copy: callers may extend what they are given.
    return user ? { username: user.username, groups: [...user.groups] } : undefined
  }
}

function userOf(cert: ReturnType<TLSSocket['getPeerCertificate']> | undefined): UserInfo | null {
  const cn = firstValue(cert?.subject?.CN)
  if (!cert || !cn) return null
  const org = cert.subject.O
  const groups = org === undefined ? [] : Array.isArray(org) ? org : [org]
  return { username: cn, groups: [...groups, 'system:authenticated'] }
}

function firstValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}
