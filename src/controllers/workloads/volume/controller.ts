// PersistentVolume provisioning and binding, as kube-controller-manager's persistentvolume
// controller plus a (hostPath) provisioner: a claim without storageClassName gets the default
// StorageClass (the DefaultStorageClass admission / retroactive assignment); a claim of a class
// provisioned by sim.flotilla.dev/hostpath gets a PV pvc-<claim uid>, bound both ways (claimRef /
// volumeName, phases Bound) — at once, or for WaitForFirstConsumer once a pod using the claim is
// scheduled; claims also bind to matching Available PVs. When the claim goes, a Delete-policy
// volume is deleted and a Retain-policy one is Released.

import { arr, type Json, rec, str } from '../../../apis/json.ts'
import { parseQuantity } from '../../../apis/quantity.ts'
import { isDefaultClass } from '../../../apis/storage/index.ts'
import { resources } from '../../../client/client.ts'
import { StatusError } from '../../../machinery/errors.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../manager.ts'
import { EventRecorder } from '../util/events.ts'
import { type Index, namespaceIndex, type SharedInformer } from '../util/informers.ts'
import { splitKey } from '../util/meta.ts'
import { ControllerRuntime } from '../util/runtime.ts'

export const SIM_PROVISIONER = 'sim.flotilla.dev/hostpath'
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class'
const SELECTED_NODE = 'volume.kubernetes.io/selected-node'
const BIND_COMPLETED = 'pv.kubernetes.io/bind-completed'
const BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller'
const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by'
const STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner'
const BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner'
const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class'

/** The simulated clusters' default StorageClass ("standard"), for the sim to create. */
export function defaultStorageClass(
  opts: { name?: string; volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer' } = {},
): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: opts.name ?? 'standard', annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: SIM_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: opts.volumeBindingMode ?? 'Immediate',
    allowVolumeExpansion: true,
  }
}

function claimClass(pvc: KubeObject): string | undefined {
  const beta = pvc.metadata.annotations?.[BETA_CLASS]
  if (beta !== undefined) return beta
  const c = rec(pvc.spec).storageClassName
  return typeof c === 'string' ? c : undefined
}

function requestBytes(pvc: KubeObject): number {
  return parseQuantity(rec(rec(rec(pvc.spec).resources).requests).storage) ?? 0
}

function capacityBytes(pv: KubeObject): number {
  return parseQuantity(rec(rec(pv.spec).capacity).storage) ?? 0
}

/** Pod volumes naming a claim. */
function claimsOf(pod: KubeObject): string[] {
  return arr(rec(pod.spec).volumes)
    .map((v) => str(rec(rec(v).persistentVolumeClaim).claimName))
    .filter((n) => n !== '')
}

class VolumeController {
  private readonly rt: ControllerRuntime
  private readonly pvcInf: SharedInformer
  private readonly pvInf: SharedInformer
  private readonly scInf: SharedInformer
  private readonly podInf: SharedInformer
  private readonly podsByNamespace: Index
  private readonly events: EventRecorder

  constructor(ctx: ControllerContext) {
    this.rt = new ControllerRuntime(ctx, (key) => this.sync(key))
    this.pvcInf = this.rt.informer(resources.persistentvolumeclaims)
    this.pvInf = this.rt.informer(resources.persistentvolumes)
    this.scInf = this.rt.informer(resources.storageclasses)
    this.podInf = this.rt.informer(resources.pods)
    this.podsByNamespace = this.podInf.index('namespace', namespaceIndex)
    this.events = new EventRecorder(ctx.client, 'persistentvolume-controller', ctx.clock, ctx.log)
  }

