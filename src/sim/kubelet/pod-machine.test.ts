import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { arr, type Json, rec } from '../../apis/json.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { imageRef } from './images.ts'
import { podKnobs } from './knobs.ts'
import {
  advance,
  DEFAULT_TIMING,
  type MachineEnv,
  newMachine,
  nextAt,
  type PodMachine,
  renderStatus,
  startTermination,
} from './pod-machine.ts'

const T0 = Date.parse('2026-01-01T00:00:00Z')

function pod(annotations: Record<string, string> = {}, spec: Json = {}, owner?: string): KubeObject {
  return {
    metadata: {
      name: 'p',
      namespace: 'ns',
      uid: 'uid-1',
      annotations,
      ownerReferences: owner ? [{ apiVersion: 'batch/v1', kind: owner, name: 'j', uid: 'j1' }] : undefined,
    },
    spec: { restartPolicy: 'Always', containers: [{ name: 'app', image: 'nginx:1.27' }], ...spec },
  }
}

function harness(p: KubeObject) {
  const events: string[] = []
  const images = new Set<string>()
  let n = 0
  const env: MachineEnv = {
    emit: (type, reason, message) => events.push(`${type} ${reason}: ${message}`),
    hasImage: (i) => images.has(i),
    addImage: (i) => images.add(i),
    newContainerID: () => `containerd://${String(++n).padStart(64, '0')}`,
  }
  const m = newMachine(p, podKnobs(p), DEFAULT_TIMING, T0)
  const at = (ms: number) => {
    advance(m, env, T0 + ms)
    return renderStatus(m, p, { now: T0 + ms, hostIP: '172.18.0.2', podIP: '10.244.0.2' })
  }
  return { m, env, events, images, at }
}

const state = (s: Json, i = 0) => rec(rec(arr(s.containerStatuses)[i]).state)
const cs = (s: Json, i = 0) => rec(arr(s.containerStatuses)[i])
const condition = (s: Json, type: string) =>
  arr(s.conditions)
    .map(rec)
    .find((c) => c.type === type)

