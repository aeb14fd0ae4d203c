// Child process for the SIGKILL durability test (sqlite-storage.test.ts): writes forever with
// several writes in flight and prints "<key> <revision>" for each write whose promise resolved.
// stdout is written with writeSync so that a line is out before the next write is issued.

import { writeSync } from 'node:fs'
import { SqliteStorage } from './sqlite-storage.ts'

const [path, tag] = process.argv.slice(2)
const store = SqliteStorage.open({ path, sync: 'full' })
writeSync(1, `ready ${store.revision}\n`)

let seq = 0
async function writer(lane: number): Promise<void> {
  for (;;) {
    const key = `/crash/${tag}/l${lane}-${seq++}`
    const kv = await store.create(key, (rev) => JSON.stringify({ key, rev }))
    writeSync(1, `${kv.key} ${kv.modRevision}\n`)
  }
}
for (let lane = 0; lane < 8; lane++) void writer(lane)
