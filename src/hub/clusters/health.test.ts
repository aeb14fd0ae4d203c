import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { RawResponse } from '../../client/http-client.ts'
import { checkCredentials, classifyNetworkError, probeMember, type RawRequester } from './health.ts'

function answering(byPath: Record<string, number | Error>): RawRequester & { paths: string[] } {
  const paths: string[] = []
  return {
    paths,
    async raw(_method: string, path: string): Promise<RawResponse> {
      paths.push(path)
      const a = byPath[path] ?? 404
      if (a instanceof Error) throw a
      return { status: a, headers: {}, body: Buffer.from(a === 200 ? 'ok' : 'nope') }
    },
  }
}

const netError = (code: string, message: string) => Object.assign(new Error(message), { code })

describe('member health checks', () => {
  it('uses /readyz, falling back to /healthz when it does not exist', async () => {
    assert.deepEqual(await probeMember(answering({ '/readyz': 200 }), 1000), { ok: true, path: '/readyz' })
    const old = answering({ '/healthz': 200 })
    assert.deepEqual(await probeMember(old, 1000), { ok: true, path: '/healthz' })
    assert.deepEqual(old.paths, ['/readyz', '/healthz'])
  })

  it('classifies answers and network errors', async () => {
    const r401 = await probeMember(answering({ '/readyz': 401 }), 1000)
    assert.equal(r401.ok === false && r401.reason, 'Unauthorized')
    const r403 = await checkCredentials(answering({ '/api': 403 }), 1000)
    assert.equal(r403?.reason, 'Forbidden')
    assert.equal(await checkCredentials(answering({ '/api': 200 }), 1000), undefined)
    const r500 = await probeMember(answering({ '/readyz': 500 }), 1000)
    assert.equal(r500.ok === false && r500.reason, 'NotReady')
    const refused = await probeMember(
      answering({ '/readyz': netError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1') }),
      1000,
    )
    assert.deepEqual(refused, {
      ok: false,
      reason: 'Unreachable',
      message: "cannot reach the member's API server: connect ECONNREFUSED 127.0.0.1:1",
    })
    assert.equal(
      classifyNetworkError(netError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'))
        .reason,
      'TLSError',
    )
    assert.equal(classifyNetworkError(netError('ERR_TLS_CERT_ALTNAME_INVALID', 'bad name')).reason, 'TLSError')
    assert.match(
      classifyNetworkError(netError('ETIMEDOUT', 'request timed out after 1000 ms')).message,
      /ETIMEDOUT: request timed out/,
    )
  })
})
