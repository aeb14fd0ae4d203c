// Structured logging: one JSON object per line, a constant capitalised message plus fields
// (reqId, cluster, object...). Loggers are passed down, never global, and carry bound fields.

export type Level = 'debug' | 'info' | 'warn' | 'error'

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  with(fields: Record<string, unknown>): Logger
}

export interface LoggerOptions {
  level?: Level
  write?: (line: string) => void
  bound?: Record<string, unknown>
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const min = ORDER[opts.level ?? 'info']
  const write = opts.write ?? ((line: string) => process.stderr.write(line))
  const bound = opts.bound ?? {}
  const emit = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return
    write(`${JSON.stringify({ ts: new Date().toISOString(), level, msg, ...bound, ...fields })}\n`)
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    with: (fields) => createLogger({ ...opts, bound: { ...bound, ...fields } }),
  }
}

/** A logger that drops everything (tests that assert on behaviour, not logs). */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => {} })
