// Reading and decoding request bodies: size limits (413), media types (415) and syntax (400).

import type { IncomingMessage } from 'node:http'
import { parse as parseYaml } from 'yaml'
import { badRequest, StatusError, tooLarge, unsupportedMediaType } from '../../machinery/errors.ts'
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from '../../machinery/protobuf/index.ts'

/** kube-apiserver's default --max-request-body-bytes for most requests (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) {
    req.resume()
    return Promise.reject(tooLarge(`Request entity too large: limit is ${limit}`))
  }
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0))
  // Plain listeners rather than `for await`: this runs for every write, and the async iterator
  // costs a promise and several objects per chunk.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = (error: Error | undefined) => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
      if (error === undefined) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size))
      else reject(error)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        done(tooLarge(`Request entity too large: limit is ${limit}`))
        req.resume() // drain the rest, keeping the connection usable for the 413
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => done(undefined)
    const onError = (err: Error) => done(err)
    // A client that goes away mid-body: no 'end' will come.
    const onClose = () => done(new Error('the request was aborted before its body was complete'))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
  })
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase()
}

const JSON_TYPES = new Set(['application/json', ''])
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml'])

/** Decodes a JSON or YAML document (the media types kube-apiserver accepts for objects). */
export function decodeDocument(body: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType)
  if (JSON_TYPES.has(type)) return parseJson(body)
  if (YAML_TYPES.has(type)) return parseYamlDoc(body)
  if (type === PROTOBUF_MEDIA_TYPE) return decodeKubernetesProtobuf(body).object
  throw unsupportedMediaType(
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
  )
}

export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8')
  if (text.trim() === '') throw badRequest('the body of the request is empty')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(e as Error).message}`)
  }
  checkDepth(value)
  return value
}

/** JSON decoders in Kubernetes stop at 10,000 levels; deeper documents are refused, not walked. */
export const MAX_DEPTH = 10_000

/** Throws 400 when a decoded document nests deeper than MAX_DEPTH (checked without recursion). */
export function checkDepth(value: unknown): void {
  // Two parallel stacks rather than a [value, depth] pair per node: this runs on every write.
  const values: object[] = []
  const depths: number[] = []
  if (typeof value === 'object' && value !== null) {
    values.push(value)
    depths.push(1)
  }
  while (values.length > 0) {
    const v = values.pop() as Record<string, unknown> | unknown[]
    const depth = depths.pop() as number
    if (depth > MAX_DEPTH) throw badRequest(`the body of the request is nested more than ${MAX_DEPTH} levels deep`)
    const children = Array.isArray(v) ? v : Object.values(v)
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {
        values.push(child)
        depths.push(depth + 1)
      }
    }
  }
}

export function parseYamlDoc(body: Buffer): unknown {
  const text = body.toString('utf8')
  if (text.trim() === '') throw badRequest('the body of the request is empty')
  // JSON is YAML, and clients (kubectl, client-go) send apply bodies as JSON: JSON.parse is
  // ~85x faster than the YAML parser; anything it refuses still goes through the YAML parser.
  if (text.trimStart().startsWith('{')) {
    try {
      const value = JSON.parse(text)
      checkDepth(value)
      return value
    } catch (e) {
      if (e instanceof StatusError) throw e
    }
  }
  try {
    // Duplicate keys are allowed here (last wins, as in Kubernetes); fieldValidation reports them.
    const value = parseYaml(text, { uniqueKeys: false, maxAliasCount: 100 })
    checkDepth(value)
    return value
  } catch (e) {
    if (e instanceof StatusError) throw e
    throw badRequest(`the body of the request could not be decoded as YAML: ${(e as Error).message.split('\n')[0]}`)
  }
}
