// Zeek-style JSON log lines, written as bytes.
//
// The logger's hot path: one line per record, `{"name":value,...}` with
// unset fields left out, for every received batch. Building each line as a
// JavaScript string (a concatenation per field, then one UTF-8 conversion of
// the whole batch for the file) cost more than decoding the batch. Here
// every column gets, once per batch, its `"name":` bytes and a writer for
// its Zeek type that puts the value's text straight into one byte buffer:
// an address or a port from its numbers, a plain ASCII string as it is.
// The text is exactly logValueToJson's (test/cli/log-json.test.ts): a value
// that is not the type's usual class, and anything that needs escaping or a
// number's shortest round-trip text, is made by the same JavaScript calls.

import { Buffer } from "node:buffer";
import { Addr, EnumValue, Interval, Port, Time, type LogField } from "../adapters/node/codec/index";
import { escapeUtf8, logValueToJson } from "./log-values";

/** A growing byte buffer for one batch's lines. */
class Out {
  buf = Buffer.allocUnsafe(1 << 16);
  view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  pos = 0;

  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.length);
  }

  /** A `"name":` prefix, four bytes per store (twice as fast as byte by byte). */
  key(k: Key): void {
    this.room(k.length);
    const v = this.view;
    let p = this.pos;
    const words = k.words;
    for (let i = 0; i < words.length; i++, p += 4) v.setUint32(p, words[i]!);
    const tail = k.tail;
    const b = this.buf;
    for (let i = 0; i < tail.length; i++) b[p++] = tail[i]!;
    this.pos = p;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** A string known to be ASCII (a number's text, an address). */
  ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any string, as UTF-8. */
  utf8(s: string): void {
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  /** A non-negative integer below 2^53, in decimal. */
  uint(x: number): void {
    if (x < 2147483648) return this.int31(x);
    const hi = Math.floor(x / 1e9);
    this.int31(hi);
    this.digits(x - hi * 1e9, 9);
  }

  /** 0 <= x < 2^31: int32 arithmetic, which V8 turns into multiplications. */
  private int31(x: number): void {
    const n =
      x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : x < 10000 ? 4 : x < 100000 ? 5 : x < 1000000 ? 6 : x < 10000000 ? 7 : x < 100000000 ? 8 : x < 1000000000 ? 9 : 10;
    this.digits(x, n);
  }

  /** The last `n` decimal digits of 0 <= x < 2^31, leading zeros included. */
  digits(x: number, n: number): void {
    this.room(n);
    const b = this.buf;
    let p = this.pos + n;
    this.pos = p;
    for (let i = 0; i < n; i++) {
      const q = (x / 10) | 0;
      b[--p] = 0x30 + x - q * 10;
      x = q;
    }
  }
}

/**
 * String(x) for a double: by hand for a positive one below 2^33 that is a
 * whole number of microseconds (what Zeek times and intervals usually are,
 * and JavaScript's number-to-text was the largest part of a line), else
 * String(x) itself. Measured ~130-160 ns per time value vs ~250-400 ns.
 *
 * Why the hand-made text is String(x): m / 1e6 === x says the decimal
 * m·10^-6 rounds to x (the division is correctly rounded, as parsing the
 * decimal is). Below 2^33 neighbouring doubles are less than 10^-6 apart,
 * so no decimal with fewer digits rounds to x as well; m·10^-6 without its
 * trailing zeros is then the shortest decimal for x, which is what
 * Number::toString prints (plain notation from 1e-6 to 1e21).
 */
function decimal(o: Out, x: number): void {
  if (x > 0 && x < 8589934592) {
    const m = Math.round(x * 1e6);
    if (m / 1e6 === x) {
      const frac = m % 1e6;
      o.uint((m - frac) / 1e6);
      if (frac !== 0) {
        let f = frac;
        let n = 6;
        while (f % 10 === 0) {
          f = (f / 10) | 0;
          n--;
        }
        o.byte(0x2e); // .
        o.digits(f, n);
      }
      return;
    }
  }
  o.ascii(String(x));
}

/** Bytes to copy often: as big-endian 32-bit words and the 0-3 bytes left over. */
interface Key {
  length: number;
  words: Uint32Array;
  tail: Uint8Array;
}

function keyOf(text: string): Key {
  const b = Buffer.from(text);
  const n = b.length >> 2;
  const words = new Uint32Array(n);
  for (let i = 0; i < n; i++) words[i] = b.readUInt32BE(4 * i);
  return { length: b.length, words, tail: Uint8Array.from(b.subarray(4 * n)) };
}

type ValueWriter = (o: Out, v: unknown) => void;

const generic: ValueWriter = (o, v) => o.utf8(logValueToJson(v));

/** A JSON string for `s`: quoted as it is when nothing in it needs escaping, else Zeek's escaping, then JSON.stringify. */
function jsonString(o: Out, s: string): void {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      o.utf8(JSON.stringify(escapeUtf8(s)));
      return;
    }
  }
  o.room(n + 2);
  const b = o.buf;
  let p = o.pos;
  b[p++] = 0x22;
  for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
  b[p++] = 0x22;
  o.pos = p;
}

