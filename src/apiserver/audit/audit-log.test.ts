import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { silentLogger } from '../../log/logger.ts'
import { AuditLogWriter, backupName, listBackups } from './audit-log.ts'

describe('AuditLogWriter', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-log-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const lines = (n: number, width = 40) =>
    Array.from({ length: n }, (_, i) => `{"n":${String(i).padStart(5, '0')},"pad":"${'x'.repeat(width)}"}`)

  it('appends lines in order, asynchronously, and flush() waits for them', async () => {
    const path = join(dir, 'audit.log')
    writeFileSync(path, '{"old":true}\n')
    const w = new AuditLogWriter({ path, maxSizeBytes: 0, maxBackups: 0, log: silentLogger })
    const input = lines(1000)
    for (const l of input) w.write(l)
    // Nothing is written within the caller's turn.
    assert.equal(readFileSync(path, 'utf8'), '{"old":true}\n')
    await w.flush()
    assert.deepEqual(readFileSync(path, 'utf8').trim().split('\n'), ['{"old":true}', ...input])
    w.write('{"late":1}')
    await w.close()
    assert.ok(readFileSync(path, 'utf8').endsWith('{"late":1}\n'))
  })

  it('rotates by size with lumberjack names and keeps the newest maxBackups', async () => {
    const path = join(dir, 'audit.log')
    let t = Date.parse('2025-03-04T05:06:07.089Z')
    const w = new AuditLogWriter({ path, maxSizeBytes: 1000, maxBackups: 3, log: silentLogger, now: () => t })
    const input = lines(100) // 60 bytes each: 16 per file
    for (let i = 0; i < input.length; i++) {
      w.write(input[i])
      if (i % 10 === 9) {
        await w.flush()
        t += 1000
      }
    }
    await w.close()
    const backups = await listBackups(path)
    assert.equal(backups.length, 3)
    for (const b of backups) assert.match(b, /^audit-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}\.log$/)
    assert.deepEqual(readdirSync(dir).sort(), [...backups, 'audit.log'].sort())
    for (const f of readdirSync(dir)) assert.ok(statSync(join(dir, f)).size <= 1000, f)
    // What is left is the newest lines, in order, ending with the last one.
    const kept = [...backups, 'audit.log'].flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
    assert.deepEqual(kept, input.slice(input.length - kept.length))
  })

  it('never overwrites a backup when rotating twice within a millisecond', async () => {
    const path = join(dir, 'audit.log')
    const w = new AuditLogWriter({ path, maxSizeBytes: 100, maxBackups: 0, log: silentLogger, now: () => 0 })
    const input = lines(20)
    for (const l of input) w.write(l)
    await w.close()
    const backups = await listBackups(path)
    assert.equal(backups.length, 19)
    const all = [...backups, 'audit.log'].flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
    assert.deepEqual(all, input)
  })

  it('rotates an existing file that is already full before writing to it', async () => {
    const path = join(dir, 'audit.log')
    writeFileSync(path, `${'y'.repeat(99)}\n`)
    const w = new AuditLogWriter({ path, maxSizeBytes: 100, maxBackups: 5, log: silentLogger })
    w.write('{"a":1}')
    await w.close()
    assert.equal(readFileSync(path, 'utf8'), '{"a":1}\n')
    assert.equal((await listBackups(path)).length, 1)
  })

  it('names backups as lumberjack does (UTC, milliseconds, before the extension)', () => {
    assert.equal(
      backupName('/var/log/audit.log', Date.parse('2025-01-02T03:04:05.678Z')),
      '/var/log/audit-2025-01-02T03-04-05.678.log',
    )
    assert.equal(backupName('/x/audit', 0), '/x/audit-1970-01-01T00-00-00.000')
  })
})
