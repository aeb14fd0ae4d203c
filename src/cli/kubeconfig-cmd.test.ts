import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderTokenTable, runKubeconfig } from './kubeconfig-cmd.ts'
import { UsageError } from './usage.ts'

test('usage errors: unknown subcommand, bad --ttl, misplaced flags, bad ids', async () => {
  for (const args of [
    [],
    ['nope'],
    ['cluster'],
    ['cluster', 'a', 'b'],
    ['cluster', 'a', '--ttl', 'forever'],
    ['cluster', 'a', '--ttl', '10s'],
    ['cluster', 'a', '--ttl', '31d'],
    ['cluster', 'a', '--all'],
    ['list', 'x'],
    ['list', '--ttl', '1h'],
    ['revoke'],
    ['revoke', 'flt_kt-abcdefghijklmnop.secret'],
    ['revoke', 'kt-1'],
    ['cluster', 'a', '--bogus'],
  ]) {
    await assert.rejects(runKubeconfig(args), UsageError, args.join(' '))
  }
})

test('a token pasted as an id is not echoed back', async () => {
  await assert.rejects(
    runKubeconfig(['revoke', 'flt_kt-abcdefghijklmnop.s3cr3t']),
    (e: Error) => !e.message.includes('s3cr3t'),
  )
})

test('the token table: soonest expiry first, expired and never-used marked', () => {
  const now = Date.parse('2026-01-01T12:00:00Z')
  const item = (name: string, expires: string, lastUsed?: string) => ({
    metadata: { name, creationTimestamp: '2026-01-01T10:00:00Z' },
    spec: { user: { username: 'alice' }, cluster: 'edge', expirationTimestamp: expires, description: 'd' },
    ...(lastUsed ? { status: { lastUsedTimestamp: lastUsed } } : {}),
  })
  const out = renderTokenTable(
    [item('kt-b', '2026-01-01T20:00:00Z', '2026-01-01T11:55:00Z'), item('kt-a', '2026-01-01T11:00:00Z')],
    now,
  )
  const lines = out.trimEnd().split('\n')
  assert.match(lines[0], /^ID\s+CLUSTER\s+USER\s+EXPIRES\s+LAST USED\s+AGE\s+DESCRIPTION$/)
  assert.match(lines[1], /^kt-a\s+edge\s+alice\s+Expired\s+<never>\s+120m\s+d$/)
  assert.match(lines[2], /^kt-b\s+edge\s+alice\s+8h\s+5m ago\s+120m\s+d$/)
})
