// Writing responses. StatusError becomes its Status object with the matching HTTP code; any
// other exception is logged once and answered with a generic 500, never a crash.

import type { ServerResponse } from 'node:http'
import { stringify as toYaml } from 'yaml'
import type { Logger } from '../../log/logger.ts'
import { badRequest, internalError, StatusError } from '../../machinery/errors.ts'

export function writeRaw(res: ServerResponse, code: number, contentType: string, body: string | Buffer): void {
  if (res.headersSent) {
    res.end()
    return
  }
  res.statusCode = code
  res.setHeader('Content-Type', contentType)
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.end(body)
}

export function writeJson(res: ServerResponse, code: number, body: unknown, yaml = false): void {
  if (yaml) writeRaw(res, code, 'application/yaml', toYaml(body))
  else writeRaw(res, code, 'application/json', JSON.stringify(body))
}

export function writeError(res: ServerResponse, err: unknown, log: Logger, reqId: string): void {
  let e: StatusError
  if (err instanceof StatusError) {
    e = err
  } else if (isStackOverflow(err)) {
    // Bodies may nest up to MAX_DEPTH levels, as Kubernetes allows, and some walks over objects
    // recurse: a custom resource that keeps unknown fields, thousands of levels deep, can run a
    // walk out of stack. That is the request's doing, so it is told; the stack goes to the log
    // in case it is a bug instead.
    log.warn('Request ran out of stack', { reqId, err: err.stack ?? err.message })
    e = badRequest('the object is nested too deeply to be processed')
  } else {
    log.error('Request failed', { reqId, err: err instanceof Error ? (err.stack ?? err.message) : String(err) })
    e = internalError('an unexpected error occurred; see the server log')
  }
  if (e.status.details?.retryAfterSeconds) res.setHeader('Retry-After', String(e.status.details.retryAfterSeconds))
  writeJson(res, e.code, e.status)
}

export function successStatus(details?: Record<string, unknown>): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}) }
}

function isStackOverflow(err: unknown): err is RangeError {
  return err instanceof RangeError && err.message.includes('Maximum call stack size exceeded')
}
