import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { StatusError } from '../../machinery/errors.ts'
import { ContainerLog, formatLogTimestamp } from './log-lines.ts'
import { parseLogRequest, readLog, selectLines } from './logs.ts'
import { logInstance, type Pod, resolveContainer } from './pod.ts'

const T0 = Date.parse('2026-01-01T00:00:00Z')

function pod(over: Partial<Pod['status']> = {}, containers = [{ name: 'app', image: 'example/app:1.0' }]): Pod {
  return {
    metadata: { name: 'web-0', namespace: 'shop', uid: 'u1' },
    spec: { nodeName: 'node-1', containers },
    status: {
      podIP: '10.244.0.7',
      containerStatuses: [{ name: 'app', restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }],
      ...over,
    },
  }
}

function statusOf(fn: () => unknown): StatusError {
  try {
    fn()
  } catch (e) {
    if (e instanceof StatusError) return e
    throw e
  }
  assert.fail('expected a StatusError')
}

describe('ContainerLog', () => {
  const p = pod()
  const log = new ContainerLog(p, p.spec!.containers![0], logInstance(p, 'app', false), 1000)

  it('prints startup lines, then one line per interval', () => {
    assert.equal(log.countAt(T0 - 1), 0)
    assert.equal(log.countAt(T0 + 100), 4) // the generic image prints 4 startup lines
    assert.equal(log.countAt(T0 + 999), 4)
    assert.equal(log.countAt(T0 + 1000), 5)
    assert.equal(log.countAt(T0 + 10_500), 14)
    assert.match(log.line(0).text, /^Starting app \(example\/app:1.0\) in pod shop\/web-0$/)
    assert.equal(log.line(4).text, 'level=info msg="heartbeat" pod=web-0 container=app seq=1 uptime=1s')
    assert.equal(log.timeOf(4), T0 + 1000)
  })

  it('is deterministic and agrees with itself on times', () => {
    const again = new ContainerLog(p, p.spec!.containers![0], logInstance(p, 'app', false), 1000)
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(again.line(i), log.line(i))
      assert.ok(log.countAt(log.timeOf(i)) > i, `line ${i} is counted at its own time`)
      if (i > 0) assert.ok(log.timeOf(i) >= log.timeOf(i - 1))
    }
    assert.equal(log.firstAtOrAfter(T0 + 3000, 20), 6)
  })

  it('formats kubelet timestamps with nine fractional digits', () => {
    assert.match(formatLogTimestamp(log.line(5)), /^2026-01-01T00:00:02\.000\d{6}Z$/)
  })

  it('ends a finished run with a last line at its finish time', () => {
    const q = pod({
      containerStatuses: [
        {
          name: 'app',
          restartCount: 1,
          state: { running: { startedAt: '2026-01-01T00:01:00Z' } },
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: '2026-01-01T00:00:00Z',
              finishedAt: '2026-01-01T00:00:03Z',
            },
          },
        },
      ],
    })
    const prev = new ContainerLog(q, q.spec!.containers![0], logInstance(q, 'app', true), 1000)
    assert.equal(prev.total, 4 + 2 + 1) // startup, heartbeats at +1s and +2s, then the last line
    assert.equal(prev.line(6).text, 'Fatal: app in pod web-0 exited with code 1 (Error)')
    assert.equal(prev.timeOf(6), T0 + 3000)
    assert.equal(prev.countAt(T0 + 60_000), 7)
  })

  it('prints nginx-style lines for nginx images', () => {
    const q = pod({}, [{ name: 'app', image: 'nginx:1.27.3' }])
    const l = new ContainerLog(q, q.spec!.containers![0], logInstance(q, 'app', false), 1000)
    assert.match(l.line(0).text, /docker-entrypoint\.sh/)
    assert.match(l.line(8).text, /nginx\/1\.27\.3$/)
    const access = l.line(l.countAt(T0 + 1000) - 1).text
    assert.match(access, /^10\.244\.0\.1 - - \[01\/Jan\/2026:00:00:01 \+0000\] "GET \/ HTTP\/1\.1" 200 615/)
  })
})