  async run(): Promise<RunningController> {
    const claim = (pvc: KubeObject) => this.rt.enqueue(`pvc:${pvc.metadata.namespace}/${pvc.metadata.name}`)
    const volume = (pv: KubeObject) => this.rt.enqueue(`pv:${pv.metadata.name}`)
    this.pvcInf.on({
      add: claim,
      update: claim,
      delete: (pvc) => {
        const vn = str(rec(pvc.spec).volumeName)
        if (vn) this.rt.enqueue(`pv:${vn}`)
        for (const pv of this.pvInf.list()) {
          if (rec(rec(pv.spec).claimRef).uid === pvc.metadata.uid) volume(pv)
        }
      },
    })
    this.pvInf.on({
      add: volume,
      update: volume,
      delete: (pv) => {
        const ref = rec(rec(pv.spec).claimRef)
        if (ref.name) this.rt.enqueue(`pvc:${str(ref.namespace)}/${str(ref.name)}`)
      },
    })
    this.scInf.on({
      add: () => this.pendingClaims(),
      update: () => this.pendingClaims(),
    })
    const podChanged = (pod: KubeObject, old?: KubeObject) => {
      if (!str(rec(pod.spec).nodeName) || (old && str(rec(old.spec).nodeName))) return
      for (const c of claimsOf(pod)) this.rt.enqueue(`pvc:${pod.metadata.namespace}/${c}`)
    }
    this.podInf.on({ add: (p) => podChanged(p), update: (p, old) => podChanged(p, old) })
    await this.rt.start()
    return this.rt
  }

  private pendingClaims(): void {
    for (const pvc of this.pvcInf.list()) {
      if (!str(rec(pvc.spec).volumeName)) this.rt.enqueue(`pvc:${pvc.metadata.namespace}/${pvc.metadata.name}`)
    }
  }

