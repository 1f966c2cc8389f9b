// Acknowledged log delivery, sender side (ours, not upstream's; option
// log_acks, protocol in docs/reliability.md).
//
// Upstream pushes log batches fire-and-forget through one PUSH socket
// connected to every logger: libzmq spreads them round-robin, and a batch in
// flight when a logger dies (in the kernel's buffers, in the dead logger's
// queue or memory) is gone without a trace. Exactness needs to know which
// logger got which batch and whether it wrote it, so here:
//   - one PUSH per logger endpoint (a "channel"), the round-robin done here
//     over the channels with room (invisible on the wire: still PUSH->PULL);
//   - every batch numbered per channel (header keys chan/seq/base, see
//     codec/log.ts) and kept until the logger acknowledges it
//     (ZmqCluster::log_ack, through the broker to our node-id topic);
//   - a channel keeps at most log_ack_window unacknowledged batches; with all
//     windows full, batches wait in a queue of log_sndhwm, beyond which they
//     are dropped and counted (never silently lost);
//   - what a logger may have lost is sent again: everything unacknowledged
//     when its connection comes back (the socket monitor's disconnect and
//     connect), from the first missing batch when the logger reports a gap
//     (an acknowledgement with resend=T), and everything unacknowledged when
//     no acknowledgement came for log_ack_timeout while connected. The
//     logger drops what it already wrote (by number), so resending is safe;
//   - an endpoint that never acknowledges within log_ack_timeout is a logger
//     that does not know the protocol: it is served fire-and-forget, as
//     upstream does (batches still numbered, nothing kept), until it
//     acknowledges after all;
//   - at stop the node waits (log_ack_timeout at most) until every connected
//     logger has acknowledged everything; what is left was either never
//     handed to libzmq (counted in log_drops: certainly not written) or
//     handed but unacknowledged (counted in log_records_unconfirmed: the
//     logger may have written it). A logger that stops first sends its final
//     state (log-acks.ts): what it did not write is then certainly not
//     written, counted in log_drops without a line (upstream loses such
//     records without one), and nobody waits for it.
import * as zmq from "zeromq";
import { Sender, type Message } from "./sender";
import type { LogDelivery } from "./wire";

/** Where a channel's numbers go: the node's counters and report lines. */
export interface LogChannelsHost {
  now(): number;
  /** Records handed to libzmq for the first time (log_records_sent). */
  sent(records: number): void;
  /** Records handed again (log_records_resent). */
  resent(records: number): void;
  /** Records a logger acknowledged (log_records_acked). */
  acked(records: number): void;
  /** Records dropped without having been sent (log_drops), and why ("encode": error() said why). */
  dropped(records: number, reason: "queue" | "close" | "encode"): void;
  /** Records sent but never acknowledged, counted at stop (log_records_unconfirmed). */
  unconfirmed(records: number, endpoint: string): void;
  /**
   * Records kept for a logger that has stopped (it said so: its last
   * acknowledgement was final) and did not come back before we stopped:
   * certainly not written; counted in log_drops without a line, as upstream
   * loses them without one.
   */
  abandoned(records: number): void;
  /** A `[zeromq] ...` line. */
  diagnostic(line: string): void;
  /** A send failure other than a full queue. */
  error(err: Error): void;
}

export interface LogChannelsOptions {
  /** Unacknowledged batches per channel: log_ack_window, and no more than log_sndhwm when that is set. */
  window: number;
  /** log_immediate: only channels with a completed connection take batches (libzmq's ZMQ_IMMEDIATE, done here). */
  immediate: boolean;
  /** log_sndhwm: batches waiting for a window; 0 = unbounded. */
  queueLimit: number;
  /** log_ack_timeout in ms. */
  ackTimeoutMs: number;
  /** Socket options of each PUSH (socketOptionsFor("push")). */
  socketOptions: Record<string, number | boolean>;
}

/** A batch that has no channel yet: encoded once its channel and number are known. */
export interface PendingBatch {
  records: number;
  build(delivery: LogDelivery): Message;
}

interface Entry {
  seq: number;
  records: number;
  msg: Message;
  /** libzmq took it at least once: the logger may have it. */
  handed: boolean;
}

type Tagged = Message & { entry?: Entry; records?: number; resend?: boolean };

type Mode = "probing" | "acked" | "plain";

/** Don't answer the same gap twice within this long (its resend is on its way). */
const RESEND_GUARD_MS = 1000;

