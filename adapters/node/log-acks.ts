// Acknowledged log delivery, logger side (ours, not upstream's; the sender
// side is log-channels.ts, the protocol docs/reliability.md).
//
// Per sender channel (the sender's node id and its name for our endpoint)
// the logger knows the highest batch number it has written. A batch is
//   - written when it is the next one (seq = written + 1),
//   - a duplicate when it was written already (a resend, or a stale copy
//     still on its way when the resend started): dropped, acknowledged again,
//   - early when batches before it are missing (lost with a logger that was
//     killed, or with a dropped connection): dropped, and the sender is told
//     the last one written with resend=T, so it sends again from there.
// So a channel is written strictly in order, and its state is one number.
// `base` in the header moves the state up: everything below it is settled
// on the sender's side (acknowledged, or sent fire-and-forget, nothing kept),
// so a logger that knows nothing of the channel (first contact, or a restart
// without a journal) starts there instead of waiting for the impossible.
// A host that journals its writes hands the states back at start
// (NodeConfig.logState), so a restarted logger neither writes a batch twice
// nor waits for one it has.
import type { LogDelivery } from "./wire";

/** What a logger wrote of one sender channel. */
export interface LogChannelState {
  /** The sender's node id (frame 1). */
  sender: string;
  /** The sender's channel name (header `chan`). */
  chan: string;
  /** The highest batch number written; 0 = none. */
  written: number;
}

export type LogVerdict = "write" | "duplicate" | "early";

/**
 * The acknowledgement event, published to the sender's node-id topic:
 * (chan, written: count, resend: bool, final: bool). `final`: the logger
 * stops and writes nothing more (absent = F).
 */
export const LOG_ACK_EVENT = "ZmqCluster::log_ack";

export interface PendingAck {
  sender: string;
  chan: string;
  written: number;
  resend: boolean;
}

export class LogAckState {
  private channels = new Map<string, LogChannelState>();
  private due = new Map<string, boolean>();

  /** States from an earlier run (a journal). */
  restore(states: readonly LogChannelState[]): void {
    for (const s of states) {
      const k = key(s.sender, s.chan);
      const c = this.channels.get(k);
      if (!c || c.written < s.written) this.channels.set(k, { sender: s.sender, chan: s.chan, written: s.written });
    }
  }

  /** What to do with a received batch; a duplicate or early one also schedules the answer. */
  verdict(sender: string, d: LogDelivery): LogVerdict {
    const k = key(sender, d.chan);
    let c = this.channels.get(k);
    if (!c) this.channels.set(k, (c = { sender, chan: d.chan, written: d.base - 1 }));
    else if (d.base - 1 > c.written) c.written = d.base - 1;
    if (d.seq === c.written + 1) return "write";
    if (d.seq <= c.written) {
      if (!this.due.has(k)) this.due.set(k, false);
      return "duplicate";
    }
    this.due.set(k, true);
    return "early";
  }

  /** The batch `verdict` said to write is written: acknowledge it. */
  written(sender: string, d: LogDelivery): void {
    const k = key(sender, d.chan);
    const c = this.channels.get(k);
    if (!c || d.seq !== c.written + 1) return;
    c.written = d.seq;
    if (!this.due.has(k)) this.due.set(k, false);
  }

  /** Schedule the state of every channel of `sender` (e.g. it came up: it may wait for them). */
  announce(sender: string): void {
    for (const [k, c] of this.channels) if (c.sender === sender && !this.due.has(k)) this.due.set(k, false);
  }

  get hasDue(): boolean {
    return this.due.size > 0;
  }

  /** The acknowledgements to publish now, one per channel. */
  takeDue(): PendingAck[] {
    const out: PendingAck[] = [];
    for (const [k, resend] of this.due) {
      const c = this.channels.get(k);
      if (c) out.push({ sender: c.sender, chan: c.chan, written: c.written, resend });
    }
    this.due.clear();
    return out;
  }

  /** The last word of a stopping logger: every channel's state, final. */
  finalAcks(): PendingAck[] {
    this.due.clear();
    return [...this.channels.values()].map((c) => ({ sender: c.sender, chan: c.chan, written: c.written, resend: false }));
  }

  /** Every channel's state (for a journal snapshot, or a test). */
  states(): LogChannelState[] {
    return [...this.channels.values()].map((c) => ({ ...c }));
  }
}

function key(sender: string, chan: string): string {
  return `${sender}\0${chan}`;
}
