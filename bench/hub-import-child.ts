// The hub of the import benchmark, in its own process so its RSS is its own (the simulated
// members run in the benchmark's process). Started by hub-import.bench.ts with fork():
//   node --expose-gc bench/hub-import-child.ts DATA_DIR
// Starts the hub as `flotilla server` does (default health interval and grace period, audit log
// on, durable storage), reports {type:'ready', kubeconfig, startMs} over IPC, then answers:
//   {type:'stats'}     → {type:'stats', rss, heapUsed, members} after a full GC
//   {type:'shutdown'}  → closes the hub and exits

import { performance } from 'node:perf_hooks'
import { startHub } from '../src/hub/start.ts'
import { createLogger } from '../src/log/logger.ts'

const dataDir = process.argv[2]
if (!dataDir || !process.send) {
  process.stderr.write('usage: fork("bench/hub-import-child.ts", [DATA_DIR]) (needs an IPC channel)\n')
  process.exit(2)
}
const send = (msg: unknown) => process.send!(msg)

const hub = await startHub({ dataDir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'warn' }) })
// Time since the process started (module loading included): what a user waits for.
send({ type: 'ready', kubeconfig: hub.adminKubeconfig, startMs: performance.now() })

const gc = (globalThis as { gc?: () => void }).gc

process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'stats') {
    // Twice: the first collection may free objects whose finalization frees more.
    gc?.()
    gc?.()
    const mem = process.memoryUsage()
    send({ type: 'stats', rss: mem.rss, heapUsed: mem.heapUsed, members: hub.members.names().length })
  } else if (msg.type === 'shutdown') {
    await hub.close()
    process.exit(0)
  }
})
