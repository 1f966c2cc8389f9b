// The log receiver's write journal (ours; acknowledged log delivery,
// docs/reliability.md). Before each write to a log file, one line goes to
// <log-dir>/.zmq-cluster-journal:
//
//   {"f":"conn.log","o":<offset>,"n":<bytes>,"s":"<sender id>","c":"<chan>","q":<seq>}
//
// (s/c/q only for numbered batches). The journal line is written first, the
// data second, and the batch is acknowledged third. So after a kill -9 the
// journal's last line names the only write that may be incomplete: if its
// file is shorter than offset + bytes, that write did not (fully) happen, and
// the file is cut back to the offset. Every earlier journaled batch is in its
// file, every later one was never started. The highest batch number per
// sender channel is what the restarted logger tells the senders it has, so
// they send the rest again and nothing is written twice.
//
// Process deaths (kill -9, a crash) are covered: a write(2) that returned is
// in the page cache and survives the process. A machine crash or power loss
// is not (no fsync per batch; that would cost more than the logging).
//
// The journal is rewritten as a snapshot (one line with every channel's
// state) once it passes a size, by writing a new file and renaming it over
// the old one (atomic), so it never grows without bound.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, renameSync, statSync, truncateSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { LogChannelState } from "../adapters/node/index";

export const JOURNAL_FILE = ".zmq-cluster-journal";
/** Rewrite the journal as a snapshot beyond this size. */
const COMPACT_BYTES = 4 << 20;
/** Channels kept in a snapshot at most (the most recently written win): old senders' ids pile up otherwise. */
const MAX_CHANNELS = 10_000;

export interface JournalWrite {
  /** The file name inside the log directory. */
  f: string;
  o: number;
  n: number;
  s?: string;
  c?: string;
  q?: number;
}

interface Snapshot {
  snapshot: LogChannelState[];
}

export interface Recovery {
  states: LogChannelState[];
  /** The file cut back because its last write was incomplete, if any. */
  repaired?: { file: string; from: number; to: number };
}

export class LogJournal {
  private fd = -1;
  private bytes = 0;
  /** Channel states as of the journal (insertion order = least recently written first). */
  private channels = new Map<string, LogChannelState>();

  constructor(readonly dir: string) {}

  get path(): string {
    return join(this.dir, JOURNAL_FILE);
  }

  /**
   * Read the journal left by an earlier run, repair its last write, and
   * return what was written per sender channel. Call once, before writing.
   */
  recover(): Recovery {
    const out: Recovery = { states: [] };
    if (existsSync(this.path)) {
      const lines = readFileSync(this.path, "utf8").split("\n");
      let last: JournalWrite | undefined;
      for (const line of lines) {
        if (!line) continue;
        let x: JournalWrite | Snapshot;
        try {
          x = JSON.parse(line);
        } catch {
          continue; // the last line, torn by the kill: its write never started
        }
        if ("snapshot" in x) {
          for (const s of x.snapshot) this.setChannel(s.sender, s.chan, s.written);
          last = undefined;
          continue;
        }
        last = x;
        if (x.s !== undefined && x.c !== undefined && x.q !== undefined) this.setChannel(x.s, x.c, x.q);
      }
      if (last) {
        const file = join(this.dir, last.f);
        const size = existsSync(file) ? statSync(file).size : 0;
        if (size < last.o + last.n) {
          // The write did not (fully) happen: cut off what it left, and the
          // batch counts as not written.
          if (size > last.o) truncateSync(file, last.o);
          out.repaired = { file, from: size, to: Math.min(size, last.o) };
          if (last.s !== undefined && last.c !== undefined && last.q !== undefined) {
            // A channel's batches are written in order: the one before is its last.
            if (last.q > 1) this.setChannel(last.s, last.c, last.q - 1);
            else this.channels.delete(`${last.s}\0${last.c}`);
          }
        }
      }
    }
    out.states = [...this.channels.values()].map((c) => ({ ...c }));
    // Start the new run's journal from a snapshot of what we know.
    this.compact();
    return out;
  }

  /** Journal a write that is about to happen (the previous one has completed). */
  record(w: JournalWrite): void {
    // Compact here, never between a journal line and its write: a snapshot
    // holds only completed writes, so the last line always names the one
    // write that may be incomplete.
    if (this.bytes > COMPACT_BYTES) this.compact();
    if (this.fd < 0) this.openForAppend();
    const line = JSON.stringify(w) + "\n";
    writeSync(this.fd, line);
    this.bytes += Buffer.byteLength(line);
    if (w.s !== undefined && w.c !== undefined && w.q !== undefined) this.setChannel(w.s, w.c, w.q);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private setChannel(sender: string, chan: string, written: number): void {
    const k = `${sender}\0${chan}`;
    this.channels.delete(k); // re-insert: most recently written last
    this.channels.set(k, { sender, chan, written });
    if (this.channels.size > MAX_CHANNELS) this.channels.delete(this.channels.keys().next().value!);
  }

  private openForAppend(): void {
    this.fd = openSync(this.path, "a");
    this.bytes = fstatSync(this.fd).size;
  }

  /** Replace the journal by one snapshot line (write a new file, rename it over the old one). */
  private compact(): void {
    this.close();
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, "w");
    const snap: Snapshot = { snapshot: [...this.channels.values()] };
    writeSync(fd, JSON.stringify(snap) + "\n");
    closeSync(fd);
    renameSync(tmp, this.path);
    this.openForAppend();
  }
}
