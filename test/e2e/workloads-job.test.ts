// Jobs and CronJobs end to end. Time-driven behaviour (failure backoff, active deadlines, TTLs,
// schedules) runs on a FakeClock the tests advance; pods are run by the node agent, which
// finishes Job pods as their "outcome" label says (default: succeed).

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { resources } from '../../src/client/client.ts'
import type { KubeObject } from '../../src/machinery/object.ts'
import { FakeClock } from '../../src/util/clock.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { type Cluster, KNOBS, list, startCluster, until } from './workloads-helpers.ts'

let c: Cluster
// Start the fake clock at (about) real time: object timestamps come from the server's clock.
const clock = new FakeClock(Math.floor(Date.now() / 60_000) * 60_000 + 30_000)
before(async () => {
  c = await startCluster({ clock })
  await c.client.create(resources.namespaces, '', { metadata: { name: 'batch' } })
})
after(async () => {
  await c?.stop()
})

const job = (
  name: string,
  spec: Record<string, unknown> = {},
  annotations: Record<string, string> = {},
): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: {
    template: {
      metadata: { annotations },
      spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox' }] },
    },
    ...spec,
  },
})

type Cond = { type: string; status: string; reason?: string; message?: string }
const conditions = (j: KubeObject) => ((j.status as { conditions?: Cond[] })?.conditions ?? []) as Cond[]
const cond = (j: KubeObject, type: string) => conditions(j).find((x) => x.type === type && x.status === 'True')

async function finished(name: string, type: 'Complete' | 'Failed'): Promise<KubeObject> {
  return until(async () => {
    const j = await c.client.get(resources.jobs, 'batch', name)
    return cond(j, type) ? j : undefined
  }, `job ${name} ${type}`)
}

