// How controllers are declared and started. Each controller module exports a descriptor
// ({ name, start }); a server variant (simulated cluster, hub) starts the list it needs. Every
// controller talks to the API only through ctx.client, so it runs the same in-process or
// against a real Kubernetes API server.

import type { Client } from '../client/client.ts'
import type { Logger } from '../log/logger.ts'
import type { Clock } from '../util/clock.ts'

export interface ControllerContext {
  client: Client
  log: Logger
  clock: Clock
}

export interface RunningController {
  stop(): void
  /** Resolves when the controller has nothing queued (tests use it to settle). */
  idle?(): Promise<void>
}

export interface ControllerDescriptor {
  /** e.g. "deployment-controller" */
  name: string
  start(ctx: ControllerContext): Promise<RunningController> | RunningController
}

export class ControllerManager {
  private readonly running: { name: string; c: RunningController }[] = []

  async start(ctx: ControllerContext, descriptors: readonly ControllerDescriptor[]): Promise<void> {
    for (const d of descriptors) {
      const c = await d.start({ ...ctx, log: ctx.log.with({ controller: d.name }) })
      this.running.push({ name: d.name, c })
    }
  }

  async idle(): Promise<void> {
    for (const r of this.running) await r.c.idle?.()
  }

  stop(): void {
    for (const r of this.running.reverse()) r.c.stop()
    this.running.length = 0
  }
}
