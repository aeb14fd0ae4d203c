import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { patchSchemaFor } from '../../apis/schemas/index.ts'
import { StatusError } from '../errors.ts'
import type { KubeObject } from '../object.ts'
import { applyConfiguration, trackUpdate } from './managed-fields.ts'
import { formatPath, PathSet } from './path-set.ts'

const schema = patchSchemaFor('apps', 'v1', 'Deployment')
const ctx = (manager: string) => ({
  manager,
  apiVersion: 'apps/v1',
  subresource: '',
  statusSubresource: true,
  schema,
  now: '2026-01-01T00:00:00Z',
  force: false,
})

function deployment(containers: Record<string, unknown>[], replicas = 2): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'ns' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers } },
    },
  }
}

function owners(obj: KubeObject): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const e of (obj.metadata.managedFields ?? []) as { manager: string; operation: string; fieldsV1: unknown }[]) {
    out[`${e.manager}/${e.operation}`] = [...PathSet.fromFieldsV1(e.fieldsV1).members()].map(formatPath)
  }
  return out
}

describe('field path sets', () => {
  it('round-trips FieldsV1 with element membership', () => {
    const v1 = { 'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:image': {} } }, 'f:replicas': {} } }
    assert.deepEqual(PathSet.fromFieldsV1(v1).toFieldsV1(), v1)
  })

  it('formats paths as Kubernetes prints them', () => {
    assert.equal(
      formatPath(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']),
      '.spec.containers[name="web"].image',
    )
  })
})

describe('update tracking', () => {
  it('gives a creator every field and moves changed fields to the next writer', () => {
    const created = deployment([{ name: 'web', image: 'nginx:1' }])
    trackUpdate(undefined, created, { ...ctx('kubectl-create') })
    assert.ok(owners(created)['kubectl-create/Update'].includes('.spec.replicas'))
    assert.ok(!owners(created)['kubectl-create/Update'].some((p) => p.startsWith('.metadata.name')))
    const scaled = structuredClone(created)
    ;(scaled.spec as { replicas: number }).replicas = 5
    trackUpdate(created, scaled, ctx('kubectl-scale'))
    assert.deepEqual(owners(scaled)['kubectl-scale/Update'], ['.spec.replicas'])
    assert.ok(!owners(scaled)['kubectl-create/Update'].includes('.spec.replicas'))
  })

  it('honours a request that rewrites managedFields', () => {
    const created = deployment([{ name: 'web', image: 'nginx:1' }])
    trackUpdate(undefined, created, ctx('a'))
    const rewritten = structuredClone(created)
    rewritten.metadata.managedFields = []
    trackUpdate(created, rewritten, ctx('b'))
    assert.equal(rewritten.metadata.managedFields, undefined)
  })
})

