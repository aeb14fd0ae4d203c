// What every resource handler receives: the parsed request, the store it addresses and the
// server's shared services.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '../../log/logger.ts'
import type { AuditRecord } from '../audit/events.ts'
import type { UserInfo } from '../authn.ts'
import type { Registry } from '../registry/registry.ts'
import type { Store } from '../registry/store.ts'
import type { RequestInfo } from '../request-info.ts'

export interface ServerSettings {
  /** How often BOOKMARK events go to watchers that asked for them. */
  bookmarkIntervalMs: number
  /** Upper bound for a watch without timeoutSeconds (kube-apiserver: 30–60 min, randomised). */
  maxWatchSeconds: number
  /** Bytes a watcher may fall behind before its stream is closed (it will re-watch). */
  maxWatchBacklogBytes: number
}

export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  info: RequestInfo
  query: URLSearchParams
  store: Store
  registry: Registry
  log: Logger
  reqId: string
  settings: ServerSettings
  /** Who is asking (after impersonation); undefined only for public paths. */
  user?: UserInfo
  /** Called when a handler wants a warning shown by kubectl ("Warning: ..."). */
  warn: (message: string) => void
  /** The request's audit record when it is audited (a create reports the name it made). */
  audit?: AuditRecord
}
