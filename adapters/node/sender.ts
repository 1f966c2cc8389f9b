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
        if (!(await this.sendOne(msg))) return;
      }
    } finally {
      this.running = false;
      if (this.pending === 0 || this.paused) this.wake();
    }
  }

  /** Send one message under the policy; false once the socket is closed. */
  private async sendOne(msg: Message): Promise<boolean> {
    for (;;) {
      try {
        await this.socket.send(msg);
        this.sent++;
        this.onSent?.(msg);
        return true;
      } catch (err) {
        const e = err as Error & { code?: string };
        if (this.socket.closed) {
          // Closed under a pending send: that message and the rest are lost; say so.
          this.onDrop(msg, "close");
          this.discard();
          return false;
        }
        if (e.code !== "EAGAIN") {
          this.onError(e);
          return true;
        }
        if (this.policy === "drop") {
          this.onDrop(msg, "hwm");
          return true;
        }
        // "wait" on a socket that refuses with EAGAIN (a send timeout, or
        // XPUB_NODROP): try the same message again after the I/O turn.
        await new Promise((r) => setImmediate(r));
      }
    }
  }

  private wake(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }
}