describe('Job', () => {
  it('runs completions with at most parallelism pods and completes in two steps', async () => {
    let maxActive = 0
    const live = new Map<string, KubeObject>()
    const w = await c.client.watch(resources.pods, 'batch', { labelSelector: 'job-name=three' }, (ev) => {
      if (ev.type === 'DELETED') live.delete(ev.object.metadata.name ?? '')
      else live.set(ev.object.metadata.name ?? '', ev.object)
      const active = [...live.values()].filter(
        (p) => !['Succeeded', 'Failed'].includes((p.status as { phase?: string })?.phase ?? ''),
      )
      maxActive = Math.max(maxActive, active.length)
    })
    await c.client.create(resources.jobs, 'batch', job('three', { completions: 3, parallelism: 2 }))
    const j = await finished('three', 'Complete')
    w.stop()
    assert.ok(maxActive <= 2, `parallelism 2, saw ${maxActive} active pods`)
    const st = j.status as Record<string, unknown>
    assert.equal(st.succeeded, 3)
    assert.equal(st.active, undefined)
    assert.equal(st.ready, 0)
    assert.equal(st.terminating, 0)
    assert.deepEqual(st.uncountedTerminatedPods, {})
    assert.ok(st.startTime && st.completionTime)
    assert.deepEqual(
      conditions(j).map((x) => [x.type, x.status, x.reason, x.message]),
      [
        ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
        ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ],
    )
    const pods = await list(c.client, resources.pods, 'batch', 'job-name=three')
    assert.equal(pods.length, 3)
    for (const p of pods) {
      const l = p.metadata.labels ?? {}
      assert.equal(l['batch.kubernetes.io/job-name'], 'three')
      assert.equal(l['batch.kubernetes.io/controller-uid'], j.metadata.uid)
      assert.equal(l['controller-uid'], j.metadata.uid)
      assert.deepEqual(p.metadata.finalizers ?? [], [], 'tracking finalizer removed once counted')
      assert.match(p.metadata.name ?? '', /^three-[a-z0-9]{5}$/)
    }
  })

  it('fails with BackoffLimitExceeded after backoffLimit + 1 failures, backing off between them', async () => {
    await c.client.create(resources.jobs, 'batch', job('flaky', { backoffLimit: 1 }, KNOBS.fail))
    await until(async () => {
      const j = await c.client.get(resources.jobs, 'batch', 'flaky')
      return (j.status as { failed?: number })?.failed === 1
    }, 'first failure counted')
    await new Promise((r) => setTimeout(r, 100))
    assert.equal((await list(c.client, resources.pods, 'batch', 'job-name=flaky')).length, 1, 'backing off')
    await clock.advance(10_000)
    const j = await finished('flaky', 'Failed')
    assert.equal((j.status as { failed: number }).failed, 2)
    assert.deepEqual(
      conditions(j).map((x) => [x.type, x.reason, x.message]),
      [
        ['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
        ['Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ],
    )
  })

  it('Indexed completion: one pod per index with the index annotation, label, hostname and env', async () => {
    await c.client.create(
      resources.jobs,
      'batch',
      job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }),
    )
    const j = await finished('idx', 'Complete')
    assert.equal((j.status as { completedIndexes: string }).completedIndexes, '0-2')
    const pods = await list(c.client, resources.pods, 'batch', 'job-name=idx')
    const byIndex = new Map(pods.map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]))
    for (const ix of ['0', '1', '2']) {
      const p = byIndex.get(ix)!
      assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-completion-index'], ix)
      assert.match(p.metadata.name ?? '', new RegExp(`^idx-${ix}-[a-z0-9]{5}$`))
      const spec = p.spec as { hostname: string; containers: { env: { name: string }[] }[] }
      assert.equal(spec.hostname, `idx-${ix}`)
      assert.deepEqual(
        spec.containers[0].env.map((e) => e.name),
        ['JOB_COMPLETION_INDEX'],
      )
    }
  })

  it('suspend keeps pods away; resuming runs the Job', async () => {
    await c.client.create(resources.jobs, 'batch', job('later', { suspend: true }))
    await until(async () => cond(await c.client.get(resources.jobs, 'batch', 'later'), 'Suspended'), 'Suspended')
    assert.equal((await list(c.client, resources.pods, 'batch', 'job-name=later')).length, 0)
    await c.client.patch(resources.jobs, 'batch', 'later', 'merge', { spec: { suspend: false } })
    const j = await finished('later', 'Complete')
    const s = conditions(j).find((x) => x.type === 'Suspended')!
    assert.deepEqual([s.status, s.reason], ['False', 'JobResumed'])
  })

  it('activeDeadlineSeconds fails a Job that runs too long (DeadlineExceeded)', async () => {
    await c.client.create(resources.jobs, 'batch', job('slow', { activeDeadlineSeconds: 30 }, KNOBS.runForever))
    await until(
      async () =>
        (await c.client.get(resources.jobs, 'batch', 'slow')).status?.toString() &&
        (await list(c.client, resources.pods, 'batch', 'job-name=slow')).length === 1,
      'pod started',
    )
    await clock.advance(31_000)
    const j = await finished('slow', 'Failed')
    assert.equal(cond(j, 'Failed')?.reason, 'DeadlineExceeded')
  })

  it('ttlSecondsAfterFinished deletes the finished Job', async () => {
    await c.client.create(resources.jobs, 'batch', job('short', { ttlSecondsAfterFinished: 60 }))
    await finished('short', 'Complete')
    await clock.advance(61_000)
    await until(async () => {
      try {
        await c.client.get(resources.jobs, 'batch', 'short')
        return false
      } catch {
        return true
      }
    }, 'job deleted')
  })
})