  private defaultClass(): KubeObject | undefined {
    const defaults = this.scInf.list().filter(isDefaultClass)
    // GetDefaultClass: the newest default class wins (then the name).
    defaults.sort(
      (a, b) =>
        (Date.parse(b.metadata.creationTimestamp ?? '') || 0) - (Date.parse(a.metadata.creationTimestamp ?? '') || 0) ||
        (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
    )
    return defaults[0]
  }

  private async sync(key: string): Promise<void> {
    if (key.startsWith('pv:')) return this.syncVolume(key.slice(3))
    const [ns, name] = splitKey(key.slice(4))
    const pvc = this.pvcInf.get(ns, name)
    if (!pvc || pvc.metadata.deletionTimestamp) return
    const volumeName = str(rec(pvc.spec).volumeName)
    if (volumeName) return this.syncBoundClaim(pvc, volumeName)
    let className = claimClass(pvc)
    if (className === undefined) {
      const def = this.defaultClass()
      if (!def) return
      await this.patchClaim(pvc, { spec: { storageClassName: def.metadata.name } })
      return
    }
    const pv = this.findMatchingVolume(pvc, className)
    if (pv) {
      await this.bind(pvc, pv)
      return
    }
    if (className === '') return
    const sc = this.scInf.get('', className)
    if (!sc) {
      this.events.event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`)
      return
    }
    const provisioner = str(sc.provisioner)
    const annotations = pvc.metadata.annotations ?? {}
    if (annotations[STORAGE_PROVISIONER] !== provisioner) {
      await this.patchClaim(pvc, {
        metadata: { annotations: { [STORAGE_PROVISIONER]: provisioner, [BETA_STORAGE_PROVISIONER]: provisioner } },
      })
      return
    }
    if (provisioner !== SIM_PROVISIONER) return
    let node = annotations[SELECTED_NODE]
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !node) {
      const consumer = this.podsByNamespace
        .get(ns)
        .find((p) => str(rec(p.spec).nodeName) && !p.metadata.deletionTimestamp && claimsOf(p).includes(name))
      if (!consumer) {
        this.events.event(
          pvc,
          'Normal',
          'WaitForFirstConsumer',
          'waiting for first consumer to be created before binding',
        )
        return
      }
      node = str(rec(consumer.spec).nodeName)
    }
    className = sc.metadata.name ?? className
    const created = await this.provision(pvc, sc, node)
    await this.bind(pvc, created)
  }

  /** findMatchingVolume: the smallest Available PV of the class that fits the claim. */
  private findMatchingVolume(pvc: KubeObject, className: string): KubeObject | undefined {
    const want = requestBytes(pvc)
    const modes = arr(rec(pvc.spec).accessModes).map(str)
    let best: KubeObject | undefined
    for (const pv of this.pvInf.list()) {
      const spec = rec(pv.spec)
      const ref = rec(spec.claimRef)
      if (ref.uid === pvc.metadata.uid) return pv
      if (ref.name || pv.metadata.deletionTimestamp) continue
      if (rec(pv.status).phase !== 'Available') continue
      if (str(spec.storageClassName) !== className) continue
      if (capacityBytes(pv) < want) continue
      const pvModes = arr(spec.accessModes).map(str)
      if (!modes.every((m) => pvModes.includes(m))) continue
      if ((spec.volumeMode ?? 'Filesystem') !== (rec(pvc.spec).volumeMode ?? 'Filesystem')) continue
      if (!best || capacityBytes(pv) < capacityBytes(best)) best = pv
    }
    return best
  }

  private async provision(pvc: KubeObject, sc: KubeObject, node: string | undefined): Promise<KubeObject> {
    const spec = rec(pvc.spec)
    const name = `pvc-${pvc.metadata.uid}`
    const existing = this.pvInf.get('', name)
    if (existing) return existing
    const pvSpec: Json = {
      capacity: { storage: rec(rec(spec.resources).requests).storage ?? '1Gi' },
      accessModes: arr(spec.accessModes).length > 0 ? spec.accessModes : ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: str(sc.reclaimPolicy) || 'Delete',
      storageClassName: sc.metadata.name,
      volumeMode: spec.volumeMode ?? 'Filesystem',
      claimRef: {
        kind: 'PersistentVolumeClaim',
        namespace: pvc.metadata.namespace,
        name: pvc.metadata.name,
        uid: pvc.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: pvc.metadata.resourceVersion,
      },
      hostPath: { path: `/var/lib/flotilla-sim/volumes/${name}`, type: 'DirectoryOrCreate' },
    }
    if (arr(sc.mountOptions).length > 0) pvSpec.mountOptions = sc.mountOptions
    if (node) {
      pvSpec.nodeAffinity = {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
          ],
        },
      }
    }
    const pv: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { [PROVISIONED_BY]: SIM_PROVISIONER } },
      spec: pvSpec,
    }
    try {
      const created = await this.rt.client.create(resources.persistentvolumes, '', pv)
      this.events.event(
        pvc,
        'Normal',
        'ProvisioningSucceeded',
        `Successfully provisioned volume ${name} using ${SIM_PROVISIONER}`,
      )
      return created
    } catch (e) {
      if (e instanceof StatusError && e.code === 409) return this.rt.client.get(resources.persistentvolumes, '', name)
      this.events.event(
        pvc,
        'Warning',
        'ProvisioningFailed',
        `failed to provision volume: ${e instanceof Error ? e.message : e}`,
      )
      throw e
    }
  }

  /** bind: claimRef on the volume, volumeName on the claim, both phases Bound. */
  private async bind(pvc: KubeObject, pv: KubeObject): Promise<void> {
    const ref = rec(rec(pv.spec).claimRef)
    let volume = pv
    if (ref.uid !== pvc.metadata.uid) {
      volume = await this.rt.client.patch(resources.persistentvolumes, '', pv.metadata.name ?? '', 'merge', {
        metadata: { annotations: { [BOUND_BY_CONTROLLER]: 'yes' }, resourceVersion: pv.metadata.resourceVersion },
        spec: {
          claimRef: {
            kind: 'PersistentVolumeClaim',
            namespace: pvc.metadata.namespace,
            name: pvc.metadata.name,
            uid: pvc.metadata.uid,
            apiVersion: 'v1',
            resourceVersion: pvc.metadata.resourceVersion,
          },
        },
      })
    }
    if (rec(volume.status).phase !== 'Bound') {
      await this.rt.client.patch(
        resources.persistentvolumes,
        '',
        pv.metadata.name ?? '',
        'merge',
        { status: { phase: 'Bound' } },
        {
          subresource: 'status',
        },
      )
    }
    const updated = await this.patchClaim(pvc, {
      metadata: { annotations: { [BIND_COMPLETED]: 'yes', [BOUND_BY_CONTROLLER]: 'yes' } },
      spec: { volumeName: pv.metadata.name },
    })
    if (updated) await this.claimStatus(updated, volume)
  }

  private async syncBoundClaim(pvc: KubeObject, volumeName: string): Promise<void> {
    const pv = this.pvInf.get('', volumeName)
    if (!pv) {
      if (rec(pvc.status).phase === 'Bound') {
        this.events.event(
          pvc,
          'Warning',
          'ClaimLost',
          'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
        )
        await this.rt.client
          .patch(
            resources.persistentvolumeclaims,
            pvc.metadata.namespace ?? '',
            pvc.metadata.name ?? '',
            'merge',
            { status: { phase: 'Lost' } },
            { subresource: 'status' },
          )
          .catch(ignoreGone)
      }
      return
    }
    const ref = rec(rec(pv.spec).claimRef)
    if (ref.uid && ref.uid !== pvc.metadata.uid) return
    if (!ref.uid) {
      await this.bind(pvc, pv)
      return
    }
    if (pvc.metadata.annotations?.[BIND_COMPLETED] !== 'yes') {
      await this.patchClaim(pvc, { metadata: { annotations: { [BIND_COMPLETED]: 'yes' } } })
    }
    await this.claimStatus(pvc, pv)
  }

  private async claimStatus(pvc: KubeObject, pv: KubeObject): Promise<void> {
    const st = rec(pvc.status)
    const want = {
      phase: 'Bound',
      accessModes: rec(pv.spec).accessModes,
      capacity: rec(pv.spec).capacity,
    }
    if (
      st.phase === want.phase &&
      JSON.stringify(st.accessModes) === JSON.stringify(want.accessModes) &&
      JSON.stringify(st.capacity) === JSON.stringify(want.capacity)
    ) {
      return
    }
    await this.rt.client
      .patch(
        resources.persistentvolumeclaims,
        pvc.metadata.namespace ?? '',
        pvc.metadata.name ?? '',
        'merge',
        { status: want },
        { subresource: 'status' },
      )
      .catch(ignoreGone)
  }

  private async patchClaim(pvc: KubeObject, patch: Json): Promise<KubeObject | undefined> {
    try {
      return await this.rt.client.patch(
        resources.persistentvolumeclaims,
        pvc.metadata.namespace ?? '',
        pvc.metadata.name ?? '',
        'merge',
        patch,
      )
    } catch (e) {
      ignoreGone(e)
      return undefined
    }
  }

  private async syncVolume(name: string): Promise<void> {
    const pv = this.pvInf.get('', name)
    if (!pv || pv.metadata.deletionTimestamp) return
    const spec = rec(pv.spec)
    const ref = rec(spec.claimRef)
    const phase = rec(pv.status).phase
    const setPhase = async (p: string) => {
      if (phase === p) return
      await this.rt.client
        .patch(resources.persistentvolumes, '', name, 'merge', { status: { phase: p } }, { subresource: 'status' })
        .catch(ignoreGone)
    }
    if (!ref.name) {
      await setPhase('Available')
      return
    }
    const pvc = this.pvcInf.get(str(ref.namespace), str(ref.name))
    if (pvc && (!ref.uid || pvc.metadata.uid === ref.uid)) {
      if (str(rec(pvc.spec).volumeName) === name) await setPhase('Bound')
      return
    }
    if (!ref.uid) return
    // The claim is gone: reclaim.
    const policy = str(spec.persistentVolumeReclaimPolicy) || 'Retain'
    if (policy === 'Delete' || policy === 'Recycle') {
      // Confirm with a live read: the cache may not have the claim yet.
      try {
        const live = await this.rt.client.get(resources.persistentvolumeclaims, str(ref.namespace), str(ref.name))
        if (live.metadata.uid === ref.uid) return
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e
      }
      await this.rt.client.delete(resources.persistentvolumes, '', name).catch(ignoreGone)
      return
    }
    await setPhase('Released')
  }
}

function ignoreGone(e: unknown): void {
  if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return
  throw e
}

export const persistentVolumeController: ControllerDescriptor = {
  name: 'persistentvolume-binder-controller',
  start: (ctx) => new VolumeController(ctx).run(),
}
