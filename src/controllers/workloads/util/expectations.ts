// Controller expectations (kube's ControllerExpectations / UIDTrackingControllerExpectations):
// after creating or deleting children, a controller waits until its informer has seen those
// changes before acting on the same parent again, so a stale cache never makes it create or
// delete twice. Expectations expire after five minutes in case an event was lost.

const TTL_MS = 5 * 60 * 1000

interface Record {
  adds: number
  dels: Set<string>
  at: number
}

export class Expectations {
  private readonly m = new Map<string, Record>()

  /** True when nothing is pending for `key` (or what is pending has expired). */
  satisfied(key: string): boolean {
    const r = this.m.get(key)
    if (!r) return true
    if (r.adds <= 0 && r.dels.size === 0) return true
    return Date.now() - r.at > TTL_MS
  }

  expectCreations(key: string, n: number): void {
    const r = this.record(key)
    r.adds = Math.max(0, r.adds) + n
  }

  /** Expects the deletion of the children with these keys (namespace/name). */
  expectDeletions(key: string, childKeys: string[]): void {
    const r = this.record(key)
    for (const k of childKeys) r.dels.add(k)
  }

  creationObserved(key: string): void {
    const r = this.m.get(key)
    if (r) r.adds--
  }

  deletionObserved(key: string, childKey: string): void {
    this.m.get(key)?.dels.delete(childKey)
  }

  forget(key: string): void {
    this.m.delete(key)
  }

  private record(key: string): Record {
    let r = this.m.get(key)
    if (!r || (r.adds <= 0 && r.dels.size === 0)) {
      r = { adds: 0, dels: new Set(), at: Date.now() }
      this.m.set(key, r)
    }
    r.at = Date.now()
    return r
  }
}
