// Long-running `flotilla` commands (sim, agent) as child processes for end-to-end tests: their
// output is collected, readiness is awaited from what they print, and stop() ends them. A
// custom spawner runs them elsewhere (inside a network namespace).

import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { eventually } from './sim.ts'

const ROOT = new URL('../../', import.meta.url).pathname
export const NODE = join(ROOT, 'node_modules/.bin/node')
export const FLOTILLA_BIN = join(ROOT, 'bin/flotilla.ts')

export type Spawner = (command: string, args: string[], env: Record<string, string>) => ChildProcess

const localSpawner: Spawner = (command, args, env) => spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })

export interface FlotillaProcess {
  child: ChildProcess
  /** Standard output and standard error, interleaved as they arrived. */
  output(): string
  /** Standard output alone. */
  stdout(): string
  /** Standard error alone. */
  stderr(): string
  /** Waits until the output matches `pattern`; returns the match. */
  waitFor(pattern: RegExp, what: string, timeoutMs?: number): Promise<RegExpMatchArray>
  exited: Promise<number | null>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Runs `flotilla ARGS` with the given environment (FLOTILLA_* and KUBERNETES_* of this process removed). */
export function runFlotillaProcess(
  args: string[],
  env: Record<string, string> = {},
  spawner: Spawner = localSpawner,
): FlotillaProcess {
  const base: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('FLOTILLA_') && !k.startsWith('KUBERNETES_')) base[k] = v
  }
  const child = spawner(NODE, ['--disable-warning=ExperimentalWarning', FLOTILLA_BIN, ...args], { ...base, ...env })
  let out = ''
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8')
  child.stderr?.setEncoding('utf8')
  child.stdout?.on('data', (d: string) => {
    out += d
    stdout += d
  })
  child.stderr?.on('data', (d: string) => {
    out += d
    stderr += d
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    output: () => out,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor: (pattern, what, timeoutMs = 30_000) =>
      eventually(() => out.match(pattern), { timeoutMs, what: `${what}; output so far:\n${out.slice(-2000)}` }),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
      const code = await exited
      clearTimeout(t)
      return code
    },
  }
}

/** Parses `export NAME=VALUE` lines (as `flotilla cluster register -o env` prints them). */
export function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (!m) continue
    let v = m[2]
    if (v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1).replace(/'\\''/g, "'")
    else if (v.startsWith('"') && v.endsWith('"')) v = JSON.parse(v)
    env[m[1]] = v
  }
  return env
}
