// Starts a simulated cluster (startSim) on loopback port 0 with a temporary data directory, for
// tests; dispose() stops it and removes its data. Helpers poll with generous deadlines since
// the test machine is small and shared.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, fetch as undiciFetch } from 'undici'
import { type Sim, type SimOptions, startSim } from '../../src/sim/index.ts'

export interface TestSim extends Sim {
  /** A dispatcher trusting the sim's CA (undici fetch, client libraries). */
  dispatcher: Agent
  /** fetch() against the sim's API with the admin token. */
  request(path: string, init?: RequestInit): Promise<Response>
  /** Stops the sim and removes its data directory. */
  dispose(): Promise<void>
}

export async function startTestSim(opts: Partial<SimOptions> = {}): Promise<TestSim> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'flotilla-sim-'))
  const sim = await startSim({ ...opts, dataDir, host: '127.0.0.1', port: 0 })
  const dispatcher = new Agent({ connect: { ca: sim.caCert } })
  return Object.assign(sim, {
    dispatcher,
    request(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers)
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${sim.token}`)
      return undiciFetch(sim.url + path, {
        ...(init as object),
        headers,
        dispatcher,
      } as never) as unknown as Promise<Response>
    },
    async dispose() {
      await sim.close()
      await dispatcher.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  })
}

/** Polls `fn` until it returns a truthy value (returned) or the deadline passes (throws). */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false | null> | T | undefined | false | null,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000)
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
      last = v
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${opts.what ?? 'condition'}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      )
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100))
  }
}
