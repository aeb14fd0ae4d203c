// Flag parsing shared by commands: node:util parseArgs in strict mode, with usage errors
// (exit code 2) that name the problem.

import { type ParseArgsConfig, parseArgs } from 'node:util'

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

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}
