// Hop-by-hop headers, shared by the hub's proxy and the agent's forwarder: per RFC 9110 §7.6.1
// they describe one connection and are never forwarded, and neither is any header a Connection
// header names.

/** Lowercased names of the hop-by-hop headers. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/**
 * Lowercased names of the headers the Connection headers of a raw list ([name, value, ...], as
 * IncomingMessage.rawHeaders) name: hop-by-hop too. Undefined when there are none.
 */
export function connectionTokens(raw: string[]): Set<string> | undefined {
  let out: Set<string> | undefined
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length !== 10 || raw[i].toLowerCase() !== 'connection') continue
    for (const t of raw[i + 1].split(',')) {
      const name = t.trim().toLowerCase()
      if (!name) continue
      out ??= new Set()
      out.add(name)
    }
  }
  return out
}
