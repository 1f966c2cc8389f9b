// One node's cluster logic, without I/O (the quinn-proto / h11 pattern).
//
// Call order, for any host:
//   1. configure: new Core(node, nodeId), then addNode(...) for each layout
//      entry and any option setters;
//   2. start-up: subscribe to startupTopics(); connectLogEndpoints() (which
//      reports upstream's error when a multi-node layout has no logger);
//   3. feed inputs as they happen, each with a monotonic `now` in ms:
//      handleSubscription / handleUnsubscription (XPUB frames),
//      handleZeromqHello / handleClusterHello (received events),
//      logWrite (local log writes), handleTimeout (timer fired), flushAll
//      (shutdown);
//   4. after every input, drain pollOutputs() and re-arm the one timer to
//      pollTimeout() (-1 = no timer needed).
// Nothing here reads a clock, draws randomness or touches a socket.

import { Batcher } from "./batcher";
import { Inbound } from "./inbound";
import { Layout } from "./layout";
import { Membership } from "./membership";
import { Output, Outbox } from "./outputs";
import { Topics } from "./topics";

export class Core {
  out: Outbox = new Outbox();
  topics: Topics = new Topics();
  layout: Layout = new Layout();
  membership: Membership = new Membership();
  batcher: Batcher = new Batcher();
  inbound: Inbound = new Inbound();

  constructor(node: string, nodeId: string) {
    // Every part shares one outbox (outputs keep their order across parts)
    // and one layout and topic table.
    this.membership.out = this.out;
    this.batcher.out = this.out;
    this.inbound.out = this.out;
    this.membership.layout = this.layout;
    this.membership.topics = this.topics;
    this.membership.node = node;
    this.membership.nodeId = nodeId;
  }

  get node(): string {
    return this.membership.node;
  }

  get nodeId(): string {
    return this.membership.nodeId;
  }

  /** The topics to subscribe to at start-up, in upstream's order. */
  startupTopics(): Array<string> {
    return this.layout.startupTopics(this.membership.node, this.membership.nodeId, this.topics);
  }

  /**
   * connect_log_endpoints derived from the layout. Reports upstream's
   * `No ZeroMQ connect_log_endpoints configured` error (an output) when a
   * node that must push logs finds none in a layout of more than one node.
   */
  connectLogEndpoints(): Array<string> {
    const eps = this.layout.connectLogEndpoints(this.membership.node);
    if (eps.length == 0 && !this.layout.isLogReceiver(this.membership.node) && this.layout.size > 1) {
      this.out.error("No ZeroMQ connect_log_endpoints configured");
    }
    return eps;
  }

  handleTimeout(now: f64): void {
    this.membership.handleTimeout(now);
    this.batcher.handleTimeout(now);
  }

  /** The next time handleTimeout must be called, or -1 for never. */
  pollTimeout(): f64 {
    const a = this.membership.pollTimeout();
    const b = this.batcher.pollTimeout();
    if (a < 0) return b;
    if (b < 0) return a;
    return a < b ? a : b;
  }

  pollOutputs(): Array<Output> {
    return this.out.take();
  }
}
