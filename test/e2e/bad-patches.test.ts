// Issue 3, bad input: malformed patches of every type get 400 or 422 with a message that says
// what is wrong, and a patch whose result would be an invalid object is refused with 422 while
// the stored object (and its resourceVersion) stays as it was. Plain HTTP against a real server.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'

const NS = 'default'
const DEPLOY = `/apis/apps/v1/namespaces/${NS}/deployments/web`
const CM = `/api/v1/namespaces/${NS}/configmaps/cfg`
const JSON_PATCH = 'application/json-patch+json'
const MERGE = 'application/merge-patch+json'
const STRATEGIC = 'application/strategic-merge-patch+json'
const APPLY = 'application/apply-patch+yaml'

interface Status {
  kind: string
  status: string
  reason: string
  code: number
  message: string
  details?: { causes?: { reason: string; message: string; field?: string }[] }
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }] }] },
    },
  },
}

describe('malformed and invalid patches', () => {
  let s: TestServer
  let stored: { deploy: string; cm: string }

  const patch = async (
    path: string,
    type: string,
    body: string,
    query = '',
  ): Promise<{ status: number; body: Status }> => {
    const r = await s.request(`${path}${query}`, { method: 'PATCH', headers: { 'content-type': type }, body })
    return { status: r.status, body: (await r.json()) as Status }
  }
  const rv = async (path: string): Promise<string> => {
    const r = await s.request(path)
    return JSON.stringify(await r.json())
  }

  /** Sends a patch, expects `code` with a message matching `message`, and the objects unchanged. */
  async function refused(path: string, type: string, body: string, code: number, message: RegExp, query = '') {
    const r = await patch(path, type, body, query)
    assert.equal(r.status, code, `${type} ${body}: ${JSON.stringify(r.body)}`)
    assert.equal(r.body.kind, 'Status')
    assert.equal(r.body.status, 'Failure')
    assert.equal(r.body.code, code)
    assert.match(r.body.message, message)
    assert.equal(await rv(DEPLOY), stored.deploy, 'the deployment is unchanged')
    assert.equal(await rv(CM), stored.cm, 'the configmap is unchanged')
    return r.body
  }

  before(async () => {
    s = await startTestServer()
    const post = async (path: string, obj: unknown) => {
      const r = await s.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(obj),
      })
      assert.equal(r.status, 201)
    }
    await post(`/apis/apps/v1/namespaces/${NS}/deployments`, deployment)
    await post(`/api/v1/namespaces/${NS}/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg' },
      data: { a: '1' },
    })
    stored = { deploy: await rv(DEPLOY), cm: await rv(CM) }
  })
  after(async () => {
    await s?.dispose()
  })

  it('JSON patch: not a list, unknown op, bad paths, a failing test', async () => {
    await refused(
      DEPLOY,
      JSON_PATCH,
      '{"op":"add","path":"/spec/replicas","value":3}',
      400,
      /cannot unmarshal object into Go value of type jsonpatch\.Patch/,
    )
    await refused(
      DEPLOY,
      JSON_PATCH,
      '[{"op":"frob","path":"/spec/replicas","value":1}]',
      422,
      /the server rejected our request/,
    )
    const unknownOp = await patch(DEPLOY, JSON_PATCH, '[{"op":"frob","path":"/spec/replicas","value":1}]')
    assert.equal(unknownOp.body.details?.causes?.[0].message, 'Unexpected kind: frob')
    const missing = await refused(
      DEPLOY,
      JSON_PATCH,
      '[{"op":"replace","path":"/spec/nope/x","value":1}]',
      422,
      /rejected/,
    )
    assert.match(missing.details?.causes?.[0].message ?? '', /replace operation does not apply: doc is missing/)
    const noSlash = await refused(DEPLOY, JSON_PATCH, '[{"op":"replace","path":"spec","value":1}]', 422, /rejected/)
    assert.match(noSlash.details?.causes?.[0].message ?? '', /does not apply/)
    const oob = await refused(
      DEPLOY,
      JSON_PATCH,
      '[{"op":"remove","path":"/spec/template/spec/containers/9"}]',
      422,
      /rejected/,
    )
    assert.match(oob.details?.causes?.[0].message ?? '', /remove operation does not apply/)
    const test = await refused(DEPLOY, JSON_PATCH, '[{"op":"test","path":"/spec/replicas","value":7}]', 422, /rejected/)
    assert.equal(test.details?.causes?.[0].message, 'testing value /spec/replicas failed: test failed')
    await refused(DEPLOY, JSON_PATCH, 'not json', 400, /could not be decoded as JSON|invalid character/)
    const typed = await refused(
      CM,
      JSON_PATCH,
      '[{"op":"add","path":"/data","value":{"b":2}}]',
      422,
      /is invalid: patch/,
    )
    assert.match(typed.message, /json: cannot unmarshal number into Go struct field ConfigMap\.data of type string$/)
  })

  it('merge patch: not an object, not JSON', async () => {
    await refused(DEPLOY, MERGE, '[1,2]', 400, /Invalid JSON Patch/)
    await refused(DEPLOY, MERGE, '"replicas"', 400, /Invalid JSON Patch/)
    await refused(DEPLOY, MERGE, '{"spec":', 400, /could not be decoded as JSON/)
    // A value of the wrong type fails decoding the patched object: 422 on the "patch".
    const wrong = await refused(DEPLOY, MERGE, '{"spec":{"replicas":"two"}}', 422, /is invalid: patch: Invalid value/)
    assert.match(
      wrong.message,
      /json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32$/,
    )
    assert.equal(wrong.details?.causes?.[0].field, 'patch')
  })

  it('strategic merge patch: bad directives, missing merge keys, $retainKeys misuse', async () => {
    await refused(
      DEPLOY,
      STRATEGIC,
      '{"spec":{"$patch":"frob"}}',
      400,
      /^unknown patch type: frob in map: map\[\$patch:frob\]$/,
    )
    await refused(
      DEPLOY,
      STRATEGIC,
      '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}',
      400,
      /^map: map\[image:x\] does not contain declared merge key: name$/,
    )
    await refused(
      DEPLOY,
      STRATEGIC,
      '{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{"maxSurge":1}}}}',
      400,
      /^invalid patch format of retainKeys$/,
    )
    await refused(
      DEPLOY,
      STRATEGIC,
      '{"spec":{"strategy":{"$retainKeys":"type"}}}',
      400,
      /invalid patch format of retainKeys/,
    )
    await refused(DEPLOY, STRATEGIC, '[{"spec":{}}]', 400, /^invalid JSON document$/)
    await refused(
      DEPLOY,
      STRATEGIC,
      '{"spec":{"template":{"spec":{"$setElementOrder/containers":"web"}}}}',
      400,
      /^expected a \[\]interface \{\}, but received a string$/,
    )
  })

  it('apply patch: no fieldManager, wrong kind or version, invalid YAML, not an object, force elsewhere', async () => {
    const doc = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n'
    const noManager = await refused(
      DEPLOY,
      APPLY,
      doc,
      422,
      /fieldManager: Required value: is required for apply patch/,
    )
    assert.equal(noManager.details?.causes?.[0].field, 'fieldManager')
    await refused(
      DEPLOY,
      APPLY,
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\n',
      400,
      /the kind in the data \(StatefulSet\) does not match the expected kind \(Deployment\)/,
      '?fieldManager=t',
    )
    await refused(
      DEPLOY,
      APPLY,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n',
      400,
      /does not match the expected API version \(apps\/v1\)/,
      '?fieldManager=t',
    )
    await refused(
      DEPLOY,
      APPLY,
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web\n  x: [',
      400,
      /YAML/,
      '?fieldManager=t',
    )
    await refused(DEPLOY, APPLY, '- a\n- b\n', 400, /must be a JSON object|object/, '?fieldManager=t')
    await refused(
      DEPLOY,
      APPLY,
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: other\n',
      400,
      /does not match the name on the URL/,
      '?fieldManager=t',
    )
    const typed = await refused(
      DEPLOY,
      APPLY,
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicaz: 3\n',
      400,
      /failed to create typed patch object/,
      '?fieldManager=t',
    )
    assert.match(typed.message, /\.spec\.replicaz: field not declared in schema$/)
    await refused(DEPLOY, MERGE, '{}', 400, /force: Forbidden: may not be specified for non-apply patch/, '?force=true')
    await refused(DEPLOY, 'application/yaml', 'a: b', 415, /unknown format - accepted media types include/)
  })

  it('a patch producing an invalid object is refused with 422, nothing stored', async () => {
    const negative = await refused(
      DEPLOY,
      MERGE,
      '{"spec":{"replicas":-1}}',
      422,
      /^Deployment\.apps "web" is invalid: spec\.replicas: Invalid value: -1: must be greater than or equal to 0$/,
    )
    assert.deepEqual(negative.details?.causes, [
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: -1: must be greater than or equal to 0',
        field: 'spec.replicas',
      },
    ])
    await refused(
      DEPLOY,
      STRATEGIC,
      '{"spec":{"selector":{"matchLabels":{"app":"other"}}}}',
      422,
      /`selector` does not match template `labels`/,
    )
    const label = await refused(
      DEPLOY,
      JSON_PATCH,
      '[{"op":"add","path":"/metadata/labels/bad label","value":"x"}]',
      422,
      /^Deployment\.apps "web" is invalid: metadata\.labels: Invalid value: "bad label": name part must consist of alphanumeric characters/,
    )
    assert.equal(label.details?.causes?.length, 1, 'reported once')
    await refused(DEPLOY, MERGE, '{"metadata":{"labels":{"ok":"-bad-"}}}', 422, /a valid label must be an empty string/)
    await refused(
      DEPLOY,
      MERGE,
      '{"spec":{"template":{"spec":{"containers":null}}}}',
      422,
      /spec\.template\.spec\.containers: Required value/,
    )
    await refused(
      DEPLOY,
      APPLY,
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":-3}}',
      422,
      /spec\.replicas: Invalid value: -3/,
      '?fieldManager=t&force=true',
    )
    await refused(
      CM,
      MERGE,
      '{"metadata":{"name":"renamed"}}',
      400,
      /^the name of the object \(renamed\) does not match the name on the URL \(cfg\)$/,
    )
    await refused(
      CM,
      MERGE,
      '{"metadata":{"namespace":"kube-system"}}',
      400,
      /namespace of the provided object does not match/,
    )
    // After all that, a good patch still works and bumps the resourceVersion.
    const ok = await patch(DEPLOY, MERGE, '{"spec":{"replicas":3}}')
    assert.equal(ok.status, 200)
    assert.notEqual(await rv(DEPLOY), stored.deploy)
  })
})