describe('server-side apply', () => {
  it('creates, then conflicts over a value another manager changed, unless forced', () => {
    const v1 = deployment([{ name: 'web', image: 'nginx:1' }])
    const live = applyConfiguration(undefined, v1, ctx('kubectl'))
    const scaled = structuredClone(live)
    ;(scaled.spec as { replicas: number }).replicas = 5
    trackUpdate(live, scaled, ctx('kubectl-scale'))
    assert.throws(
      () => applyConfiguration(scaled, v1, ctx('kubectl')),
      (e: unknown) =>
        e instanceof StatusError &&
        e.code === 409 &&
        e.message === 'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas' &&
        e.status.details?.causes?.[0].reason === 'FieldManagerConflict',
    )
    const forced = applyConfiguration(scaled, v1, { ...ctx('kubectl'), force: true })
    assert.equal((forced.spec as { replicas: number }).replicas, 2)
    assert.equal(owners(forced)['kubectl-scale/Update'], undefined)
  })

  it('co-owns a field applied with the same value', () => {
    const a = deployment([{ name: 'web', image: 'nginx:1' }])
    const live = applyConfiguration(undefined, a, ctx('alice'))
    const shared = applyConfiguration(live, deployment([{ name: 'web', image: 'nginx:1' }]), ctx('bob'))
    assert.ok(owners(shared)['alice/Apply'].includes('.spec.replicas'))
    assert.ok(owners(shared)['bob/Apply'].includes('.spec.replicas'))
  })

  it('removes fields a manager stops applying unless another manager owns them', () => {
    const v1 = deployment([
      {
        name: 'web',
        image: 'nginx:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
      { name: 'side', image: 'busybox' },
    ])
    let live = applyConfiguration(undefined, v1, ctx('kubectl'))
    // Another manager adds a label; it must survive the re-apply.
    const labelled = structuredClone(live)
    labelled.metadata.labels = { team: 'a' }
    trackUpdate(live, labelled, ctx('kubectl-label'))
    live = labelled
    const v2 = deployment([{ name: 'web', image: 'nginx:2', env: [{ name: 'A', value: '1' }] }])
    const next = applyConfiguration(live, v2, ctx('kubectl'))
    const containers = (
      next.spec as { template: { spec: { containers: { name: string; image: string; env?: unknown[] }[] } } }
    ).template.spec.containers
    assert.deepEqual(
      containers.map((c) => c.name),
      ['web'],
    )
    assert.equal(containers[0].image, 'nginx:2')
    assert.deepEqual(containers[0].env, [{ name: 'A', value: '1' }])
    assert.deepEqual(next.metadata.labels, { team: 'a' })
  })

  it('matches list-map elements by key with defaulted key fields (ports without a protocol)', () => {
    // As a client-side apply leaves it: the port stored with its defaulted protocol.
    const live = deployment([{ name: 'web', image: 'nginx:1', ports: [{ containerPort: 80, protocol: 'TCP' }] }])
    trackUpdate(undefined, live, ctx('kubectl-client-side-apply'))
    const config = deployment([{ name: 'web', image: 'nginx:1', ports: [{ containerPort: 80 }] }])
    let next = applyConfiguration(live, config, ctx('kubectl'))
    next = applyConfiguration(next, config, ctx('kubectl'))
    const ports = (next.spec as { template: { spec: { containers: { ports: unknown[] }[] } } }).template.spec
      .containers[0].ports
    assert.deepEqual(ports, [{ containerPort: 80, protocol: 'TCP' }])
    assert.ok(
      owners(next)['kubectl/Apply'].includes(
        '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]',
      ),
    )
    // Dropping the port from the configuration releases it (the other manager owns it too, so it stays).
    const without = applyConfiguration(next, deployment([{ name: 'web', image: 'nginx:1' }]), ctx('kubectl'))
    const left = (without.spec as { template: { spec: { containers: { ports?: unknown[] }[] } } }).template.spec
      .containers[0].ports
    assert.deepEqual(left, [{ containerPort: 80, protocol: 'TCP' }])
  })

  it('names managers as apimachinery prints them: appliers bare, subresource writers with theirs', () => {
    const live = applyConfiguration(undefined, deployment([{ name: 'web', image: 'nginx:1' }]), ctx('alice'))
    assert.throws(
      () => applyConfiguration(live, deployment([{ name: 'web', image: 'nginx:2' }], 3), ctx('bob')),
      (e: unknown) =>
        e instanceof StatusError &&
        e.message ===
          'Apply failed with 2 conflicts: conflicts with "alice":\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image' &&
        e.status.details?.causes?.[0].message === 'conflict with "alice"',
    )
    const scaled = structuredClone(live)
    ;(scaled.spec as { replicas: number }).replicas = 5
    trackUpdate(live, scaled, { ...ctx('kubectl'), subresource: 'scale' })
    assert.equal((scaled.metadata.managedFields as { subresource?: string }[])[1].subresource, 'scale')
    assert.throws(
      () => applyConfiguration(scaled, deployment([{ name: 'web', image: 'nginx:1' }]), ctx('alice')),
      (e: unknown) =>
        e instanceof StatusError &&
        e.message ===
          'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    )
  })
})
