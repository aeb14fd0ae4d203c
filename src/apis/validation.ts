// Validation helpers shared by the built-in kinds, with Kubernetes' own messages
// (apimachinery/pkg/util/validation and pkg/apis/*/validation).

import { type FieldError, fieldInvalid, fieldNotSupported, fieldRequired } from '../machinery/errors.ts'
import { arr, type Json, rec, str } from './json.ts'
import { labelSelectorString, selectorMatches } from './printing.ts'

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/

/** validation.IsDNS1123Label. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = []
  if (value.length > 63) errs.push('must be no more than 63 characters')
  if (!DNS1123_LABEL.test(value)) {
    errs.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    )
  }
  return errs
}

/** validation.IsDNS1035Label (Service names). */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = []
  if (value.length > 63) errs.push('must be no more than 63 characters')
  if (!DNS1035_LABEL.test(value)) {
    errs.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    )
  }
  return errs
}

/** validation.IsConfigMapKey: keys of ConfigMap and Secret data. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = []
  if (value.length > 253) errs.push('must be no more than 253 characters')
  if (!CONFIG_KEY.test(value)) {
    errs.push(
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    )
  }
  if (value === '.') errs.push("must not be '.'")
  else if (value === '..') errs.push("must not be '..'")
  else if (value.startsWith('..')) errs.push("must not start with '..'")
  return errs
}

/** Invalid errors for each key of a data map, at `path[key]` like field.Path.Key(). */
export function validateDataKeys(data: unknown, path: string): FieldError[] {
  const errs: FieldError[] = []
  for (const key of Object.keys(rec(data))) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldInvalid(`${path}[${key}]`, key, msg))
  }
  return errs
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, value, detail: '' }
}

/** apivalidation.ValidateNonnegativeField, for numbers that are present. */
export function nonNegative(value: unknown, field: string): FieldError[] {
  return typeof value === 'number' && value < 0
    ? [fieldInvalid(field, value, 'must be greater than or equal to 0')]
    : []
}

function validateContainerList(list: unknown[], path: string, seen: Set<string>): FieldError[] {
  const errs: FieldError[] = []
  list.map(rec).forEach((c, i) => {
    const at = `${path}[${i}]`
    const name = str(c.name)
    if (name === '') errs.push(fieldRequired(`${at}.name`))
    else {
      for (const msg of isDNS1123Label(name)) errs.push(fieldInvalid(`${at}.name`, name, msg))
      if (seen.has(name)) errs.push(duplicate(`${at}.name`, name))
      seen.add(name)
    }
    if (str(c.image) === '') errs.push(fieldRequired(`${at}.image`))
  })
  return errs
}

/**
 * The first checks of ValidatePodSpec users hit: at least one container, each with a name
 * (a DNS-1123 label, unique across init and regular containers) and an image.
 */
export function validatePodSpec(spec: unknown, path: string): FieldError[] {
  const s = rec(spec)
  const seen = new Set<string>()
  const errs = validateContainerList(arr(s.initContainers), `${path}.initContainers`, seen)
  const containers = arr(s.containers)
  if (containers.length === 0) errs.push(fieldRequired(`${path}.containers`))
  errs.push(...validateContainerList(containers, `${path}.containers`, seen))
  return errs
}

/**
 * The selector and template checks shared by Deployment, ReplicaSet, StatefulSet, DaemonSet
 * (ValidateDeploymentSpec & co.): selector required and non-empty, template labels selected by
 * it, the pod spec valid and its restartPolicy "Always".
 */
export function validateWorkloadSpec(spec: Json, path: string, kindWord: string): FieldError[] {
  const errs: FieldError[] = []
  const selector = spec.selector
  if (selector === undefined || selector === null) errs.push(fieldRequired(`${path}.selector`))
  else {
    const sel = rec(selector)
    const size = Object.keys(rec(sel.matchLabels)).length + arr(sel.matchExpressions).length
    if (size === 0) errs.push(fieldInvalid(`${path}.selector`, selector, `empty selector is invalid for ${kindWord}`))
    errs.push(...validateTemplateAgainstSelector(spec, path))
  }
  errs.push(...nonNegative(spec.replicas, `${path}.replicas`))
  const podSpec = rec(rec(spec.template).spec)
  errs.push(...validatePodSpec(podSpec, `${path}.template.spec`))
  const restart = podSpec.restartPolicy
  if (restart !== undefined && restart !== 'Always') {
    errs.push(fieldNotSupported(`${path}.template.spec.restartPolicy`, restart, ['Always']))
  }
  return errs
}

/** "`selector` does not match template `labels`" (ValidatePodTemplateSpecForReplicaSet & co.). */
export function validateTemplateAgainstSelector(spec: Json, path: string): FieldError[] {
  const selectorText = labelSelectorString(spec.selector)
  if (selectorText === null) return [fieldInvalid(`${path}.selector`, spec.selector, 'invalid label selector')]
  const labels = rec(rec(spec.template).metadata).labels
  if (selectorText !== '' && !selectorMatches(spec.selector, labels)) {
    return [
      fieldInvalid(`${path}.template.metadata.labels`, labels ?? {}, '`selector` does not match template `labels`'),
    ]
  }
  return []
}
