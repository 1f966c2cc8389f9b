// Overload accounting and receive-side validation, ported from ZeroMQ.cc
// (I/O thread handlers, OnLoop queue) and src/cluster/OnLoop.h.
//
// The host owns the sockets and the queue memory; the core owns the policy:
//   - onloop_queue_hwm bounds how many received *events* may wait for the
//     script layer; beyond it an event is dropped and counted (onloop_drops).
//     Subscriptions and log batches are exempt (upstream queues them with
//     `Force`: "they are important"). 0 = unbounded.
//   - xpub_drops counts events the host could not hand to the XPUB because
//     its send HWM was reached (EAGAIN with XPUB_NODROP).
//   - msg_errors counts every rejected received message.
// The two drop warnings print once per node, the error lines every time,
// as upstream does.

import {
  CHANNEL_LOG,
  CHANNEL_XPUB,
  CHANNEL_XSUB,
  MALFORMED_FRAME_COUNT,
  MALFORMED_OVERSIZED,
  MALFORMED_UNDECODABLE,
  MALFORMED_UNKNOWN_FORMAT,
} from "./kinds";
import { Outbox } from "./outputs";

/** The frame count upstream expects on a channel: 1 on the XPUB, 4 elsewhere. */
export function expectedFrames(channel: i32): i32 {
  return channel == CHANNEL_XPUB ? 1 : 4;
}

function channelName(channel: i32): string {
  if (channel == CHANNEL_XSUB) return "xsub";
  if (channel == CHANNEL_XPUB) return "xpub";
  if (channel == CHANNEL_LOG) return "log";
  return "inproc";
}

export class Inbound {
  /** onloop_queue_hwm (default 10000; 0 = unbounded). */
  onloopQueueHwm: i32 = 10000;
  out: Outbox = new Outbox();

  /** Events accepted and not yet handed to the script layer. */
  queued: i32 = 0;
  /** zeek_cluster_zeromq_onloop_drops_total. */
  onloopDrops: f64 = 0;
  /** zeek_cluster_zeromq_xpub_drops_total. */
  xpubDrops: f64 = 0;
  /** zeek_cluster_zeromq_msg_errors_total. */
  msgErrors: f64 = 0;

  private warnedOnloop: bool = false;
  private warnedXpub: bool = false;

  /**
   * Check a received message's frame count. True: go on decoding. False: it
   * was counted and reported; drop it.
   */
  checkFrames(channel: i32, frames: i32): bool {
    const want = expectedFrames(channel);
    if (frames == want) return true;
    this.msgErrors += 1;
    const part = want == 1 ? " part" : " parts";
    this.out.diagnostic(
      "[zeromq] " + channelName(channel) + ": error: expected " + want.toString() + part + ", have " + frames.toString() + "!",
    );
    return false;
  }

  /**
   * Count and report a message that passed the frame check but cannot be
   * used. `detail` is the format name, topic or size that goes into the text.
   * `own` is the format this node speaks (for the wrong-format texts).
   */
  reportMalformed(channel: i32, reason: i32, detail: string, own: string): void {
    this.msgErrors += 1;
    if (reason == MALFORMED_FRAME_COUNT) {
      this.out.diagnostic("[zeromq] " + channelName(channel) + ": error: " + detail);
    } else if (reason == MALFORMED_UNKNOWN_FORMAT) {
      if (channel == CHANNEL_LOG) {
        this.out.error("Got log message in format '" + detail + "', but have deserializer '" + own + "'");
      } else {
        this.out.error("ProcessEventMessage: Wrong format: " + detail + " vs " + own);
      }
    } else if (reason == MALFORMED_UNDECODABLE) {
      if (channel == CHANNEL_LOG) {
        this.out.error("Failed to unserialize log message using '" + own + "'" + (detail.length > 0 ? ": " + detail : ""));
      } else {
        this.out.error("Failed to unserialize message: " + detail);
      }
    } else if (reason == MALFORMED_OVERSIZED) {
      this.out.diagnostic("[zeromq] " + channelName(channel) + ": error: message too large (" + detail + ")");
    } else {
      this.out.diagnostic("[zeromq] " + channelName(channel) + ": error: " + detail);
    }
  }

  /**
   * A received event wants a place in the queue to the script layer.
   * True: queued (call eventsDelivered when handed over). False: dropped
   * and counted.
   */
  admitEvent(): bool {
    if (this.onloopQueueHwm > 0 && this.queued >= this.onloopQueueHwm) {
      this.onloopDrops += 1;
      if (!this.warnedOnloop) {
        this.warnedOnloop = true;
        this.out.diagnostic("[zeromq] warn: dropped a message due to onloop queue full");
      }
      return false;
    }
    this.queued += 1;
    return true;
  }

  /** `n` queued events were handed to the script layer. */
  eventsDelivered(n: i32): void {
    this.queued = n >= this.queued ? 0 : this.queued - n;
  }

  /** The host's XPUB refused an event at its send HWM: count it. */
  xpubDropped(): void {
    this.xpubDrops += 1;
    if (!this.warnedXpub) {
      this.warnedXpub = true;
      this.out.diagnostic("[zeromq] xpub: warn: dropped a message due to hwm");
    }
  }
}
