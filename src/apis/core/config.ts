// core/v1 ConfigMap, Secret and ServiceAccount. Columns: printers.go configMapColumnDefinitions,
// secretColumnDefinitions, serviceAccountColumnDefinitions.

import type { FieldError } from '../../machinery/errors.ts'
import { fieldInvalid } from '../../machinery/errors.ts'
import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { DOC } from '../docs.ts'
import { arr, rec, str } from '../json.ts'
import { ageColumn, column } from '../printing.ts'
import { validateDataKeys } from '../validation.ts'

const count = (v: unknown): number => Object.keys(rec(v)).length

/** ValidateConfigMap: valid keys, and no key in both data and binaryData. */
function validateConfigMap(cm: KubeObject): FieldError[] {
  const errs = [...validateDataKeys(cm.data, 'data'), ...validateDataKeys(cm.binaryData, 'binaryData')]
  const binary = rec(cm.binaryData)
  for (const key of Object.keys(rec(cm.data))) {
    if (Object.hasOwn(binary, key))
      errs.push(fieldInvalid(`data[${key}]`, key, 'duplicate of key present in binaryData'))
  }
  return errs
}

export const configMap: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  scope: 'Namespaced',
  shortNames: ['cm'],
  columns: [column('Data', DOC.configMapData, (o) => count(o.data) + count(o.binaryData)), ageColumn()],
  validate: validateConfigMap,
})

/**
 * Secret defaults and conversion: type defaults to Opaque, and stringData is merged into data
 * (base64) and never stored, as Convert_v1_Secret_To_core_Secret does.
 */
function prepareSecret(secret: KubeObject): void {
  if (secret.type === undefined || secret.type === null || secret.type === '') secret.type = 'Opaque'
  const stringData = rec(secret.stringData)
  if (Object.keys(stringData).length > 0) {
    const data = { ...rec(secret.data) }
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(str(v), 'utf8').toString('base64')
    secret.data = data
  }
  delete secret.stringData
}

export const secret: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  scope: 'Namespaced',
  columns: [
    column('Type', DOC.secretType, (o) => str(o.type)),
    column('Data', DOC.secretData, (o) => count(o.data)),
    ageColumn(),
  ],
  fieldSelectors: { type: (o) => str(o.type) },
  prepareForCreate: prepareSecret,
  prepareForUpdate: prepareSecret,
  validate: (o) => validateDataKeys(o.data, 'data'),
})

export const serviceAccount: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  scope: 'Namespaced',
  shortNames: ['sa'],
  columns: [column('Secrets', DOC.serviceAccountSecrets, (o) => arr(o.secrets).length), ageColumn()],
})
