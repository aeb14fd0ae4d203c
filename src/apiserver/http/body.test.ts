import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, request, type Server } from 'node:http'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { StatusError } from '../../machinery/errors.ts'
import { readBody } from './body.ts'

// A real HTTP server on loopback whose handler reports what readBody made of each request.
let server: Server
let port: number
const outcomes: ((r: { body?: Buffer; error?: unknown }) => void)[] = []
const nextOutcome = () => new Promise<{ body?: Buffer; error?: unknown }>((r) => outcomes.push(r))

before(async () => {
  server = createServer((req: IncomingMessage, res) => {
    readBody(req, 1024).then(
      (body) => {
        outcomes.shift()?.({ body })
        res.end('ok')
      },
      (error) => {
        outcomes.shift()?.({ error })
        res.statusCode = error instanceof StatusError ? error.code : 500
        res.end()
      },
    )
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as { port: number }).port
})
after(() => server.close())

function post(body: Buffer | string[], headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode!))
    })
    req.on('error', reject)
    if (Array.isArray(body)) for (const part of body) req.write(part)
    else req.write(body)
    req.end()
  })
}

describe('readBody', () => {
  it('returns the body, whole, however it was chunked', async () => {
    const got = nextOutcome()
    assert.equal(await post(['{"a":', '1', '}']), 200)
    assert.equal((await got).body!.toString(), '{"a":1}')
    const empty = nextOutcome()
    assert.equal(await post(Buffer.alloc(0)), 200)
    assert.equal((await empty).body!.length, 0)
  })

  it('refuses a body over the limit with 413, declared or streamed', async () => {
    const declared = nextOutcome()
    assert.equal(await post(Buffer.alloc(2000, 'x')), 413)
    assert.equal(((await declared).error as StatusError).code, 413)
    const streamed = nextOutcome()
    const parts = Array.from({ length: 8 }, () => 'y'.repeat(200))
    assert.equal(await post(parts, { 'transfer-encoding': 'chunked' }), 413)
    assert.equal(((await streamed).error as StatusError).code, 413)
  })

  it('fails, rather than waiting forever, when the client leaves mid-body', async () => {
    const got = nextOutcome()
    const socket = connect(port, '127.0.0.1')
    await new Promise((r) => socket.once('connect', r))
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"partial":')
    await new Promise((r) => setTimeout(r, 50))
    socket.destroy()
    const outcome = await got
    assert.ok(outcome.error instanceof Error)
    assert.equal(outcome.body, undefined)
  })
})
