// The audit hook of the API server: decides per request whether it is audited (policy.ts),
// collects what the pipeline learns about it into an AuditRecord, and when the response
// completes writes one audit.k8s.io/v1 Event (events.ts) to the log (audit-log.ts).

import { mkdirSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { dirname } from 'node:path'
import type { Logger } from '../../log/logger.ts'
import type { RequestInfo } from '../request-info.ts'
import { AuditLogWriter } from './audit-log.ts'
import { type AuditRecord, buildEvent } from './events.ts'
import { proxyAnnotations, shouldAudit } from './policy.ts'

/** kube-apiserver's --audit-log-path, --audit-log-maxsize and --audit-log-maxbackup. */
export interface AuditOptions {
  /** File the events are appended to; "-" means standard output; "" disables auditing. */
  path: string
  /** Megabytes (2^20 bytes) a file may reach before it is rotated; default 100. Fractions allowed (tests). */
  maxSizeMB?: number
  /** Rotated files kept; default 10; 0 keeps all of them. */
  maxBackups?: number
}

export const DEFAULT_AUDIT_MAX_SIZE_MB = 100
export const DEFAULT_AUDIT_MAX_BACKUPS = 10

export class Auditor {
  private readonly writer: AuditLogWriter

  constructor(opts: AuditOptions, log: Logger) {
    const mb = opts.maxSizeMB ?? DEFAULT_AUDIT_MAX_SIZE_MB
    // Once, at start: a missing directory would otherwise fail every write.
    if (opts.path !== '-') mkdirSync(dirname(opts.path), { recursive: true, mode: 0o700 })
    this.writer = new AuditLogWriter({
      path: opts.path,
      // As with lumberjack, 0 means the default size rather than "unbounded".
      maxSizeBytes: Math.max(1, Math.floor((mb > 0 ? mb : DEFAULT_AUDIT_MAX_SIZE_MB) * 1024 * 1024)),
      maxBackups: opts.maxBackups ?? DEFAULT_AUDIT_MAX_BACKUPS,
      log,
    })
  }

  /**
   * The record for a request that is audited, undefined for one that is not (most reads: the
   * caller then does no further audit work for it).
   */
  begin(
    req: IncomingMessage,
    info: RequestInfo,
    query: URLSearchParams,
    auditID: string,
    startedPerfMs: number,
  ): AuditRecord | undefined {
    if (!shouldAudit(info)) return undefined
    const rec: AuditRecord = {
      auditID,
      requestURI: req.url ?? '',
      info,
      receivedMs: performance.timeOrigin + startedPerfMs,
      sourceIP: sourceIP(req),
    }
    const ua = req.headers['user-agent']
    if (ua) rec.userAgent = ua
    const annotations = proxyAnnotations(info, req.method ?? 'GET', query)
    if (annotations) rec.annotations = annotations
    return rec
  }

  /** Writes the ResponseComplete event of a record with the response's status code (once). */
  complete(rec: AuditRecord, code: number): void {
    if (rec.completed) return
    rec.completed = true
    const ev = buildEvent(rec, code, performance.timeOrigin + performance.now())
    this.writer.write(JSON.stringify(ev))
  }

  /** Resolves when every event recorded so far is written. */
  flush(): Promise<void> {
    return this.writer.flush()
  }

  close(): Promise<void> {
    return this.writer.close()
  }
}

/**
 * The peer address of the connection. X-Forwarded-For is not trusted: any client can send it,
 * and no trusted proxy is configured in front of the server.
 */
function sourceIP(req: IncomingMessage): string | undefined {
  const a = req.socket?.remoteAddress
  if (!a) return undefined
  // Dual-stack sockets report IPv4 peers as "::ffff:1.2.3.4"; Kubernetes shows "1.2.3.4".
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a
}