describe('pod machine', () => {
  it('goes ContainerCreating → Running with pull events, then Ready', () => {
    const h = harness(pod())
    let s = h.at(0)
    assert.equal(s.phase, 'Pending')
    assert.equal(rec(state(s).waiting).reason, 'ContainerCreating')
    assert.equal(condition(s, 'PodReadyToStartContainers')?.status, 'False')
    assert.equal(nextAt(h.m), T0 + 100)
    s = h.at(100)
    assert.deepEqual(h.events, ['Normal Pulling: Pulling image "nginx:1.27"'])
    assert.equal(cs(s).image, 'nginx:1.27')
    s = h.at(600)
    assert.equal(s.phase, 'Running')
    assert.equal(cs(s).image, 'docker.io/library/nginx:1.27')
    assert.equal(cs(s).imageID, imageRef('nginx:1.27').id)
    assert.equal(cs(s).ready, true)
    assert.equal(condition(s, 'Ready')?.status, 'True')
    assert.equal(condition(s, 'Ready')?.reason, null)
    assert.match(
      h.events[1],
      /^Normal Pulled: Successfully pulled image "nginx:1.27" in 500ms \(500ms including waiting\)\. Image size: \d+ bytes\.$/,
    )
    assert.deepEqual(h.events.slice(2), [
      'Normal Created: Created container app',
      'Normal Started: Started container app',
    ])
    assert.equal(nextAt(h.m), Number.POSITIVE_INFINITY)
  })

  it('uses an image already on the node without pulling', () => {
    const h = harness(pod())
    h.images.add('docker.io/library/nginx:1.27')
    const s = h.at(100)
    assert.equal(s.phase, 'Running')
    assert.equal(h.events[0], 'Normal Pulled: Container image "nginx:1.27" already present on machine')
  })

  it('restarts a crashing container with growing back-off', () => {
    const h = harness(pod({ 'sim.flotilla.dev/fail': 'CrashLoopBackOff', 'sim.flotilla.dev/backoff': '10s' }))
    h.images.add('docker.io/library/nginx:1.27')
    let s = h.at(100)
    assert.equal(s.phase, 'Running')
    // Runs 1 s, crashes, restarts at once (first crash), runs 1 s, crashes: back-off 10 s.
    s = h.at(2100)
    assert.equal(cs(s).restartCount, 1)
    assert.equal(rec(state(s).waiting).reason, 'CrashLoopBackOff')
    assert.match(
      String(rec(state(s).waiting).message),
      /^back-off 10s restarting failed container=app pod=p_ns\(uid-1\)$/,
    )
    assert.equal(rec(rec(cs(s).lastState).terminated).exitCode, 1)
    assert.equal(rec(rec(cs(s).lastState).terminated).reason, 'Error')
    assert.equal(s.phase, 'Running')
    assert.equal(condition(s, 'Ready')?.status, 'False')
    s = h.at(12_100)
    assert.equal(cs(s).restartCount, 2)
    assert.ok(state(s).running)
    s = h.at(13_100)
    assert.match(String(rec(state(s).waiting).message), /^back-off 20s /)
    s = h.at(33_100)
    assert.equal(cs(s).restartCount, 3)
    assert.ok(
      h.events.some((e) =>
        e.startsWith('Warning BackOff: Back-off restarting failed container app in pod p_ns(uid-1)'),
      ),
    )
  })

  it('completes Job pods and fails them with an exit code', () => {
    const ok = harness(pod({}, { restartPolicy: 'Never' }, 'Job'))
    ok.images.add('docker.io/library/nginx:1.27')
    let s = ok.at(100)
    assert.equal(s.phase, 'Running')
    s = ok.at(1100)
    assert.equal(s.phase, 'Succeeded')
    assert.equal(rec(state(s).terminated).reason, 'Completed')
    assert.equal(condition(s, 'Ready')?.reason, 'PodCompleted')
    assert.equal(ok.m.terminal, true)

    const bad = harness(pod({ 'sim.flotilla.dev/exit-code': '2' }, { restartPolicy: 'OnFailure' }, 'Job'))
    bad.images.add('docker.io/library/nginx:1.27')
    s = bad.at(1100)
    assert.equal(s.phase, 'Running', 'OnFailure restarts the failed container')
    assert.equal(cs(s).restartCount, 1)
    const never = harness(pod({ 'sim.flotilla.dev/exit-code': '2' }, { restartPolicy: 'Never' }, 'Job'))
    never.images.add('docker.io/library/nginx:1.27')
    s = never.at(1100)
    assert.equal(s.phase, 'Failed')
    assert.equal(rec(state(s).terminated).exitCode, 2)
    assert.equal(condition(s, 'Ready')?.reason, 'PodFailed')
  })

  it('runs init containers in order, sidecars alongside', () => {
    const h = harness(
      pod(
        {},
        {
          initContainers: [
            { name: 'one', image: 'busybox:1.36' },
            { name: 'proxy', image: 'busybox:1.36', restartPolicy: 'Always' },
            { name: 'two', image: 'busybox:1.36' },
          ],
        },
      ),
    )
    for (const i of ['docker.io/library/busybox:1.36', 'docker.io/library/nginx:1.27']) h.images.add(i)
    let s = h.at(100)
    assert.equal(condition(s, 'Initialized')?.status, 'False')
    assert.equal(condition(s, 'Initialized')?.message, 'containers with incomplete status: [one proxy two]')
    assert.equal(rec(state(s).waiting).reason, 'PodInitializing')
    s = h.at(400)
    const init = arr(s.initContainerStatuses).map(rec)
    assert.equal(rec(rec(init[0].state).terminated).reason, 'Completed')
    assert.ok(rec(init[1].state).running)
    assert.ok(rec(init[2].state).running)
    s = h.at(700)
    assert.equal(condition(s, 'Initialized')?.status, 'True')
    assert.equal(s.phase, 'Running')
    assert.equal(condition(s, 'Ready')?.status, 'True')
  })

  it('terminates gracefully, or is killed at the end of an honoured grace period', () => {
    const h = harness(pod())
    h.images.add('docker.io/library/nginx:1.27')
    h.at(100)
    assert.equal(startTermination(h.m, h.env, T0 + 1000, 30), true)
    assert.equal(h.events.at(-1), 'Normal Killing: Stopping container app')
    let s = h.at(1100)
    assert.equal(h.m.terminating?.stopped, false)
    s = h.at(1200)
    assert.equal(h.m.terminating?.stopped, true)
    assert.equal(s.phase, 'Succeeded')
    assert.equal(rec(state(s).terminated).exitCode, 0)

    const stubborn = harness(pod({ 'sim.flotilla.dev/honor-grace-period': 'true' }))
    stubborn.images.add('docker.io/library/nginx:1.27')
    stubborn.at(100)
    startTermination(stubborn.m, stubborn.env, T0 + 1000, 5)
    stubborn.at(5999)
    assert.equal(stubborn.m.terminating?.stopped, false)
    s = stubborn.at(6000)
    assert.equal(s.phase, 'Failed')
    assert.equal(rec(state(s).terminated).exitCode, 137)

    const pending = harness(pod())
    assert.equal(startTermination(pending.m as PodMachine, pending.env, T0, 30), false, 'nothing started: delete now')
  })

  it('normalises image names', () => {
    assert.equal(imageRef('nginx').name, 'docker.io/library/nginx:latest')
    assert.equal(imageRef('bitnami/redis:7').name, 'docker.io/bitnami/redis:7')
    assert.equal(imageRef('registry.k8s.io/pause:3.9').name, 'registry.k8s.io/pause:3.9')
    assert.equal(imageRef('localhost:5000/app').name, 'localhost:5000/app:latest')
    assert.equal(imageRef('ghcr.io/x/y@sha256:abc').id, 'ghcr.io/x/y@sha256:abc')
    assert.match(imageRef('nginx:1.27').id, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/)
  })

  it('reports invalid knobs', () => {
    assert.deepEqual(
      podKnobs(pod({ 'sim.flotilla.dev/ready-after': 'later', 'sim.flotilla.dev/fail': 'Explode' })).errors,
      [
        'sim.flotilla.dev/fail: unknown failure "Explode" (CrashLoopBackOff, ImagePullBackOff or OOMKilled)',
        'sim.flotilla.dev/ready-after: invalid duration "later"',
      ],
    )
  })
})
