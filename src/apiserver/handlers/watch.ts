// WATCH: a chunked stream of {"type":...,"object":...} lines. Encoded lines are shared between
// watchers through a small cache keyed by (format, type, key, revision), so a thousand
// watchers of one resource cost one serialisation per event, not a thousand.

import { StatusError } from '../../machinery/errors.ts'
import { chooseOutput } from '../http/negotiate.ts'
import { type OutEvent, watchObjects } from '../registry/reader.ts'
import { columnDefinitions, tableRow } from '../table.ts'
import type { RequestContext } from './context.ts'
import { boolParam, intParam, readSelectors } from './options.ts'
import { includeObjectParam } from './read.ts'

/**
 * Encoded event lines shared by the watchers of one storage. Scoped per storage: several
 * servers in one process (simulated clusters) have the same keys at the same revisions.
 */
const lineCaches = new WeakMap<object, Map<string, string>>()
const LINE_CACHE_MAX = 4096

function cacheFor(storage: object): Map<string, string> {
  let c = lineCaches.get(storage)
  if (!c) {
    c = new Map()
    lineCaches.set(storage, c)
  }
  return c
}

function cachedIn(cache: Map<string, string>, key: string, make: () => string): string {
  let line = cache.get(key)
  if (line === undefined) {
    line = make()
    if (cache.size >= LINE_CACHE_MAX) cache.clear()
    cache.set(key, line)
  }
  return line
}

export async function handleWatch(ctx: RequestContext): Promise<void> {
  const { store, query, info, req, res, settings } = ctx
  const output = chooseOutput(req.headers.accept, true)
  const { labels, fields } = readSelectors(store, query)
  const timeoutSeconds = intParam(query, 'timeoutSeconds')
  const bookmarks = boolParam(query, 'allowWatchBookmarks') ?? false
  const sendInitialEvents = boolParam(query, 'sendInitialEvents')
  const include = includeObjectParam(query)
  const def = store.def
  const lineCache = cacheFor(store.storage)
  const cached = (key: string, make: () => string) => cachedIn(lineCache, key, make)
  const now = Date.now

  let columnsSent = false
  const encode = (ev: OutEvent): string => {
    if (output === 'table' && ev.type !== 'BOOKMARK') {
      const withColumns = !columnsSent
      columnsSent = true
      const make = () =>
        JSON.stringify({
          type: ev.type,
          object: {
            kind: 'Table',
            apiVersion: 'meta.k8s.io/v1',
            metadata: { resourceVersion: String(ev.object.revision) },
            columnDefinitions: withColumns ? columnDefinitions(def) : null,
            rows: [tableRow(def, ev.object.object, include, now())],
          },
        }) + '\n'
      return withColumns
        ? make()
        : cached(`t|${store.apiVersion}|${include}|${ev.type}|${ev.object.key}@${ev.object.revision}`, make)
    }
    if (output === 'metadata' && ev.type !== 'BOOKMARK') {
      return cached(
        `m|${ev.type}|${ev.object.key}@${ev.object.revision}`,
        () =>
          JSON.stringify({
            type: ev.type,
            object: {
              kind: 'PartialObjectMetadata',
              apiVersion: 'meta.k8s.io/v1',
              metadata: ev.object.object.metadata,
            },
          }) + '\n',
      )
    }
    return cached(
      `j|${store.apiVersion}|${ev.type}|${ev.object.key}@${ev.object.revision}`,
      () => `{"type":"${ev.type}","object":${ev.object.raw}}\n`,
    )
  }

  const pending: string[] = []
  let started = false
  let closed = false
  const write = (line: string) => {
    if (closed) return
    if (!started) {
      pending.push(line)
      return
    }
    res.write(line)
    if (res.writableLength > settings.maxWatchBacklogBytes) {
      // The client cannot keep up: end its stream; it will re-watch from its last revision.
      ctx.log.warn('Closing slow watcher', { reqId: ctx.reqId, resource: def.plural, backlog: res.writableLength })
      stop()
    }
  }

  let watch: { cancel: () => void; revision: number }
  try {
    watch = await watchObjects(
      store,
      info.namespace,
      {
        labels,
        fields,
        resourceVersion: query.get('resourceVersion') ?? undefined,
        resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
        sendInitialEvents,
      },
      (ev) => write(encode(ev)),
    )
  } catch (e) {
    // An expired resourceVersion is reported inside a 200 stream, as the watch cache does,
    // so reflectors see a watch.Error event and relist.
    if (e instanceof StatusError && e.code === 410) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' })
      res.end(`${JSON.stringify({ type: 'ERROR', object: e.status })}\n`)
      return
    }
    throw e
  }

  const bookmark = (extra?: Record<string, string>) => {
    const rv = String(Math.max(store.storage.revision, watch.revision))
    const obj: Record<string, unknown> = {
      kind: def.kind,
      apiVersion: store.apiVersion,
      metadata: { resourceVersion: rv },
    }
    if (extra) (obj.metadata as Record<string, unknown>).annotations = extra
    write(`${JSON.stringify({ type: 'BOOKMARK', object: obj })}\n`)
  }
  if (sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' })

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache',
  })
  res.flushHeaders()
  started = true
  for (const line of pending) res.write(line)
  pending.length = 0

  const timers: NodeJS.Timeout[] = []
  const maxSeconds = timeoutSeconds ?? settings.maxWatchSeconds * (1 + Math.random())
  timers.push(setTimeout(() => stop(), Math.max(0, maxSeconds) * 1000))
  if (bookmarks) timers.push(setInterval(() => bookmark(), settings.bookmarkIntervalMs))

  function stop(): void {
    if (closed) return
    closed = true
    watch.cancel()
    for (const t of timers) clearTimeout(t)
    res.end()
  }
  res.on('close', stop)
  req.on('close', stop)
}
