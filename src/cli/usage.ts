// Flag parsing shared by commands: node:util parseArgs in strict mode, with usage errors
// (exit code 2) that name the problem.

import { type ParseArgsConfig, parseArgs } from 'node:util'
import type { Logger } from '../log/logger.ts'

export class UsageError extends Error {}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  usage: string,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>> | undefined {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage}\n`)
    return undefined
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true })
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage}`)
  }
}

/** Parses "HOST:PORT" ("[::1]:6443" for IPv6). */
export function parseHostPort(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value)
  if (!m) throw new UsageError(`--listen must be HOST:PORT, got "${value}"`)
  const port = Number(m[3])
  if (port > 65535) throw new UsageError(`--listen port out of range: ${port}`)
  return { host: m[1] ?? m[2], port }
}

/**
 * The flags every serving command shares, checked: listen address, sync mode, log level. Any
 * address is allowed: every request is authenticated (client certificates, ServiceAccount and
 * hub-issued tokens) and authorized by RBAC, on the hub and on simulated members alike.
 */
export function checkServingFlags(v: { listen: string; 'storage-sync': string; 'log-level': string }): {
  host: string
  port: number
} {
  const { host, port } = parseHostPort(v.listen)
  if (v['storage-sync'] !== 'full' && v['storage-sync'] !== 'normal') {
    throw new UsageError('--storage-sync must be "full" or "normal"')
  }
  if (!['debug', 'info', 'warn', 'error'].includes(v['log-level'])) {
    throw new UsageError('--log-level must be debug, info, warn or error')
  }
  return { host, port }
}

/**
 * Serves until SIGINT or SIGTERM, then shuts down with `close` (watches ended, storage
 * flushed). Resolves true when the shutdown succeeded.
 */
export function serveUntilSignal(close: () => Promise<void>, log: Logger): Promise<boolean> {
  return new Promise((done) => {
    const stop = (signal: string) => {
      log.info('Shutting down', { signal })
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      close().then(
        () => done(true),
        (e) => {
          log.error('Shutdown failed', { err: String(e) })
          done(false)
        },
      )
    }
    const onInt = () => stop('SIGINT')
    const onTerm = () => stop('SIGTERM')
    process.on('SIGINT', onInt)
    process.on('SIGTERM', onTerm)
  })
}
