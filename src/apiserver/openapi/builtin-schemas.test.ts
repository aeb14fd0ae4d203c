// The declared schemas of the built-in kinds are complete and consistent, and so are the OpenAPI
// v2/v3 documents built from them: no dangling $ref, every property typed or referenced, every
// merge list keyed by a field its items have, every required field declared.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { builtinKinds } from '../../apis/index.ts'
import {
  builtinPatchKinds,
  definitionNameOf,
  patchSchemaFor,
  type Schema,
  useSiteOf,
} from '../../apis/schemas/index.ts'
import { definitionName } from './schemas.ts'
import { buildSwaggerV2, encodeSwaggerV2 } from './v2.ts'
import { buildOpenAPIV3, groupVersionPath } from './v3.ts'

type Json = Record<string, unknown>

const served = builtinKinds.filter((d) => !d.custom)

describe('declared schemas of the built-in kinds', () => {
  it('cover every built-in kind the server serves, under the Kubernetes definition name', () => {
    for (const def of served) {
      const s = patchSchemaFor(def.group, def.version, def.kind)
      assert.ok(s, `${def.group}/${def.version}/${def.kind}`)
      assert.equal(definitionNameOf(s), definitionName(def))
      assert.deepEqual(s['x-kubernetes-group-version-kind'], [
        { group: def.group, version: def.version, kind: def.kind },
      ])
      for (const f of ['apiVersion', 'kind', 'metadata']) assert.ok(s.properties?.[f], `${def.kind}.${f}`)
    }
  })

  it('type every field, key every merge list by a field of its items and declare every required field', () => {
    const seen = new Set<Schema>()
    const problems: string[] = []
    const walk = (s: Schema, path: string) => {
      if (seen.has(s)) return
      seen.add(s)
      const named = definitionNameOf(s) !== undefined || useSiteOf(s) !== undefined
      if (!s.type && !s.oneOf && !s.anyOf && !named) problems.push(`${path}: no type`)
      for (const r of s.required ?? []) if (!s.properties?.[r]) problems.push(`${path}: required ${r} not declared`)
      const mergeKey = s['x-kubernetes-patch-merge-key']
      if (mergeKey && !s.items?.properties?.[mergeKey]) problems.push(`${path}: merge key ${mergeKey} not in items`)
      if (s['x-kubernetes-patch-strategy'] && s.type === 'array' && !s.items)
        problems.push(`${path}: list without items`)
      for (const k of s['x-kubernetes-list-map-keys'] ?? [])
        if (!s.items?.properties?.[k]) problems.push(`${path}: list-map key ${k} not in items`)
      if (s['x-kubernetes-list-type'] === 'map' && !s['x-kubernetes-list-map-keys'])
        problems.push(`${path}: list type map without keys`)
      if (s.type === 'array' && !s.items) problems.push(`${path}: array without items`)
      if (s.type !== 'array' && s.items) problems.push(`${path}: items on a non-array`)
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        if (!v.description) problems.push(`${path}.${k}: no description`)
        walk(v, `${path}.${k}`)
      }
      if (s.items) walk(s.items, `${path}[]`)
      if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${path}{}`)
    }
    for (const { group, version, kind } of builtinPatchKinds()) walk(patchSchemaFor(group, version, kind)!, kind)
    assert.deepEqual(problems, [])
    assert.ok(seen.size > 400, `walked ${seen.size} schemas`)
  })
})

function refsOf(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) refsOf(x, out)
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x)
      else refsOf(x, out)
    }
  }
  return out
}

/** Every property, item and map value of every component is typed or a reference. */
function untyped(components: Record<string, Json>): string[] {
  const problems: string[] = []
  const typed = (s: Json) => s.type || s.$ref || (Array.isArray(s.allOf) && s.allOf.length === 1) || s.oneOf
  const visit = (s: Json, path: string) => {
    for (const [k, v] of Object.entries((s.properties as Record<string, Json>) ?? {})) {
      if (!typed(v)) problems.push(`${path}.${k}`)
      visit(v, `${path}.${k}`)
    }
    if (s.items) {
      if (!typed(s.items as Json)) problems.push(`${path}[]`)
      visit(s.items as Json, `${path}[]`)
    }
    if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      if (!typed(s.additionalProperties as Json)) problems.push(`${path}{}`)
      visit(s.additionalProperties as Json, `${path}{}`)
    }
  }
  for (const [name, s] of Object.entries(components)) visit(s, name)
  return problems
}

describe('OpenAPI documents of the built-in kinds', () => {
  const gvs = new Map(served.map((d) => [groupVersionPath(d.group, d.version), d]))

  it('v3: resolvable references, typed fields, Kubernetes names and strategic merge patch', () => {
    for (const def of gvs.values()) {
      const doc = buildOpenAPIV3(builtinKinds, def.group, def.version) as Json & {
        components: { schemas: Record<string, Json> }
        paths: Record<string, Json>
      }
      const schemas = doc.components.schemas
      for (const ref of new Set(refsOf(doc))) {
        assert.ok(ref.startsWith('#/components/schemas/'), ref)
        assert.ok(schemas[ref.slice('#/components/schemas/'.length)], `${def.group}/${def.version}: dangling ${ref}`)
      }
      assert.deepEqual(untyped(schemas), [], `${def.group}/${def.version}`)
      for (const [path, item] of Object.entries(doc.paths)) {
        const patch = item.patch as Json | undefined
        if (!patch) continue
        const content = Object.keys((patch.requestBody as { content: Json }).content)
        assert.ok(content.includes('application/strategic-merge-patch+json'), path)
      }
    }
    const core = buildOpenAPIV3(builtinKinds, '', 'v1') as { components: { schemas: Record<string, Json> } }
    const podSpec = core.components.schemas['io.k8s.api.core.v1.PodSpec']
    const containers = (podSpec.properties as Record<string, Json>).containers
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name')
    assert.deepEqual(containers.items, {
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }],
      default: {},
    })
    const meta = core.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']
    assert.deepEqual((meta.properties as Record<string, Json>).ownerReferences['x-kubernetes-list-map-keys'], ['uid'])
    const seccomp = core.components.schemas['io.k8s.api.core.v1.SeccompProfile']
    assert.deepEqual(seccomp['x-kubernetes-unions'], [
      { discriminator: 'type', 'fields-to-discriminateBy': { localhostProfile: 'LocalhostProfile' } },
    ])
    const port = core.components.schemas['io.k8s.api.core.v1.ContainerPort']
    assert.deepEqual((port.properties as Record<string, Json>).protocol.enum, ['SCTP', 'TCP', 'UDP'])
    assert.equal((port.properties as Record<string, Json>).protocol.default, 'TCP')
    const apps = buildOpenAPIV3(builtinKinds, 'apps', 'v1') as { components: { schemas: Record<string, Json> } }
    const strategy = (apps.components.schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties as Record<string, Json>)
      .strategy
    assert.deepEqual(strategy, {
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }],
      default: {},
      description: strategy.description,
      'x-kubernetes-patch-strategy': 'retainKeys',
    })
    const crd = buildOpenAPIV3(builtinKinds, 'apiextensions.k8s.io', 'v1') as {
      components: { schemas: Record<string, Json> }
    }
    const props = crd.components.schemas['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps']
    assert.deepEqual((props.properties as Record<string, Json>).properties.additionalProperties, {
      $ref: '#/components/schemas/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps',
    })
  })

  it('v2: resolvable references, patch extensions beside $ref, and a protobuf encoding', () => {
    const doc = buildSwaggerV2(builtinKinds) as Json & { definitions: Record<string, Json> }
    const defs = doc.definitions
    for (const ref of new Set(refsOf(doc))) {
      assert.ok(ref.startsWith('#/definitions/'), ref)
      assert.ok(defs[ref.slice('#/definitions/'.length)], `dangling ${ref}`)
    }
    assert.deepEqual(untyped(defs), [])
    for (const def of served) {
      const d = defs[definitionName(def)]
      assert.ok(d, definitionName(def))
      assert.deepEqual(d['x-kubernetes-group-version-kind'], [
        { group: def.group, version: def.version, kind: def.kind },
      ])
    }
    const strategy = (defs['io.k8s.api.apps.v1.DeploymentSpec'].properties as Record<string, Json>).strategy
    assert.equal(strategy.$ref, '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy')
    assert.equal(strategy['x-kubernetes-patch-strategy'], 'retainKeys')
    assert.deepEqual(defs['io.k8s.apimachinery.pkg.api.resource.Quantity'].type, 'string')
    assert.deepEqual(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], {
      description: defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].description,
      type: 'string',
      format: 'int-or-string',
    })
    const pb = encodeSwaggerV2(doc)
    assert.ok(pb.length > 100_000, `protobuf is ${pb.length} bytes`)
    // enum values and defaults travel as gnostic Any{yaml} (fields 20 and 5 of Schema).
    assert.ok(Buffer.from(pb).includes(Buffer.from('"SCTP"\n')))
  })
})