/** One log receiver as a sender sees it (log_acks). */
export interface LogReceiverStatus {
  /** The connect_log_endpoints entry. */
  endpoint: string;
  /** libzmq has a connection to it now. */
  connected: boolean;
  /** It has acknowledged batches (an acknowledging logger, not a foreign one). */
  acknowledging: boolean;
  /** It said it is stopping (its final acknowledgement) and has not come back: it writes nothing more. */
  stopped: boolean;
  /** Records sent to it and not yet acknowledged. */
  unacknowledged: number;
}

class Channel {
  mode: Mode = "probing";
  nextSeq = 1;
  acked = 0;
  retained: Entry[] = [];
  firstSentAt = -1;
  lastProgressAt = 0;
  connected = false;
  /** When the current connection was made (-1: not connected). */
  connectedAt = -1;
  /** The logger stopped (its final acknowledgement) and has not reconnected since: it writes nothing more. */
  gone = false;
  lostConnection = false;
  resendFrom = 0;
  resendAt = -Infinity;
  readonly sender: Sender;

  constructor(
    readonly endpoint: string,
    readonly push: zmq.Push,
    owner: LogChannels,
  ) {
    this.sender = new Sender(
      push,
      "wait",
      0, // the window bounds what is queued here
      (msg, reason) => owner.onSocketDrop(this, msg as Tagged, reason),
      (e) => owner.host.error(e),
      false,
      (msg) => owner.onHanded(this, msg as Tagged),
    );
  }

  /** Batches in flight: kept until acknowledged, or (kept = F) not yet in libzmq. */
  inFlight(kept: boolean): number {
    return kept ? this.retained.length : this.sender.pending;
  }
}

export class LogChannels {
  private channels: Channel[] = [];
  private queue: PendingBatch[] = [];
  private rr = 0;
  private timer: NodeJS.Timeout;
  private settleWaiters: (() => void)[] = [];
  private closed = false;
  /**
   * Acknowledgements travel through the broker: until the node is ready to
   * publish (its ready probe came back), none can reach us, and a channel
   * that has never been acknowledged is, for now, fire-and-forget.
   */
  private acksPossible = false;

  constructor(
    endpoints: string[],
    readonly host: LogChannelsHost,
    private o: LogChannelsOptions,
    /** Connect errors surface here (upstream's ConnectError text). */
    connect: (sock: zmq.Push, endpoint: string) => void,
  ) {
    for (const ep of [...new Set(endpoints)]) {
      const push = new zmq.Push(o.socketOptions);
      const ch = new Channel(ep, push, this);
      this.channels.push(ch);
      push.events.on("connect", () => this.onConnect(ch));
      push.events.on("disconnect", () => {
        ch.connected = false;
        ch.connectedAt = -1;
        ch.lostConnection = true;
        this.pump(); // a stop waiting for this logger waits no more
      });
      connect(push, ep);
    }
    this.timer = setInterval(() => this.onTick(), Math.min(1000, Math.max(50, o.ackTimeoutMs / 2)));
    this.timer.unref();
  }

  /** The PUSH sockets (for options, closing and monitors). */
  get sockets(): zmq.Push[] {
    return this.channels.map((c) => c.push);
  }

  /** Queue a batch: to the next channel with room, else wait (bounded by log_sndhwm). */
  enqueue(batch: PendingBatch): void {
    if (this.closed) {
      this.host.dropped(batch.records, "close");
      return;
    }
    if (this.queue.length === 0) {
      const ch = this.pick();
      if (ch) return this.dispatch(ch, batch);
    }
    if (this.o.queueLimit > 0 && this.queue.length >= this.o.queueLimit) {
      this.host.dropped(batch.records, "queue");
      return;
    }
    this.queue.push(batch);
  }

  /**
   * ZmqCluster::log_ack(chan, written, resend, final) arrived for us. `final`:
   * the logger is stopping and has written its last batch; nothing after
   * `written` will be written unless it comes back.
   */
  onAck(chan: string, written: number, resend: boolean, final = false): void {
    const ch = this.channels.find((c) => c.endpoint === chan);
    if (!ch) return;
    const now = this.host.now();
    if (ch.mode !== "acked") {
      if (ch.mode === "plain") this.host.diagnostic(`[zeromq] log: ${ch.endpoint} acknowledges log batches now`);
      ch.mode = "acked";
    }
    written = Math.min(written, ch.nextSeq - 1);
    if (written > ch.acked) {
      let n = 0;
      let records = 0;
      while (n < ch.retained.length && ch.retained[n]!.seq <= written) records += ch.retained[n++]!.records;
      if (n > 0) ch.retained.splice(0, n);
      ch.acked = written;
      ch.lastProgressAt = now;
      if (records > 0) this.host.acked(records);
    }
    if (final) ch.gone = true;
    else if (resend && ch.retained.length > 0) this.resend(ch, written + 1, now, false);
    this.pump();
  }

