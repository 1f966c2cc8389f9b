// One socket's outbound queue.
//
// zeromq.js allows a single pending send per socket (a second one throws
// EBUSY), so every socket that more than one caller writes to gets exactly
// one of these: callers enqueue, one loop awaits each send in order.
//
// Two policies, matching upstream's two send paths:
//   "drop" (the XPUB, ZeroMQ.cc's dontwait + XPUB_NODROP): a send refused
//     with EAGAIN (HWM reached) drops that message and reports it; the
//     caller counts it as xpub_drops. The JS queue is bounded by the same
//     HWM, so a synchronous burst cannot grow memory without bound either;
//     when it is full the *oldest* queued message is dropped, not the new
//     one. Upstream's publish() blocks on the inproc PAIR and its I/O thread
//     offers every message, oldest first, to the XPUB, dropping those that
//     meet a full pipe, so the last event of a burst still gets its turn.
//     Dropping the newest instead would cut the tail of every burst larger
//     than the HWM, deterministically: an event published after a burst
//     (a done() or finish()) could never get out while the overload lasts.
//   "wait" (subscription frames on the XSUB, log batches on the PUSH): wait
//     for libzmq to take the message; only the JS queue's bound drops.
// A limit of 0 means unbounded, as a HWM of 0 does.
//
// Sends are tried at once (sendTimeout 0): with the default timeout
// zeromq.js first asks libzmq whether the socket is writable (ZMQ_EVENTS, a
// poll() on the socket's mailbox per message; the publisher's profile had
// 40% of its time in send()). Only a send refused with EAGAIN under "wait"
// is then retried with an infinite timeout, i.e. it waits for room as
// before. Under "drop" nothing changes: XPUB_NODROP refuses at the HWM with
// EAGAIN at once whatever the timeout.

import type { Socket, Writable } from "zeromq";

export type Message = (Buffer | Uint8Array | string)[];
export type SendPolicy = "drop" | "wait";
export type DropReason = "queue" | "hwm" | "close";

export class Sender {
  private queue: Message[] = [];
  private head = 0;
  private running = false;
  private paused: boolean;
  private idleWaiters: (() => void)[] = [];
  /** Messages libzmq accepted. */
  sent = 0;

  constructor(
    private socket: Writable & Socket,
    private policy: SendPolicy,
    /** Largest number of queued messages; 0 = unbounded. */
    private limit: number,
    /** A message was dropped (queue full, EAGAIN under "drop", or discarded at close). */
    private onDrop: (msg: Message, reason: DropReason) => void,
    /** A send failed for another reason (socket closed, bad frame). */
    private onError: (err: Error) => void,
    startPaused = false,
    /** libzmq accepted a message (it is in the socket's queue now). */
    private onSent?: (msg: Message) => void,
  ) {
    this.paused = startPaused;
    if (!socket.closed) socket.sendTimeout = 0;
  }

  get pending(): number {
    return this.queue.length - this.head;
  }

  /**
   * Queue a message. When the queue is full, "drop" makes room by dropping
   * the oldest queued message (see above) and returns true; "wait" drops
   * this message and returns false.
   */
  enqueue(msg: Message): boolean {
    if (this.limit > 0 && this.pending >= this.limit) {
      if (this.policy === "wait") {
        this.onDrop(msg, "queue");
        return false;
      }
      const oldest = this.queue[this.head];
      this.queue[this.head++] = undefined as unknown as Message;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.onDrop(oldest, "queue");
    }
    this.queue.push(msg);
    if (!this.running && !this.paused) void this.drain();
    return true;
  }

  /** Hold sends (before the node is ready to publish). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    if (!this.running && this.pending > 0) void this.drain();
  }

  /** Resolves when the queue is empty and no send is in flight. */
  idle(): Promise<void> {
    if (!this.running && this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forget everything queued (at close). */
  clear(): void {
    this.queue = [];
    this.head = 0;
    this.wake();
  }

  /**
   * Forget everything queued, reporting each message to onDrop("close"), so
   * what an orderly stop could not get out in time is counted, not lost
   * silently. Returns how many messages were discarded.
   */
  discard(): number {
    const left = this.queue.slice(this.head);
    this.clear();
    for (const msg of left) this.onDrop(msg, "close");
    return left.length;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.head < this.queue.length && !this.paused) {
        const msg = this.queue[this.head];
        this.queue[this.head++] = undefined as unknown as Message;
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        // The common case inline (no promise of our own per message).
        try {
          await this.socket.send(msg);
          this.sent++;
          this.onSent?.(msg);
        } catch (err) {
          if (!(await this.refused(msg, err as Error & { code?: string }))) return;
        }
      }
    } finally {
      this.running = false;
      if (this.pending === 0 || this.paused) this.wake();
    }
  }

  /** A send of `msg` failed with `err`: apply the policy. False once the socket is closed. */
  private async refused(msg: Message, err: Error & { code?: string }): Promise<boolean> {
    try {
      return await this.retry(msg, err);
    } finally {
      if (!this.socket.closed && this.socket.sendTimeout !== 0) this.socket.sendTimeout = 0;
    }
  }

  private async retry(msg: Message, err: Error & { code?: string }): Promise<boolean> {
    for (;;) {
      if (this.socket.closed) {
        // Closed under a pending send: that message and the rest are lost; say so.
        this.onDrop(msg, "close");
        this.discard();
        return false;
      }
      if (err.code !== "EAGAIN") {
        this.onError(err);
        return true;
      }
      if (this.policy === "drop") {
        this.onDrop(msg, "hwm");
        return true;
      }
      // "wait": no room now. Wait for it with libzmq (an infinite timeout);
      // a socket that still refuses at once (XPUB_NODROP) is tried again
      // after the I/O turn.
      if (this.socket.sendTimeout === 0) this.socket.sendTimeout = -1;
      else await new Promise((r) => setImmediate(r));
      try {
        await this.socket.send(msg);
        this.sent++;
        this.onSent?.(msg);
        return true;
      } catch (e) {
        err = e as Error & { code?: string };
      }
    }
  }

  private wake(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }
}
