// Drives one core instance for a Node host: the clock, the one timer and
// the output pump. Everything the core decides arrives at `onOutput`.
//
// quinn-proto's contract: after every input, drain the outputs and re-arm
// the single timer to pollTimeout(); when it fires, handleTimeout(now).

import { performance } from "node:perf_hooks";
import type { Output } from "../../core/outputs";
import type { CoreApi } from "../core-api";

export class CoreHost {
  private timer: NodeJS.Timeout | undefined;
  private deadline = -1;
  private closed = false;

  constructor(
    readonly api: CoreApi,
    readonly h: number,
    private onOutput: (o: Output) => void,
  ) {}

  /** The core's clock: monotonic milliseconds. */
  now(): number {
    return performance.now();
  }

  /** Call after every input: hand out the outputs, re-arm the timer. */
  settle(): void {
    // Most inputs (a log write, a repeated subscription) produce nothing:
    // asking first saves building an empty array per input.
    if (this.api.outputCount(this.h) > 0) {
      const outs = this.api.pollOutputs(this.h) as Output[];
      for (let i = 0; i < outs.length; i++) this.onOutput(outs[i]);
    }
    this.arm();
  }

  private arm(): void {
    if (this.closed) return;
    const next = this.api.pollTimeout(this.h);
    if (next === this.deadline) return;
    this.deadline = next;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (next < 0) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, Math.ceil(next - this.now())));
    // Sockets keep the process alive; the timer alone must not.
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.deadline = -1;
    if (this.closed) return;
    this.api.handleTimeout(this.h, this.now());
    this.settle();
  }

  /** True once close() ran: the handle is gone, no more inputs. */
  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.api.coreDestroy(this.h);
  }
}
