// `flotilla sim` as a process: prints its URL, writes DIR/kubeconfig that kubectl uses, stops
// cleanly on SIGTERM (exit 0), and rejects bad flags with exit code 2.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { it } from 'node:test'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { eventually } from '../helpers/sim.ts'

const REPO = resolve(import.meta.dirname, '..', '..')
const BIN = join(REPO, 'bin', 'flotilla.ts')

function run(args: string[]) {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', BIN, 'sim', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => {
    stdout += d
  })
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  return { child, exited, stdout: () => stdout, stderr: () => stderr }
}

it('runs a simulated cluster that kubectl can use, and stops on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-sim-cli-'))
  const p = run([
    '--name',
    'cli',
    '--nodes',
    '2',
    '--zones',
    'a,b',
    '--node-cpu',
    '2',
    '--data-dir',
    dir,
    '--log-level',
    'warn',
  ])
  try {
    const url = await eventually(() => /listening on (https:\/\/\S+)/.exec(p.stdout())?.[1], {
      what: `listening line; stderr: ${p.stderr()}`,
      timeoutMs: 60_000,
    })
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/)
    assert.ok(existsSync(join(dir, 'kubeconfig')))
    const bins = kubectlBinaries()
    if (bins.length > 0) {
      const k = new Kubectl(bins[bins.length - 1], join(dir, 'kubeconfig'))
      await eventually(async () => {
        const out = await k.ok(['get', 'nodes', '-L', 'topology.kubernetes.io/zone'])
        return /cli-worker-0\s+Ready.*\sa\n/.test(out) && /cli-worker-1\s+Ready.*\sb\n/.test(out)
      })
      assert.match(await k.ok(['config', 'current-context']), /^cli$/m)
    }
    p.child.kill('SIGTERM')
    assert.equal(await p.exited, 0)
    assert.match(p.stdout(), /Simulated cluster cli stopped/)
  } finally {
    p.child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})

it('exits 2 on bad usage', async () => {
  const missing = run(['--nodes', '2'])
  assert.equal(await missing.exited, 2)
  assert.match(missing.stderr(), /--name is required/)
  const bad = run(['--name', 'x', '--node-taints', 'k=v:Sometimes'])
  assert.equal(await bad.exited, 2)
  assert.match(bad.stderr(), /invalid taint effect "Sometimes"/)
})
