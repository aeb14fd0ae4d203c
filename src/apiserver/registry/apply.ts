// Server-side apply against a store: the manager's configuration is merged into the live
// object (or creates it), with managedFields, conflicts and field release handled by
// machinery/apply. Used by the HTTP handler and by in-process clients alike.

import { applyConfiguration } from '../../machinery/apply/managed-fields.ts'
import { badRequest, isNotFound, StatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { timestamp } from '../../machinery/object.ts'
import type { Store } from './store.ts'

export interface ApplyRequest {
  manager: string
  force?: boolean
  subresource?: '' | 'status'
  dryRun?: boolean
}

/** Checks an apply configuration's identity against the request; returns it ready to apply. */
export function checkApplyConfiguration(config: KubeObject, name: string): KubeObject {
  config.metadata ??= {}
  if (config.apiVersion === undefined || config.kind === undefined) {
    throw badRequest('apiVersion and kind must be set in an apply configuration')
  }
  if (config.metadata.name !== undefined && config.metadata.name !== name) {
    throw badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${name})`)
  }
  config.metadata.name = name
  return config
}

export async function applyToStore(
  store: Store,
  namespace: string,
  name: string,
  config: KubeObject,
  req: ApplyRequest,
): Promise<{ object: KubeObject; created: boolean }> {
  if (!req.manager) {
    throw new StatusError(
      422,
      'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      {
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: is required for apply patch',
            field: 'fieldManager',
          },
        ],
      },
    )
  }
  const sub = req.subresource ?? ''
  const tracking = {
    manager: req.manager,
    apiVersion: store.apiVersion,
    subresource: sub,
    statusSubresource: store.def.subresources.status,
    schema: store.mergeSchema,
    now: timestamp(),
    force: req.force ?? false,
  }
  const precondition = config.metadata.resourceVersion
  try {
    const object = await store.guaranteedUpdate(
      namespace,
      name,
      sub,
      (current) => {
        const next = applyConfiguration(current, config, tracking)
        if (precondition) next.metadata.resourceVersion = precondition
        else delete next.metadata.resourceVersion
        return next
      },
      { dryRun: req.dryRun, managedFieldsDone: true },
    )
    return { object, created: false }
  } catch (e) {
    if (!isNotFound(e) || sub === 'status') throw e
  }
  const created = applyConfiguration(undefined, config, tracking)
  const object = await store.create(namespace, created, { dryRun: req.dryRun, managedFieldsDone: true })
  return { object, created: true }
}
