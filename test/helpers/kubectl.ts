// Runs real kubectl binaries against test servers. Google's versioned builds
// (/usr/lib/google-cloud-sdk/bin/kubectl.1.28 and .1.33) are used when present, so behaviour
// is checked at both ends of the supported range; otherwise whatever kubectl is on PATH.

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ExecResult, execCollect } from './exec.ts'

const GOOGLE = '/usr/lib/google-cloud-sdk/bin'

export interface KubectlBinary {
  version: string
  path: string
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = join(dir, name)
    if (dir && existsSync(p)) return p
  }
  return undefined
}

/** The kubectl binaries to test with (env FLOTILLA_KUBECTL=path[,path] overrides). */
export function kubectlBinaries(): KubectlBinary[] {
  if (process.env.FLOTILLA_KUBECTL) {
    return process.env.FLOTILLA_KUBECTL.split(',').map((p) => ({
      version: p.replace(/.*kubectl\.?/, '') || 'custom',
      path: p,
    }))
  }
  const versioned = ['1.28', '1.33']
    .map((v) => ({ version: v, path: `${GOOGLE}/kubectl.${v}` }))
    .filter((b) => existsSync(b.path))
  if (versioned.length > 0) return versioned
  const p = onPath('kubectl')
  return p ? [{ version: 'path', path: p }] : []
}

export type KubectlResult = ExecResult

export class Kubectl {
  readonly bin: KubectlBinary
  readonly kubeconfig: string
  private readonly cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'))

  constructor(bin: KubectlBinary, kubeconfig: string) {
    this.bin = bin
    this.kubeconfig = kubeconfig
  }

  run(
    args: string[],
    opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<KubectlResult> {
    return execCollect(this.bin.path, ['--kubeconfig', this.kubeconfig, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: this.cacheDir, KUBECACHEDIR: this.cacheDir, ...opts.env },
      timeout: opts.timeoutMs ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
      input: opts.input,
    })
  }

  /** Runs kubectl and fails with its output when it exits non-zero. */
  async ok(
    args: string[],
    opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<string> {
    const r = await this.run(args, opts)
    if (r.code !== 0) {
      throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
    }
    return r.stdout
  }
}

/**
 * Runs a following kubectl until `enough(out, firstChunk)` holds, then stops it; `first` is the
 * output of the first read, taken as what was already there when the stream began.
 */
export function followUntil(
  k: Kubectl,
  args: string[],
  enough: (out: string, first: string) => boolean,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(k.bin.path, ['--kubeconfig', k.kubeconfig, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: '/tmp' },
    })
    let out = ''
    let first: string | undefined
    let err = ''
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`kubectl ${args.join(' ')} did not produce enough output:\n${out}\n${err}`))
    }, 20_000)
    child.stdout.on('data', (d) => {
      out += d
      first ??= out
      if (enough(out, first)) {
        clearTimeout(timer)
        child.kill()
        resolve(out)
      }
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    child.on('exit', () => {
      clearTimeout(timer)
      if (first === undefined || !enough(out, first)) reject(new Error(`kubectl exited early:\n${out}\n${err}`))
    })
  })
}
