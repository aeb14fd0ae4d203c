// The checkpoint thread (see checkpointer.ts). One per process, serving every open database:
// it holds one connection per database and runs PASSIVE checkpoints when asked. Everything here
// is synchronous SQLite on purpose: this thread exists so that the event loop does not wait.
//
// Plain JavaScript, not TypeScript: a worker that imports a .ts file loads Node's TypeScript
// stripper into its own isolate, ~10 MB of memory and ~30 ms of start for these few lines.
// The messages are typed in checkpointer.ts (CheckpointRequest, CheckpointReply).

import { DatabaseSync } from 'node:sqlite'
import { parentPort } from 'node:worker_threads'

const port = parentPort
if (port === null) throw new Error('checkpoint-worker.mjs runs as a worker thread')

/** @type {Map<number, DatabaseSync>} */
const databases = new Map()

/** @param {import('./checkpointer.ts').CheckpointReply} msg */
function reply(msg) {
  port.postMessage(msg)
}

/** @param {import('./checkpointer.ts').CheckpointRequest} msg */
function handle(msg) {
  switch (msg.type) {
    case 'open': {
      const db = new DatabaseSync(msg.path, { timeout: 1000 })
      // NORMAL still syncs the WAL before copying it back and the database file afterwards,
      // which is all a checkpoint needs; this connection never commits anything itself.
      db.exec('PRAGMA synchronous = NORMAL')
      db.exec('PRAGMA wal_autocheckpoint = 0')
      databases.set(msg.id, db)
      reply({ type: 'opened', id: msg.id })
      return
    }
    case 'checkpoint': {
      const db = databases.get(msg.id)
      if (db === undefined) return // closed meanwhile
      // PASSIVE never waits for (or blocks) the writer or readers: it copies what it can.
      const row = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get()
      reply({ type: 'checkpointed', id: msg.id, walFrames: Number(row.log), checkpointed: Number(row.checkpointed) })
      return
    }
    case 'close': {
      databases.get(msg.id)?.close()
      databases.delete(msg.id)
      reply({ type: 'closed', id: msg.id })
      return
    }
  }
}

port.on('message', (/** @type {import('./checkpointer.ts').CheckpointRequest} */ msg) => {
  try {
    handle(msg)
  } catch (err) {
    reply({ type: 'failed', id: msg.id, request: msg.type, message: err instanceof Error ? err.message : String(err) })
  }
})
