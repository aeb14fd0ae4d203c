import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  hashSecret,
  MAX_TTL_SECONDS,
  MIN_TTL_SECONDS,
  newAccessToken,
  parseAccessToken,
  parseDuration,
  secretMatches,
  ttlProblem,
} from './token.ts'

test('issued tokens parse back to their id and a secret matching the stored hash', () => {
  const seen = new Set<string>()
  for (let i = 0; i < 200; i++) {
    const t = newAccessToken()
    assert.match(t.id, /^kt-[a-z2-7]{16}$/)
    assert.match(t.secretHash, /^sha256:[0-9a-f]{64}$/)
    const p = parseAccessToken(t.token)
    assert.ok(p)
    assert.equal(p.id, t.id)
    assert.equal(Buffer.from(p.secret, 'base64url').length, 32)
    assert.ok(secretMatches(p.secret, t.secretHash))
    assert.ok(!t.secretHash.includes(p.secret))
    assert.ok(!seen.has(t.id))
    seen.add(t.id)
  }
})

test('malformed tokens do not parse', () => {
  const t = newAccessToken()
  const [, secret] = t.token.split('.')
  for (const bad of [
    '',
    'flt_',
    t.token.slice(4),
    `${t.token}x`,
    t.token.slice(0, -1),
    `flt_${t.id}`,
    `flt_${t.id.toUpperCase()}.${secret}`,
    `flt_kt-aaaaaaaaaaaaaaa1.${secret}`,
    `flt_${t.id}.${secret.slice(0, 42)}+`,
    ` ${t.token}`,
    `${t.token}\n`,
  ]) {
    assert.equal(parseAccessToken(bad), undefined, JSON.stringify(bad))
  }
})

test('secretMatches is false for another secret and for malformed stored hashes', () => {
  const t = newAccessToken()
  const other = newAccessToken()
  const secret = parseAccessToken(t.token)!.secret
  assert.ok(!secretMatches(secret, other.secretHash))
  assert.ok(!secretMatches(secret, 'sha256:'))
  assert.ok(!secretMatches(secret, 'sha256:zz'))
  assert.ok(!secretMatches(secret, ''))
  assert.equal(hashSecret('x'), hashSecret('x'))
})

test('parseDuration accepts s/m/h/d sequences and nothing else', () => {
  assert.equal(parseDuration('8h'), 8 * 3600)
  assert.equal(parseDuration('90m'), 5400)
  assert.equal(parseDuration('1h30m'), 5400)
  assert.equal(parseDuration('7d'), 7 * 86400)
  assert.equal(parseDuration('45s'), 45)
  assert.equal(parseDuration(' 2h '), 7200)
  for (const bad of ['', '8', 'h', '-1h', '1.5h', '1w', '8 h', 'forever', '1h-1m', '9999999999h', 'NaN']) {
    assert.equal(parseDuration(bad), undefined, bad)
  }
})

test('ttlProblem enforces 1m..30d', () => {
  assert.equal(ttlProblem(MIN_TTL_SECONDS), undefined)
  assert.equal(ttlProblem(MAX_TTL_SECONDS), undefined)
  assert.match(ttlProblem(MIN_TTL_SECONDS - 1)!, /at least 1m/)
  assert.match(ttlProblem(MAX_TTL_SECONDS + 1)!, /at most 30d/)
  assert.match(ttlProblem(0, 'seconds')!, /at least 60/)
  assert.match(ttlProblem(1.5)!, /whole number/)
  assert.match(ttlProblem(Number.NaN)!, /whole number/)
})
