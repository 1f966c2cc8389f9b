// Log write batching, ported from src/logging/WriterFrontend.cc.
//
// One buffer per (stream, filter, path, writer), i.e. per WriterFrontend.
// A buffer is flushed
//   - as soon as it holds Log::write_buffer_size records (default 1000),
//   - at the first timeout at or after Log::flush_interval (default 1 s)
//     since its first record (0 disables the timer, as upstream), and
//   - all of them on shutdown (flushAll).
// One flush is one log_batch output, which the host turns into one 4-frame
// message on the PUSH socket.
//
// Records are opaque to the core: the host keeps each stream's pending
// records in order, and a log_batch(key, count) output tells it to send the
// `count` oldest. That keeps record bytes (and msgpack) out of the core and
// off the JS <-> Wasm boundary; the core decides only *when*.

import { Outbox } from "./outputs";

export class Batcher {
  /** Log::write_buffer_size. */
  writeBufferSize: i32 = 1000;
  /** Log::flush_interval in milliseconds; 0 = no timer. */
  flushIntervalMs: f64 = 1000;
  out: Outbox = new Outbox();

  /** Registered streams, by key. */
  streams: Array<string> = [];
  filters: Array<string> = [];
  paths: Array<string> = [];
  writers: Array<string> = [];
  index: Map<string, i32> = new Map<string, i32>();

  /** Pending records per key, and when the oldest of them was written. */
  pending: Array<i32> = [];
  firstAt: Array<f64> = [];
  /** Records written in total (all keys). */
  written: f64 = 0;
  /**
   * The smallest firstAt over keys with pending records (when anyPending),
   * kept as writes arrive; recomputed only after a flush (`stale`). Hosts
   * ask pollTimeout after every input: this keeps that O(1) whatever the
   * number of streams, and cheap to call into Wasm.
   */
  earliest: f64 = 0;
  anyPending: bool = false;
  stale: bool = false;

  /**
   * The key of a (stream, filter, path, writer) buffer, creating it on first
   * use. Hosts call this once per stream and then pass the integer.
   */
  register(stream: string, filter: string, path: string, writer: string): i32 {
    const name = stream + "\u0000" + filter + "\u0000" + path + "\u0000" + writer;
    if (this.index.has(name)) return this.index.get(name)!;
    const key = this.streams.length;
    this.index.set(name, key);
    this.streams.push(stream);
    this.filters.push(filter);
    this.paths.push(path);
    this.writers.push(writer);
    this.pending.push(0);
    this.firstAt.push(0);
    return key;
  }

  /** Input: the node logged one record to buffer `key`. Returns false for an unknown key. */
  write(key: i32, now: f64): bool {
    if (key < 0 || key >= this.pending.length) return false;
    const n = this.pending[key];
    if (n == 0) {
      this.firstAt[key] = now;
      if (!this.stale && (!this.anyPending || now < this.earliest)) {
        this.earliest = now;
        this.anyPending = true;
      }
    }
    this.pending[key] = n + 1;
    this.written += 1;
    if (n + 1 >= this.writeBufferSize) this.flush(key);
    return true;
  }

  /** Input: time is `now`; flush every buffer whose interval has passed. */
  handleTimeout(now: f64): void {
    if (this.flushIntervalMs <= 0) return;
    for (let key = 0; key < this.pending.length; key++) {
      if (this.pending[key] > 0 && this.firstAt[key] + this.flushIntervalMs <= now) this.flush(key);
    }
  }

  /** Input: shutdown (or Log::flush); flush every non-empty buffer now. */
  flushAll(): void {
    for (let key = 0; key < this.pending.length; key++) {
      if (this.pending[key] > 0) this.flush(key);
    }
  }

  /** The earliest flush deadline, or -1. */
  pollTimeout(): f64 {
    if (this.flushIntervalMs <= 0) return -1;
    if (this.stale) {
      this.anyPending = false;
      for (let key = 0; key < this.pending.length; key++) {
        if (this.pending[key] == 0) continue;
        const at = this.firstAt[key];
        if (!this.anyPending || at < this.earliest) {
          this.earliest = at;
          this.anyPending = true;
        }
      }
      this.stale = false;
    }
    // The same interval for every key: the earliest first write has the
    // earliest deadline.
    return this.anyPending ? this.earliest + this.flushIntervalMs : -1;
  }

  private flush(key: i32): void {
    this.out.logBatch(key, this.pending[key]);
    this.pending[key] = 0;
    this.stale = true;
  }
}