describe('reading logs', () => {
  const p = pod()
  const log = new ContainerLog(p, p.spec!.containers![0], logInstance(p, 'app', false), 1000)
  const now = T0 + 10_000
  const read = (query: string) => readLog(log, parseLogRequest(new URLSearchParams(query), 'web-0', now), now)

  it('tailLines, sinceSeconds, sinceTime, limitBytes, timestamps', () => {
    assert.equal(read('').split('\n').length - 1, 14)
    assert.deepEqual(
      read('tailLines=2').trimEnd().split('\n'),
      [9, 10].map((k) => `level=info msg="heartbeat" pod=web-0 container=app seq=${k} uptime=${k}s`),
    )
    assert.equal(read('tailLines=0'), '')
    assert.equal(read('sinceSeconds=3').split('\n').length - 1, 4) // +7s … +10s
    assert.equal(read('sinceTime=2026-01-01T00:00:08Z').split('\n').length - 1, 3)
    assert.equal(read('limitBytes=10'), 'Starting a')
    assert.match(read('timestamps=true&tailLines=1'), /^2026-01-01T00:00:10\.000\d{6}Z level=info .* seq=10 /)
    // tail first, then since (the kubelet's order)
    assert.equal(read('tailLines=5&sinceSeconds=2').split('\n').length - 1, 3)
  })

  it('validates options as ValidatePodLogOptions does', () => {
    const bad = (q: string) => statusOf(() => parseLogRequest(new URLSearchParams(q), 'web-0', now))
    assert.equal(bad('tailLines=-1').code, 422)
    assert.match(bad('tailLines=-1').message, /tailLines: Invalid value: -1: must be greater than or equal to 0/)
    assert.match(bad('limitBytes=0').message, /limitBytes: Invalid value: 0: must be greater than 0/)
    assert.match(
      bad('sinceSeconds=1&sinceTime=2026-01-01T00:00:00Z').message,
      /at most one of `sinceTime` or `sinceSeconds`/,
    )
    assert.equal(bad('follow=maybe').code, 400)
    assert.equal(bad('tailLines=x').code, 400)
  })

  it('selects nothing before the container started', () => {
    assert.deepEqual(selectLines(log, { container: null, follow: false, previous: false, timestamps: false }, T0 - 5), {
      from: 0,
      to: 0,
    })
  })
})

describe('which container and run', () => {
  it('resolves containers with the API server messages', () => {
    const two = pod({}, [
      { name: 'a', image: 'x' },
      { name: 'b', image: 'y' },
    ])
    assert.equal(
      statusOf(() => resolveContainer(two, null)).message,
      'a container name must be specified for pod web-0, choose one of: [a b]',
    )
    two.spec!.initContainers = [{ name: 'init', image: 'z' }]
    assert.equal(
      statusOf(() => resolveContainer(two, null)).message,
      'a container name must be specified for pod web-0, choose one of: [a b] or one of the init containers: [init]',
    )
    assert.equal(resolveContainer(two, 'init').name, 'init')
    assert.equal(statusOf(() => resolveContainer(two, 'c')).message, 'container c is not valid for pod web-0')
    two.metadata.annotations = { 'kubectl.kubernetes.io/default-container': 'b' }
    assert.equal(resolveContainer(two, null).name, 'b')
  })

  it('answers as the kubelet for containers without output', () => {
    const waiting = pod({ containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } } }] })
    const e = statusOf(() => logInstance(waiting, 'app', false))
    assert.equal(e.code, 400)
    assert.equal(e.message, 'container "app" in pod "web-0" is waiting to start: ContainerCreating')
    const unreported = pod({ containerStatuses: [] })
    assert.match(statusOf(() => logInstance(unreported, 'app', false)).message, /waiting to start: ContainerCreating/)
    const pull = pod({ containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ImagePullBackOff' } } }] })
    assert.match(
      statusOf(() => logInstance(pull, 'app', false)).message,
      /waiting to start: trying and failing to pull image$/,
    )
    assert.equal(
      statusOf(() => logInstance(pod(), 'app', true)).message,
      'previous terminated container "app" in pod "web-0" not found',
    )
  })

  it('reads the last run of a container waiting to restart', () => {
    const crashing = pod({
      containerStatuses: [
        {
          name: 'app',
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: {
            terminated: { exitCode: 2, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:05Z' },
          },
        },
      ],
    })
    const i = logInstance(crashing, 'app', false)
    assert.deepEqual([i.run, i.startedAt, i.finishedAt, i.exitCode], [2, T0, T0 + 5000, 2])
  })
})
