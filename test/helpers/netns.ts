// Network namespaces for tests that need a member the hub really cannot reach: a namespace with
// its own loopback (a server bound to 127.0.0.1 inside it is invisible from outside) joined to
// the test's namespace by a veth pair, so processes inside can dial out to the hub but nothing
// outside can dial in. Needs root and iproute2; netnsSupport() says why not when unavailable.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'

export interface NetNamespace {
  name: string
  /** The address of the test's (outer) end of the veth: where servers for the inside to reach listen. */
  outerAddress: string
  /** The address inside the namespace. */
  innerAddress: string
  /** Starts a command inside the namespace. */
  spawn(command: string, args: string[], env?: Record<string, string>): ChildProcess
  remove(): void
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Undefined when network namespaces can be made here, else the reason they cannot. */
export function netnsSupport(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (process.getuid?.() !== 0) return 'network namespaces need root'
  const probe = `flt-probe-${randomBytes(3).toString('hex')}`
  try {
    ip(['netns', 'add', probe])
    ip(['netns', 'del', probe])
    return undefined
  } catch (e) {
    return `ip netns is not usable: ${(e as Error).message.split('\n')[0]}`
  }
}

export function createNetNamespace(): NetNamespace {
  const id = randomBytes(3).toString('hex')
  const name = `flt-${id}`
  const outer = `vo${id}`
  const inner = `vi${id}`
  // A /30 in 10.213.0.0/16 picked at random, so parallel test files do not collide.
  const n = randomBytes(2).readUInt16BE(0) & 0x3fff
  const base = (10 << 24) | (213 << 16) | (n << 2)
  const addr = (k: number) =>
    [(base + k) >>> 24, ((base + k) >> 16) & 255, ((base + k) >> 8) & 255, (base + k) & 255].join('.')
  const outerAddress = addr(1)
  const innerAddress = addr(2)
  ip(['netns', 'add', name])
  try {
    ip(['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner])
    ip(['link', 'set', inner, 'netns', name])
    ip(['addr', 'add', `${outerAddress}/30`, 'dev', outer])
    ip(['link', 'set', outer, 'up'])
    ip(['-n', name, 'addr', 'add', `${innerAddress}/30`, 'dev', inner])
    ip(['-n', name, 'link', 'set', inner, 'up'])
    ip(['-n', name, 'link', 'set', 'lo', 'up'])
  } catch (e) {
    try {
      ip(['netns', 'del', name])
    } catch {}
    throw e
  }
  const children = new Set<ChildProcess>()
  return {
    name,
    outerAddress,
    innerAddress,
    spawn(command, args, env = {}) {
      const child = spawn('ip', ['netns', 'exec', name, command, ...args], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      children.add(child)
      child.once('exit', () => children.delete(child))
      return child
    },
    remove() {
      for (const c of children) c.kill('SIGKILL')
      try {
        ip(['netns', 'del', name]) // takes the veth pair with it
      } catch {}
    },
  }
}