describe('CronJob', () => {
  // Each test gets its own cluster and a fake clock aligned with the server's real clock (which
  // stamps creationTimestamp), so schedules start from a known point.
  let cc: Cluster
  let cclock: FakeClock
  const fresh = async () => {
    await cc?.stop()
    cclock = new FakeClock(Math.floor(Date.now() / 60_000) * 60_000 + 30_000)
    cc = await startCluster({ clock: cclock })
    await cc.client.create(resources.namespaces, '', { metadata: { name: 'batch' } })
  }
  after(async () => {
    await cc?.stop()
  })
  const cronJob = (
    name: string,
    spec: Record<string, unknown>,
    annotations: Record<string, string> = {},
    jobSpec: Record<string, unknown> = {},
  ): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: { schedule: '*/1 * * * *', jobTemplate: { spec: job('x', jobSpec, annotations).spec }, ...spec },
  })
  const owned = async (name: string) =>
    (await list(cc.client, resources.jobs, 'batch')).filter((j) => j.metadata.ownerReferences?.[0]?.name === name)
  const activeCount = async (name: string) =>
    (((await cc.client.get(resources.cronjobs, 'batch', name)).status as { active?: unknown[] })?.active ?? []).length
  const minuteNow = () => Math.floor(cclock.now() / 60_000)

  it('creates one Job per minute on */1, named by the scheduled minute, with the scheduled-timestamp annotation', async () => {
    await fresh()
    await cc.client.create(resources.cronjobs, 'batch', cronJob('tick', { successfulJobsHistoryLimit: 10 }))
    await new Promise((r) => setTimeout(r, 100))
    assert.equal((await owned('tick')).length, 0)
    for (let i = 1; i <= 3; i++) {
      await cclock.advance(60_000)
      await until(async () => (await owned('tick')).length === i, `${i} jobs`)
    }
    const jobs = await owned('tick')
    const minutes = jobs.map((j) => Number((j.metadata.name ?? '').split('-')[1])).sort()
    assert.deepEqual(minutes, [minuteNow() - 2, minuteNow() - 1, minuteNow()])
    for (const j of jobs) {
      const m = Number((j.metadata.name ?? '').split('-')[1])
      assert.equal(
        j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'],
        new Date(m * 60_000).toISOString().replace('.000Z', 'Z'),
      )
      assert.equal(j.metadata.ownerReferences?.[0]?.controller, true)
    }
    const cj = await until(async () => {
      const cj = await cc.client.get(resources.cronjobs, 'batch', 'tick')
      const st = cj.status as { lastSuccessfulTime?: string; active?: unknown[] }
      return st?.lastSuccessfulTime && !st.active ? cj : undefined
    }, 'lastSuccessfulTime and no active job')
    assert.equal(
      (cj.status as { lastScheduleTime: string }).lastScheduleTime,
      new Date(minuteNow() * 60_000).toISOString().replace('.000Z', 'Z'),
    )
  })

  it('Forbid skips a run while the previous Job is active', async () => {
    await fresh()
    await cc.client.create(
      resources.cronjobs,
      'batch',
      cronJob('solo', { concurrencyPolicy: 'Forbid' }, KNOBS.runForever),
    )
    await cclock.advance(60_000)
    await until(async () => (await owned('solo')).length === 1 && (await activeCount('solo')) === 1, 'first job active')
    await cclock.advance(60_000)
    await new Promise((r) => setTimeout(r, 200))
    assert.equal((await owned('solo')).length, 1, 'no second job while the first runs')
    // Allow lets them overlap: the skipped run starts late (no startingDeadlineSeconds), then the next.
    await cc.client.patch(resources.cronjobs, 'batch', 'solo', 'merge', { spec: { concurrencyPolicy: 'Allow' } })
    await until(async () => (await owned('solo')).length === 2 && (await activeCount('solo')) === 2, 'late run')
    await cclock.advance(60_000)
    await until(async () => (await owned('solo')).length === 3 && (await activeCount('solo')) === 3, 'three running')
  })

  it('startingDeadlineSeconds: a run missed by more than the deadline is skipped', async () => {
    await fresh()
    await cc.client.create(
      resources.cronjobs,
      'batch',
      cronJob('late', { concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 10 }, KNOBS.runForever),
    )
    await cclock.advance(60_000)
    await until(async () => (await owned('late')).length === 1 && (await activeCount('late')) === 1, 'first job active')
    await cclock.advance(60_000)
    await new Promise((r) => setTimeout(r, 100))
    // 30 s after the skipped run, past its 10 s deadline: allowing concurrency does not start it.
    await cc.client.patch(resources.cronjobs, 'batch', 'late', 'merge', { spec: { concurrencyPolicy: 'Allow' } })
    await new Promise((r) => setTimeout(r, 200))
    assert.equal((await owned('late')).length, 1)
    const events = await list(cc.client, resources.events, 'batch')
    assert.ok(events.some((e) => e.reason === 'MissSchedule' || e.reason === 'JobAlreadyActive'))
  })

  it('Replace deletes the running Job for the new one', async () => {
    await fresh()
    await cc.client.create(
      resources.cronjobs,
      'batch',
      cronJob('swap', { concurrencyPolicy: 'Replace' }, KNOBS.runForever),
    )
    await cclock.advance(60_000)
    await until(async () => (await owned('swap')).length === 1 && (await activeCount('swap')) === 1, 'first job active')
    const [first] = await owned('swap')
    await cclock.advance(60_000)
    await until(async () => {
      const o = (await owned('swap')).filter((j) => !j.metadata.deletionTimestamp)
      return o.length === 1 && o[0].metadata.name !== first.metadata.name
    }, 'replaced')
  })

  it('keeps successfulJobsHistoryLimit and failedJobsHistoryLimit finished Jobs', async () => {
    await fresh()
    await cc.client.create(resources.cronjobs, 'batch', cronJob('hist', { successfulJobsHistoryLimit: 2 }))
    await cc.client.create(
      resources.cronjobs,
      'batch',
      cronJob('fails', { failedJobsHistoryLimit: 1 }, KNOBS.fail, { backoffLimit: 0 }),
    )
    for (let i = 1; i <= 4; i++) {
      await cclock.advance(60_000)
      const m = String(minuteNow())
      await until(
        async () =>
          (await owned('hist')).some((j) => j.metadata.name?.endsWith(m) && cond(j, 'Complete')) &&
          (await owned('fails')).some((j) => j.metadata.name?.endsWith(m) && cond(j, 'Failed')),
        `run ${i}`,
      )
    }
    const kept = async (n: string) =>
      (await owned(n)).filter((j) => !j.metadata.deletionTimestamp).map((j) => j.metadata.name)
    await until(async () => (await kept('hist')).length === 2 && (await kept('fails')).length === 1, 'history trimmed')
    assert.deepEqual((await kept('hist')).sort(), [`hist-${minuteNow() - 1}`, `hist-${minuteNow()}`])
    assert.deepEqual(await kept('fails'), [`fails-${minuteNow()}`])
  })

  it('schedules in spec.timeZone and honours suspend', async () => {
    await fresh()
    await cc.client.create(resources.cronjobs, 'batch', cronJob('tz', { timeZone: 'Asia/Kolkata', suspend: true }))
    await cclock.advance(60_000)
    await new Promise((r) => setTimeout(r, 100))
    assert.equal((await owned('tz')).length, 0, 'suspended')
    await cc.client.patch(resources.cronjobs, 'batch', 'tz', 'merge', { spec: { suspend: false } })
    const [j] = await until(async () => {
      const o = await owned('tz')
      return o.length === 1 ? o : undefined
    }, 'tz job')
    const stamp = j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'] ?? ''
    assert.match(stamp, /\+05:30$/)
    assert.equal(Date.parse(stamp), minuteNow() * 60_000)
  })
})

for (const bin of kubectlBinaries()) {
  describe(`kubectl ${bin.version}: Jobs`, () => {
    it('kubectl create job, then kubectl wait --for=condition=Complete returns', async () => {
      const k = new Kubectl(bin, c.server.kubeconfig)
      const name = `k${bin.version.replace('.', '')}`
      await k.ok(['create', 'job', name, '--image=busybox', '-n', 'batch'])
      const out = await k.ok(['wait', '--for=condition=Complete', `job/${name}`, '-n', 'batch', '--timeout=60s'])
      assert.match(out, new RegExp(`job.batch/${name} condition met`))
      const table = await k.ok(['get', 'job', name, '-n', 'batch'])
      assert.match(table, /Complete\s+1\/1/)
    })
  })
}
