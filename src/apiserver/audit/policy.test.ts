import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseRequestInfo } from '../request-info.ts'
import { isClusterProxy, proxyAnnotations, shouldAudit } from './policy.ts'

const info = (method: string, target: string) => {
  const u = new URL(target, 'http://x')
  return parseRequestInfo(method, u.pathname, u.searchParams)
}
const audited = (method: string, target: string) => shouldAudit(info(method, target))

describe('audit policy', () => {
  it('audits every verb that changes something, on resources and subresources', () => {
    assert.ok(audited('POST', '/api/v1/namespaces/default/configmaps'))
    assert.ok(audited('PUT', '/api/v1/namespaces/default/configmaps/a'))
    assert.ok(audited('PATCH', '/apis/apps/v1/namespaces/default/deployments/web'))
    assert.ok(audited('DELETE', '/api/v1/namespaces/default/pods/p'))
    assert.ok(audited('DELETE', '/api/v1/namespaces/default/pods'))
    assert.ok(audited('PUT', '/apis/apps/v1/namespaces/default/deployments/web/status'))
    assert.ok(audited('PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale'))
    assert.ok(audited('POST', '/api/v1/namespaces/default/pods/p/exec?command=sh'))
    // WebSocket sessions arrive as GET.
    assert.ok(audited('GET', '/api/v1/namespaces/default/pods/p/exec?command=sh'))
    assert.ok(audited('GET', '/api/v1/namespaces/default/pods/p/attach'))
    assert.ok(audited('POST', '/api/v1/namespaces/default/pods/p/portforward'))
    assert.ok(audited('POST', '/api/v1/namespaces/default/serviceaccounts/default/token'))
    assert.ok(audited('PUT', '/api/v1/namespaces/ns/finalize'))
    assert.ok(audited('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'))
  })

  it('does not audit reads or non-resource requests', () => {
    assert.equal(audited('GET', '/api/v1/namespaces/default/configmaps/a'), false)
    assert.equal(audited('GET', '/api/v1/namespaces/default/configmaps'), false)
    assert.equal(audited('GET', '/api/v1/pods?watch=true'), false)
    assert.equal(audited('GET', '/api/v1/namespaces/default/pods/p/log?follow=true'), false)
    assert.equal(audited('GET', '/apis/platform.flotilla.dev/v1alpha1/clusters/x'), false)
    assert.equal(audited('GET', '/apis'), false)
    assert.equal(audited('POST', '/apis'), false)
    assert.equal(audited('GET', '/healthz'), false)
  })

  it('audits every request to the member proxy, reads included', () => {
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      assert.ok(audited(m, '/apis/platform.flotilla.dev/v1alpha1/clusters/x/proxy/api/v1/pods'), m)
    }
    assert.ok(audited('GET', '/apis/platform.flotilla.dev/v1alpha1/clusters/x/proxy'))
    assert.ok(audited('GET', '/apis/platform.flotilla.dev/v1alpha1/clusters/x/proxy/api/v1/pods?watch=true'))
    // Other groups' "clusters" and other subresources are ordinary.
    assert.equal(isClusterProxy(info('GET', '/apis/cluster.karmada.io/v1alpha1/clusters/x/proxy/api')), false)
    assert.equal(isClusterProxy(info('GET', '/apis/platform.flotilla.dev/v1alpha1/clusters/x/proxyx')), false)
    assert.equal(isClusterProxy(info('GET', '/apis/platform.flotilla.dev/v1alpha1/clusters/x/status')), false)
  })

  it('describes the member-side request of a proxied one', () => {
    const p = (method: string, target: string) => {
      const u = new URL(target, 'http://x')
      return proxyAnnotations(info(method, target), method, u.searchParams)
    }
    const base = '/apis/platform.flotilla.dev/v1alpha1/clusters/east'
    assert.deepEqual(p('GET', `${base}/proxy/api/v1/namespaces/default/pods/web-1`), {
      'platform.flotilla.dev/cluster': 'east',
      'platform.flotilla.dev/member-verb': 'get',
      'platform.flotilla.dev/member-resource': 'pods',
      'platform.flotilla.dev/member-namespace': 'default',
      'platform.flotilla.dev/member-name': 'web-1',
    })
    assert.deepEqual(p('GET', `${base}/proxy/apis/apps/v1/deployments?watch=1`), {
      'platform.flotilla.dev/cluster': 'east',
      'platform.flotilla.dev/member-verb': 'watch',
      'platform.flotilla.dev/member-resource': 'deployments.apps',
    })
    assert.deepEqual(p('POST', `${base}/proxy/api/v1/namespaces/ns/pods/p/exec`), {
      'platform.flotilla.dev/cluster': 'east',
      'platform.flotilla.dev/member-verb': 'create',
      'platform.flotilla.dev/member-resource': 'pods/exec',
      'platform.flotilla.dev/member-namespace': 'ns',
      'platform.flotilla.dev/member-name': 'p',
    })
    assert.deepEqual(p('GET', `${base}/proxy/version`), {
      'platform.flotilla.dev/cluster': 'east',
      'platform.flotilla.dev/member-verb': 'get',
      'platform.flotilla.dev/member-path': '/version',
    })
    assert.equal(p('GET', '/api/v1/namespaces/default/pods'), undefined)
  })
})