  /** What each log receiver's channel knows now (ClusterNode.logReceivers()). */
  status(): LogReceiverStatus[] {
    return this.channels.map((c) => ({
      endpoint: c.endpoint,
      connected: c.connected,
      acknowledging: c.mode === "acked",
      stopped: c.gone,
      unacknowledged: c.retained.reduce((n, e) => n + e.records, 0),
    }));
  }

  /** The node is ready: acknowledgements can reach it from now on. */
  brokerReady(): void {
    this.acksPossible = true;
  }

  /** Resolves when nothing is queued or unacknowledged any more, or after `ms` (-1: no limit, 0: at once). */
  async settled(ms: number): Promise<void> {
    this.pump();
    if (this.isSettled() || ms === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((r) => this.settleWaiters.push(r)),
      new Promise<void>((r) => (timer = ms < 0 ? undefined : setTimeout(r, ms))),
    ]);
    clearTimeout(timer);
  }

  /**
   * Stop: count what is left — queued batches and kept batches libzmq never
   * took in log_drops, kept batches it took in log_records_unconfirmed — and
   * forget it. Call before the sockets close.
   */
  finish(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const b of this.queue.splice(0)) this.host.dropped(b.records, "close");
    for (const ch of this.channels) {
      let unsent = 0;
      let unconfirmed = 0;
      // Never acknowledged and never able to be (no broker): fire-and-forget,
      // as upstream; what libzmq took counts as sent, nothing more is known.
      const plain = ch.mode === "probing" && !this.acksPossible;
      for (const e of ch.retained) {
        if (e.handed && plain) continue;
        if (e.handed && !ch.gone) unconfirmed += e.records;
        else unsent += e.records;
      }
      ch.retained = [];
      if (ch.gone && unsent > 0) this.host.abandoned(unsent);
      else if (unsent > 0) this.host.dropped(unsent, "close");
      if (unconfirmed > 0) this.host.unconfirmed(unconfirmed, ch.endpoint);
    }
  }

  /**
   * ZMQ_LINGER for a channel's socket at close: 0 for a logger that has
   * stopped, so what finish() counted as not written cannot arrive at a
   * logger that starts meanwhile.
   */
  lingerFor(sock: zmq.Push, linger: number): number {
    return this.channels.find((c) => c.push === sock)?.gone ? 0 : linger;
  }

  /** Resolves when every socket's queue is in libzmq. */
  idle(): Promise<unknown> {
    return Promise.all(this.channels.map((c) => c.sender.idle()));
  }

  /** Forget what the sockets' queues still hold (counted), at close. */
  discard(): void {
    for (const ch of this.channels) ch.sender.discard();
  }

  // ------------------------------------------------------------- internals

  private pick(): Channel | undefined {
    // A stopped logger only gets batches when no other has room (it may come back).
    for (const takeGone of [false, true]) {
      const n = this.channels.length;
      for (let i = 0; i < n; i++) {
        const ch = this.channels[(this.rr + i) % n]!;
        if (ch.gone !== takeGone) continue;
        if (ch.inFlight(this.keeps(ch)) < this.o.window && (ch.connected || !this.o.immediate)) {
          this.rr = (this.rr + i + 1) % n;
          return ch;
        }
      }
    }
    return undefined;
  }

  private dispatch(ch: Channel, batch: PendingBatch): void {
    const seq = ch.nextSeq;
    // base: every batch below it is settled. Fire-and-forget keeps nothing,
    // so a logger may take this batch as the next whatever it had before.
    const keep = this.keeps(ch);
    const base = keep ? ch.acked + 1 : seq;
    let msg: Tagged;
    try {
      msg = batch.build({ chan: ch.endpoint, seq, base }) as Tagged;
    } catch (err) {
      // The number is not used up: a gap here would stall the channel.
      this.host.error(err as Error);
      this.host.dropped(batch.records, "encode");
      return;
    }
    ch.nextSeq = seq + 1;
    msg.records = batch.records;
    if (keep) {
      const entry: Entry = { seq, records: batch.records, msg, handed: false };
      ch.retained.push(entry);
      msg.entry = entry;
      if (ch.firstSentAt < 0) {
        ch.firstSentAt = this.host.now();
        ch.lastProgressAt = ch.firstSentAt;
      }
    }
    ch.sender.enqueue(msg);
  }

  /**
   * Whether batches for this channel are kept until acknowledged: once it
   * has acknowledged, or while it may still (probing) and acknowledgements
   * can reach us at all (the broker answered). Otherwise fire-and-forget.
   */
  private keeps(ch: Channel): boolean {
    return ch.mode === "acked" || (ch.mode === "probing" && this.acksPossible);
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const ch = this.pick();
      if (!ch) break;
      this.dispatch(ch, this.queue.shift()!);
    }
    if (this.isSettled()) {
      const w = this.settleWaiters;
      this.settleWaiters = [];
      for (const f of w) f();
    }
  }

  /**
   * Nothing waits for a logger that can still write it. A stopped one
   * cannot, and a stop does not wait for a logger that is not connected
   * (stopped without a word, killed, never started): what it did not
   * acknowledge is counted at finish().
   */
  private isSettled(): boolean {
    return (
      this.queue.length === 0 &&
      this.channels.every(
        (c) => c.gone || !c.connected || (c.mode === "probing" && !this.acksPossible) || (c.retained.length === 0 && c.sender.pending === 0),
      )
    );
  }

  /** Send again every kept batch from `from` on that libzmq has taken (the rest is still queued). */
  private resend(ch: Channel, from: number, now: number, force: boolean): void {
    // A resend from `from` or earlier is on its way: the batches that made
    // the logger report this gap were sent before it.
    if (!force && ch.resendFrom <= from && now - ch.resendAt < RESEND_GUARD_MS) return;
    ch.resendFrom = from;
    ch.resendAt = now;
    let records = 0;
    for (const e of ch.retained) {
      if (e.seq < from || !e.handed) continue;
      const copy = [...e.msg] as Tagged;
      copy.entry = e;
      copy.records = e.records;
      copy.resend = true;
      ch.sender.enqueue(copy);
      records += e.records;
    }
    if (records > 0) this.host.resent(records);
  }

  private onConnect(ch: Channel): void {
    ch.connected = true;
    ch.connectedAt = this.host.now();
    ch.gone = false;
    if (this.o.immediate) this.pump();
    if (!ch.lostConnection) return;
    ch.lostConnection = false;
    // The logger (or the connection) went away: what it had not written yet
    // may be lost. It drops what it already has, so send it all again — once
    // it has shown that it does (a logger that never acknowledged may be one
    // that writes whatever it gets, twice if sent twice).
    if (ch.mode === "acked" && ch.retained.length > 0) this.resend(ch, ch.acked + 1, this.host.now(), true);
  }

  private onTick(): void {
    const now = this.host.now();
    for (const ch of this.channels) {
      // Only a logger that is connected and has had batches for a while can
      // be judged: one that is not up yet keeps its batches waiting.
      const probed = ch.firstSentAt >= 0 && ch.connected ? now - Math.max(ch.firstSentAt, ch.connectedAt) : 0;
      if (ch.mode === "probing" && ch.acked === 0 && probed > this.o.ackTimeoutMs) {
        ch.mode = "plain";
        // Nothing is kept any more: a batch still queued for the socket is
        // now a fire-and-forget one (counted as a drop if it never gets out).
        for (const e of ch.retained) (e.msg as Tagged).entry = undefined;
        ch.retained = [];
        this.host.diagnostic(
          `[zeromq] log: ${ch.endpoint} has not acknowledged a log batch in ${this.o.ackTimeoutMs / 1000} s: ` +
            "sending fire-and-forget (a logger without acknowledgements? log_acks=F says so up front)",
        );
        continue;
      }
      if (ch.mode !== "acked" || ch.retained.length === 0 || !ch.connected) continue;
      if (now - Math.max(ch.lastProgressAt, ch.resendAt) > this.o.ackTimeoutMs) this.resend(ch, ch.acked + 1, now, true);
    }
    this.pump();
  }

  /** libzmq took a message. */
  onHanded(ch: Channel, msg: Tagged): void {
    const records = msg.records ?? 0;
    if (msg.entry) msg.entry.handed = true;
    if (!msg.resend) this.host.sent(records);
    if (!msg.entry) this.pump();
  }

  /** A socket's queue dropped a message (closed under it, or discarded at stop). */
  onSocketDrop(_ch: Channel, msg: Tagged, _reason: string): void {
    // A kept batch (or a copy sent again) is counted once, by finish() or by
    // its acknowledgement; a fire-and-forget one only here.
    if (msg.resend || msg.entry) return;
    this.host.dropped(msg.records ?? 0, "close");
  }
}
