// State the simulator's controllers share within one cluster: the pod and node informers (each
// change decoded once) and the event recorder. Created by the first controller that starts and
// stopped when the last one stops; nothing is global, so many simulated clusters can run in one
// process.

import { resources } from '../client/client.ts'
import type { ControllerContext, RunningController } from '../controllers/manager.ts'
import { EventRecorder } from './events.ts'
import { SharedInformer } from './util/shared-informer.ts'

export class SimShared {
  readonly pods: SharedInformer
  readonly nodes: SharedInformer
  readonly recorder: EventRecorder
  private users = 0
  private readonly onDispose: () => void

  constructor(ctx: ControllerContext, onDispose: () => void = () => {}) {
    this.onDispose = onDispose
    const log = ctx.log.with({ component: 'sim-informers' })
    this.pods = new SharedInformer(ctx.client, resources.pods, log)
    this.nodes = new SharedInformer(ctx.client, resources.nodes, log)
    this.recorder = new EventRecorder(ctx.client, ctx.clock, log)
  }

  /** Starts the informers on first use; every acquire is paired with a release. */
  acquire(): void {
    this.users++
    this.pods.start()
    this.nodes.start()
  }

  release(): void {
    if (--this.users > 0) return
    this.pods.stop()
    this.nodes.stop()
    this.recorder.stop()
    this.onDispose()
  }

  /**
   * The RunningController of a controller that acquired this state: stopping it releases the
   * state too, and idle waits for the events it recorded as well.
   */
  running(c: { stop(): void; idle(): Promise<void> }): RunningController {
    return {
      stop: () => {
        c.stop()
        this.release()
      },
      idle: async () => {
        await c.idle()
        await this.recorder.idle()
      },
    }
  }
}

/** A lazily created SimShared for one set of controllers. */
export function sharedFactory(): (ctx: ControllerContext) => SimShared {
  let shared: SimShared | undefined
  return (ctx) => {
    shared ??= new SimShared(ctx, () => {
      shared = undefined
    })
    return shared
  }
}