const TWO_53 = 2n ** 53n;

function writeAddr(o: Out, a: Addr): void {
  const b = a.bytes;
  if (b.length !== 4) {
    o.byte(0x22);
    o.ascii(a.toString());
    o.byte(0x22);
    return;
  }
  o.byte(0x22);
  o.uint(b[0]!);
  o.byte(0x2e);
  o.uint(b[1]!);
  o.byte(0x2e);
  o.uint(b[2]!);
  o.byte(0x2e);
  o.uint(b[3]!);
  o.byte(0x22);
}

/** The writer for values of Zeek type `type` (logValueToJson's text, always). */
function valueWriter(type: string): ValueWriter {
  switch (type) {
    case "string":
      return (o, v) => (typeof v === "string" ? jsonString(o, v) : generic(o, v));
    case "enum":
      return (o, v) => (v instanceof EnumValue ? jsonString(o, v.name) : generic(o, v));
    case "count":
      return (o, v) => (typeof v === "bigint" && v >= 0n && v < TWO_53 ? o.uint(Number(v)) : generic(o, v));
    case "double":
      return (o, v) => (typeof v === "number" && Number.isFinite(v) ? decimal(o, v) : generic(o, v));
    case "bool":
      return (o, v) => (v === true ? o.ascii("true") : v === false ? o.ascii("false") : generic(o, v));
    case "time":
      return (o, v) => (v instanceof Time && Number.isFinite(v.seconds) ? decimal(o, v.seconds) : generic(o, v));
    case "interval":
      return (o, v) => (v instanceof Interval && Number.isFinite(v.seconds) ? decimal(o, v.seconds) : generic(o, v));
    case "addr":
      return (o, v) => (v instanceof Addr ? writeAddr(o, v) : generic(o, v));
    case "port":
      return (o, v) => (v instanceof Port ? o.uint(v.number) : generic(o, v)); // a number, as upstream
    default:
      return generic;
  }
}

// One buffer for all batches (copied out per batch), so its growth is paid once.
let shared = new Out();

/**
 * The JSON lines of a batch's records, as logValueToJson and Zeek's JSON
 * writer spell them. The result is a view into a buffer the next call
 * overwrites: write it out (or copy it) before then. Copying every batch
 * out of the reused buffer cost more than formatting a tenth of it (fresh
 * pages for each copy).
 */
export function jsonLines(fields: readonly LogField[], records: readonly (readonly unknown[])[]): Buffer {
  const width = fields.length;
  const first = fields.map((f) => keyOf(JSON.stringify(f.name) + ":"));
  const next = fields.map((f) => keyOf("," + JSON.stringify(f.name) + ":"));
  const write = fields.map((f) => valueWriter(f.type));
  const o = shared;
  o.pos = 0;
  for (const rec of records) {
    o.byte(0x7b); // {
    let none = true;
    for (let i = 0; i < width; i++) {
      const v = rec[i];
      if (v === undefined || v === null) continue; // Zeek's JSON writer omits unset fields
      o.key(none ? first[i]! : next[i]!);
      write[i]!(o, v);
      none = false;
    }
    o.room(2);
    o.buf[o.pos++] = 0x7d; // }
    o.buf[o.pos++] = 0x0a;
  }
  const out = o.buf.subarray(0, o.pos);
  if (o.buf.length > 1 << 24) shared = new Out(); // do not keep a huge one (out keeps the old buffer alive)
  return out;
}
