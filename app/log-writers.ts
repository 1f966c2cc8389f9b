// Loggers write every received stream to <log-dir>/<path>.log, in Zeek's
// JSON style (one object per line, nested record fields already flattened
// as `id.orig_h`) or Zeek's tab-separated ASCII format with its header.
// Ports the observable output of Zeek's Log::WRITER_ASCII (threading/
// formatters/{JSON,Ascii}.cc): time as epoch seconds with 6 decimals, bool
// as T/F (TSV) or true/false (JSON), unset as `-`, empty containers and
// strings as `(empty)`, containers joined by `,`.
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { LogChannelState, LogField, ReceivedLogBatch } from "../adapters/node/index";
import { LogJournal, type Recovery } from "./log-journal";
import { jsonLines } from "./log-json";
import { logValueToText } from "./log-values";

export type LogFormat = "json" | "tsv";

interface OpenLog {
  /** The file name inside the log directory. */
  name: string;
  fd: number;
  fields: LogField[];
  chunks: Buffer[];
  bytes: number;
  /** The file's size as written so far (journaled mode). */
  size: number;
}

const FLUSH_BYTES = 1 << 18;

export class LogFileWriters {
  private files = new Map<string, OpenLog>();
  private flushScheduled = false;
  private journal: LogJournal | undefined;
  /** Records written so far, all files. */
  written = 0;

  /**
   * `journaled`: every batch is written at once, after a journal line
   * (log-journal.ts), so what a killed logger wrote can be told exactly; the
   * node acknowledges a batch once write() returned. Otherwise writes are
   * gathered and flushed on the next turn (or at 256 KiB).
   */
  constructor(
    readonly dir: string,
    readonly format: LogFormat = "json",
    journaled = false,
  ) {
    mkdirSync(dir, { recursive: true });
    if (journaled) this.journal = new LogJournal(dir);
  }

  /**
   * Journaled mode, before the first write: repair what a killed earlier run
   * left half written and return what it wrote per sender channel (for
   * NodeConfig.logState).
   */
  recover(): Recovery {
    if (!this.journal) return { states: [] };
    return this.journal.recover();
  }

  /** recover(), as NodeConfig.logState wants it. */
  recoverStates(): LogChannelState[] {
    return this.recover().states;
  }

  /** Append one batch to its path's file (opening it, with a TSV header, on first use). */
  write(batch: ReceivedLogBatch): void {
    const { header, records } = batch;
    const f = this.open(header.path, header.fields);
    let out: Buffer;
    if (this.format === "json") {
      // jsonLines' buffer is reused by the next batch: kept only as a copy.
      out = jsonLines(header.fields, records);
      if (!this.journal) out = Buffer.from(out);
    } else {
      const names = header.fields.map((x) => x.name);
      let text = "";
      for (const rec of records) {
        let line = "";
        for (let i = 0; i < names.length; i++) line += (i ? "\t" : "") + logValueToText(rec[i]);
        text += line + "\n";
      }
      out = Buffer.from(text);
    }
    f.chunks.push(out);
    f.bytes += out.length;
    this.written += records.length;
    if (this.journal) {
      // Journal line first, data second: see log-journal.ts.
      const data = joinChunks(f.chunks);
      f.chunks = [];
      f.bytes = 0;
      const d = batch.delivery;
      this.journal.record(d ? { f: f.name, o: f.size, n: data.length, s: batch.sender, c: d.chan, q: d.seq } : { f: f.name, o: f.size, n: data.length });
      writeAll(f.fd, data);
      f.size += data.length;
      return;
    }
    if (f.bytes >= FLUSH_BYTES) this.flushFile(f);
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Write everything buffered to the files. */
  flush(): void {
    this.flushScheduled = false;
    for (const f of this.files.values()) this.flushFile(f);
  }

  /** Flush and close every file (TSV gets its #close line). */
  close(): void {
    this.flush();
    for (const f of this.files.values()) {
      if (this.format === "tsv") writeSync(f.fd, `#close\t${zeekDate(new Date())}\n`);
      closeSync(f.fd);
    }
    this.files.clear();
    this.journal?.close();
  }

  private open(path: string, fields: LogField[]): OpenLog {
    let f = this.files.get(path);
    if (f) return f;
    const name = `${safePath(path)}.log`;
    const fd = openSync(join(this.dir, name), "a");
    f = { name, fd, fields, chunks: [], bytes: 0, size: fstatSync(fd).size };
    this.files.set(path, f);
    if (this.format === "tsv") {
      const h = [
        "#separator \\x09",
        "#set_separator\t,",
        "#empty_field\t(empty)",
        "#unset_field\t-",
        `#path\t${path}`,
        `#open\t${zeekDate(new Date())}`,
        `#fields\t${fields.map((x) => x.name).join("\t")}`,
        `#types\t${fields.map((x) => x.type).join("\t")}`,
      ];
      f.chunks.push(Buffer.from(h.join("\n") + "\n"));
    }
    return f;
  }

  private flushFile(f: OpenLog): void {
    if (f.chunks.length === 0) return;
    const data = joinChunks(f.chunks);
    f.chunks = [];
    f.bytes = 0;
    writeAll(f.fd, data);
  }
}

function joinChunks(chunks: Buffer[]): Buffer {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** write(2) until every byte is out (a regular file may take fewer at once). */
function writeAll(fd: number, data: Buffer): void {
  let at = 0;
  while (at < data.length) at += writeSync(fd, data, at, data.length - at);
}

/** Zeek's #open/#close timestamp: 2026-11-25-16-20-38. */
function zeekDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

/** A log path is a file name: no directory parts from a remote sender. */
function safePath(path: string): string {
  const s = path.replace(/[/\\\0]/g, "_").replace(/^\.+/, "_");
  return s.length > 0 ? s : "_";
}
