import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { forbidden } from '../../machinery/errors.ts'
import { parseRequestInfo } from '../request-info.ts'
import { type AuditRecord, buildEvent, microTime, redactRequestURI } from './events.ts'

const T0 = Date.parse('2025-06-07T08:09:10.123Z') + 0.456

function record(method: string, target: string, extra: Partial<AuditRecord> = {}): AuditRecord {
  const u = new URL(target, 'http://x')
  return {
    auditID: '0b7c3e2a-1111-2222-3333-444455556666',
    requestURI: target,
    info: parseRequestInfo(method, u.pathname, u.searchParams),
    receivedMs: T0,
    sourceIP: '127.0.0.1',
    userAgent: 'kubectl/v1.33.0',
    user: { username: 'alice', groups: ['dev', 'system:authenticated'] },
    ...extra,
  }
}

describe('audit events', () => {
  it('builds a Metadata-level audit.k8s.io/v1 Event with kube-apiserver field names', () => {
    const rec = record('POST', '/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create', {
      decision: {
        allowed: true,
        reason: 'RBAC: allowed by RoleBinding "dev/default" of ClusterRole "edit" to User "alice"',
      },
      createdName: 'settings',
    })
    const ev = buildEvent(rec, 201, T0 + 2.5)
    assert.deepEqual(ev, {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: '0b7c3e2a-1111-2222-3333-444455556666',
      stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create',
      verb: 'create',
      user: { username: 'alice', groups: ['dev', 'system:authenticated'] },
      sourceIPs: ['127.0.0.1'],
      userAgent: 'kubectl/v1.33.0',
      objectRef: { resource: 'configmaps', namespace: 'default', name: 'settings', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 201 },
      requestReceivedTimestamp: '2025-06-07T08:09:10.123456Z',
      stageTimestamp: '2025-06-07T08:09:10.125956Z',
      annotations: {
        'authorization.k8s.io/decision': 'allow',
        'authorization.k8s.io/reason':
          'RBAC: allowed by RoleBinding "dev/default" of ClusterRole "edit" to User "alice"',
      },
    })
    // Fields come out in kube-apiserver's order.
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(ev))), [
      'kind',
      'apiVersion',
      'level',
      'auditID',
      'stage',
      'requestURI',
      'verb',
      'user',
      'sourceIPs',
      'userAgent',
      'objectRef',
      'responseStatus',
      'requestReceivedTimestamp',
      'stageTimestamp',
      'annotations',
    ])
  })

  it('records a refusal with its Status and the forbid decision', () => {
    const err = forbidden(
      'configmaps "a" is forbidden: User "bob" cannot delete',
      { group: '', resource: 'configmaps' },
      'a',
    )
    const rec = record('DELETE', '/api/v1/namespaces/default/configmaps/a', {
      user: { username: 'admin', groups: ['system:masters'] },
      impersonatedUser: { username: 'bob', groups: ['system:authenticated'], extra: { scopes: ['x'] } },
      decision: { allowed: false, reason: '' },
      error: err.status,
    })
    const ev = buildEvent(rec, 403, T0)
    assert.deepEqual(ev.impersonatedUser, {
      username: 'bob',
      groups: ['system:authenticated'],
      extra: { scopes: ['x'] },
    })
    assert.deepEqual(ev.objectRef, { resource: 'configmaps', namespace: 'default', name: 'a', apiVersion: 'v1' })
    assert.equal(ev.responseStatus?.code, 403)
    assert.equal(ev.responseStatus?.status, 'Failure')
    assert.equal(ev.responseStatus?.reason, 'Forbidden')
    assert.equal(ev.responseStatus?.message, err.status.message)
    assert.equal(ev.annotations?.['authorization.k8s.io/decision'], 'forbid')
  })

  it('falls back to the reason of the code when no Status was captured', () => {
    const ev = buildEvent(record('POST', '/api/v1/namespaces/d/pods/p/exec', { user: undefined }), 401, T0)
    assert.deepEqual(ev.user, {})
    assert.deepEqual(ev.responseStatus, { metadata: {}, code: 401, status: 'Failure', reason: 'Unauthorized' })
    assert.deepEqual(ev.objectRef, {
      resource: 'pods',
      namespace: 'd',
      name: 'p',
      apiVersion: 'v1',
      subresource: 'exec',
    })
    assert.equal(ev.annotations, undefined)
  })

  it('names a proxied request by the cluster and its proxy subresource', () => {
    const ev = buildEvent(
      record('GET', '/apis/platform.flotilla.dev/v1alpha1/clusters/x/proxy/api/v1/pods', {
        annotations: { 'platform.flotilla.dev/cluster': 'x' },
      }),
      503,
      T0,
    )
    assert.equal(ev.verb, 'get')
    assert.deepEqual(ev.objectRef, {
      resource: 'clusters',
      name: 'x',
      apiGroup: 'platform.flotilla.dev',
      apiVersion: 'v1alpha1',
      subresource: 'proxy',
    })
    assert.equal(ev.annotations?.['platform.flotilla.dev/cluster'], 'x')
  })

  it('redacts credential-like query parameters and leaves others alone', () => {
    assert.equal(
      redactRequestURI('/api/v1/pods?labelSelector=a%3Db&limit=5'),
      '/api/v1/pods?labelSelector=a%3Db&limit=5',
    )
    assert.equal(
      redactRequestURI('/x?access_token=abc&limit=1&Password=p&client-secret=s&sig=zz&dryRun=All'),
      '/x?access_token=REDACTED&limit=1&Password=REDACTED&client-secret=REDACTED&sig=REDACTED&dryRun=All',
    )
    assert.equal(redactRequestURI('/x?%74oken=abc'), '/x?%74oken=REDACTED')
    assert.equal(redactRequestURI('/x'), '/x')
  })

  it('formats MicroTime with six fractional digits in UTC', () => {
    assert.equal(microTime(0), '1970-01-01T00:00:00.000000Z')
    assert.equal(microTime(Date.parse('2024-02-29T23:59:59.999Z') + 0.999), '2024-02-29T23:59:59.999999Z')
  })
})
