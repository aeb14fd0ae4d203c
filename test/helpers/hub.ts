// Starts a real Flotilla hub (startHub) on loopback port 0 with a temporary data directory, for
// tests; members are simulated clusters started with startTestSim. dispose() stops the hub and
// removes its data.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, fetch as undiciFetch } from 'undici'
import { restConfigFromKubeconfig } from '../../src/client/rest-config.ts'
import { type Hub, type HubOptions, startHub } from '../../src/hub/start.ts'
import { silentLogger } from '../../src/log/logger.ts'

export interface TestHub extends Hub {
  /** A dispatcher trusting the hub's CA and presenting the admin's credential. */
  dispatcher: Agent
  /** fetch() against the hub as the admin. */
  request(path: string, init?: RequestInit): Promise<Response>
  dispose(): Promise<void>
}

export async function startTestHub(opts: Partial<HubOptions> = {}): Promise<TestHub> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'flotilla-hub-'))
  const hub = await startHub({
    log: silentLogger,
    sync: 'normal',
    ...opts,
    dataDir,
    host: '127.0.0.1',
    port: opts.port ?? 0,
    // An agent port on a free loopback port unless the test says otherwise (false: none).
    agentListen: opts.agentListen ?? { host: '127.0.0.1', port: 0 },
  })
  const admin = restConfigFromKubeconfig(readFileSync(hub.adminKubeconfig, 'utf8'))
  const dispatcher = new Agent({ connect: { ca: hub.caCert, cert: admin.cert, key: admin.key } })
  return Object.assign(hub, {
    dispatcher,
    request(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers)
      if (admin.token && !headers.has('authorization')) headers.set('authorization', `Bearer ${admin.token}`)
      return undiciFetch(hub.url + path, {
        ...(init as object),
        headers,
        dispatcher,
      } as never) as unknown as Promise<Response>
    },
    async dispose() {
      await hub.close()
      await dispatcher.close()
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  })
}
