// Drives one core instance for a Node host: the clock, the one timer and
// the output pump. Everything the core decides arrives at `onOutput`.
//
// quinn-proto's contract: after every input, drain the outputs and re-arm
// the single timer to pollTimeout(); when it fires, handleTimeout(now).

import { performance } from "node:perf_hooks";
import type { Output } from "../../core/outputs";
import type { CoreApi } from "../core-api";

/**
 * How many distinct subscription topics a host names by id (api.topicId).
 * Ids live as long as the core instance, and any peer can subscribe to
 * anything: past this many, topics go by string (same result, slower into
 * Wasm). A 1,000-node cluster has about 2,000 distinct topics.
 */
export const MAX_INTERNED_TOPICS = 8192;

/**
 * The longest topic named by id. Zeek's topics are short (a node-id topic
 * is ~80 characters); a longer one, e.g. from a hostile peer, goes by
 * string, so the table's memory stays bounded by both limits.
 */
export const MAX_INTERNED_TOPIC_LENGTH = 1024;

export class CoreHost {
  private timer: NodeJS.Timeout | undefined;
  private deadline = -1;
  private closed = false;
  private readonly topicIds = new Map<string, number>();

  constructor(
    readonly api: CoreApi,
    readonly h: number,
    private onOutput: (o: Output) => void,
  ) {}

  /** The core's clock: monotonic milliseconds. */
  now(): number {
    return performance.now();
  }

  /**
   * Input: a subscribe (`subscribe` true, frame 0x01 + topic) or unsubscribe
   * frame read from the XPUB. XPUB_VERBOSE repeats every topic once per
   * subscriber, so the topic goes by its interned id (numbers only across
   * the boundary: Wasm's bindings copy every string argument).
   * Call settle() after it, as after any input.
   */
  subscriptionFrame(subscribe: boolean, topic: string, now: number): void {
    let id = this.topicIds.get(topic);
    if (id === undefined) {
      if (this.topicIds.size >= MAX_INTERNED_TOPICS || topic.length > MAX_INTERNED_TOPIC_LENGTH) {
        if (subscribe) this.api.handleSubscription(this.h, topic, now);
        else this.api.handleUnsubscription(this.h, topic, now);
        return;
      }
      id = this.api.topicId(this.h, topic);
      this.topicIds.set(topic, id);
    }
    if (subscribe) this.api.handleSubscriptionById(this.h, id, now);
    else this.api.handleUnsubscriptionById(this.h, id, now);
  }

  /** Call after every input: hand out the outputs, re-arm the timer. */
  settle(): void {
    // Most inputs (a log write, a repeated subscription) produce nothing:
    // one call answers "nothing pending, next deadline t" (settleTimeout),
    // and only pending outputs cost a second and third.
    let next = this.api.settleTimeout(this.h);
    if (next === -2) {
      const outs = this.api.pollOutputs(this.h) as Output[];
      for (let i = 0; i < outs.length; i++) this.onOutput(outs[i]);
      if (this.closed) return;
      next = this.api.pollTimeout(this.h);
    }
    this.arm(next);
  }

  private arm(next: number): void {
    if (this.closed) return;
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
