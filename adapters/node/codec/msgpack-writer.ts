// A MessagePack writer for the log hot path: values go straight into one
// growing byte buffer, in the canonical form docs/wire-format.md §3 asks
// for and msgpackr (useRecords: false) writes — shortest headers, float 64
// for doubles, fixext when the payload has 1/2/4/8/16 bytes.
//
// Why not msgpackr here: msgpackr cannot write a float 64 for an integral
// double or our ext types by itself, so the generic path (value-codec.ts)
// builds a tree with a small RawBytes object per such value and then packs
// the tree. For a log record of ten typed columns that tree was most of the
// encoding time and most of the garbage. This writer has no such objects:
// a column writer (log-columns.ts) knows its type and writes the bytes.
// test/codec/log-columns.test.ts checks it byte for byte against the
// generic path.

import { Buffer } from "node:buffer";
import { isWellFormed } from "./values";

const TEXT_IN_JS = 64; // shorter strings are encoded in JS (no native call)

export class MsgWriter {
  buf: Buffer;
  pos = 0;

  constructor(size = 16384) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  /** A copy of what was written (the writer's buffer is reused). */
  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  nil(): void {
    this.byte(0xc0);
  }

  bool(v: boolean): void {
    this.byte(v ? 0xc3 : 0xc2);
  }

  /** float 64, whatever the number (also integral ones and -0). */
  float64(n: number): void {
    this.ensure(9);
    this.buf[this.pos] = 0xcb;
    this.buf.writeDoubleBE(n, this.pos + 1);
    this.pos += 9;
  }

  arrayHeader(n: number): void {
    this.ensure(5);
    const b = this.buf;
    if (n < 16) b[this.pos++] = 0x90 | n;
    else if (n < 0x10000) {
      b[this.pos] = 0xdc;
      b[this.pos + 1] = n >> 8;
      b[this.pos + 2] = n & 0xff;
      this.pos += 3;
    } else {
      b[this.pos] = 0xdd;
      b.writeUInt32BE(n, this.pos + 1);
      this.pos += 5;
    }
  }

  /** The header of an ext value with an `n`-byte payload, its type byte included. */
  extHeader(type: number, n: number): void {
    this.ensure(6);
    const b = this.buf;
    let at = this.pos;
    const fixed = n === 1 ? 0xd4 : n === 2 ? 0xd5 : n === 4 ? 0xd6 : n === 8 ? 0xd7 : n === 16 ? 0xd8 : 0;
    if (fixed) b[at++] = fixed;
    else if (n < 0x100) {
      b[at++] = 0xc7;
      b[at++] = n;
    } else if (n < 0x10000) {
      b[at++] = 0xc8;
      b[at++] = n >> 8;
      b[at++] = n & 0xff;
    } else {
      b[at++] = 0xc9;
      b.writeUInt32BE(n, at);
      at += 4;
    }
    b[at++] = type;
    this.pos = at;
  }

  /** ext `type` holding a big-endian float 64 (time, interval). */
  extFloat64(type: number, n: number): void {
    this.ensure(10);
    const b = this.buf;
    b[this.pos] = 0xd7;
    b[this.pos + 1] = type;
    b.writeDoubleBE(n, this.pos + 2);
    this.pos += 10;
  }

  /** ext `type` holding `v` big-endian in the fewest of 1, 2, 4 or 8 bytes (count). */
  extUnsigned(type: number, v: bigint): void {
    if (v < 0x100000000n) {
      const x = Number(v);
      const n = x < 0x100 ? 1 : x < 0x10000 ? 2 : 4;
      this.extHeader(type, n);
      this.buf.writeUIntBE(x, this.pos, n);
      this.pos += n;
    } else {
      this.extHeader(type, 8);
      this.buf.writeBigUInt64BE(v, this.pos);
      this.pos += 8;
    }
  }

  /** ext `type` holding `v` two's-complement big-endian in the fewest of 1, 2, 4 or 8 bytes (int). */
  extSigned(type: number, v: bigint): void {
    if (v >= -0x80000000n && v < 0x80000000n) {
      const x = Number(v);
      const n = x >= -0x80 && x < 0x80 ? 1 : x >= -0x8000 && x < 0x8000 ? 2 : 4;
      this.extHeader(type, n);
      this.buf.writeIntBE(x, this.pos, n);
      this.pos += n;
    } else {
      this.extHeader(type, 8);
      this.buf.writeBigInt64BE(v, this.pos);
      this.pos += 8;
    }
  }

  /** bin 8/16/32 (a string that is raw bytes). */
  bin(v: Uint8Array): void {
    const n = v.length;
    this.ensure(5 + n);
    const b = this.buf;
    if (n < 0x100) {
      b[this.pos] = 0xc4;
      b[this.pos + 1] = n;
      this.pos += 2;
    } else if (n < 0x10000) {
      b[this.pos] = 0xc5;
      b[this.pos + 1] = n >> 8;
      b[this.pos + 2] = n & 0xff;
      this.pos += 3;
    } else {
      b[this.pos] = 0xc6;
      b.writeUInt32BE(n, this.pos + 1);
      this.pos += 5;
    }
    b.set(v, this.pos);
    this.pos += n;
  }

  /**
   * str with the UTF-8 of `s`; false (and nothing written) if `s` has an
   * unpaired surrogate, which UTF-8 cannot carry (the caller reports it).
   */
  str(s: string): boolean {
    const len = s.length;
    // The header's size follows from the UTF-16 length (as in msgpackr); the
    // bytes are moved if the UTF-8 length needs another.
    const head = len < 0x20 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : 5;
    // Room for the largest header either way (5 bytes) and 3 bytes per UTF-16 unit.
    this.ensure(5 + len * 3);
    const start = this.pos;
    const n = this.utf8At(s, start + head);
    if (n < 0) return false;
    this.strHeader(start, head, n);
    return true;
  }

  /** ext `type` whose payload is the UTF-8 of `s` (enum); false on an unpaired surrogate. */
  extStr(type: number, s: string): boolean {
    const len = s.length;
    // The UTF-8 goes 6 bytes in (room for the largest header), then the
    // header is written and the bytes moved next to it.
    this.ensure(6 + len * 3);
    const start = this.pos;
    const n = this.utf8At(s, start + 6);
    if (n < 0) return false;
    this.extHeader(type, n);
    if (this.pos !== start + 6) this.buf.copyWithin(this.pos, start + 6, start + 6 + n);
    this.pos += n;
    return true;
  }

  /** Writes the UTF-8 of `s` at `at` (room is there); its length, or -1 on an unpaired surrogate. */
  private utf8At(s: string, at: number): number {
    const b = this.buf;
    const len = s.length;
    if (len >= TEXT_IN_JS) {
      if (!isWellFormed(s)) return -1;
      return b.write(s, at, "utf8");
    }
    let p = at;
    for (let i = 0; i < len; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) b[p++] = c;
      else if (c < 0x800) {
        b[p++] = (c >> 6) | 0xc0;
        b[p++] = (c & 0x3f) | 0x80;
      } else if ((c & 0xf800) === 0xd800) {
        const c2 = s.charCodeAt(i + 1);
        if (c >= 0xdc00 || (c2 & 0xfc00) !== 0xdc00) return -1;
        c = 0x10000 + ((c & 0x3ff) << 10) + (c2 & 0x3ff);
        i++;
        b[p++] = (c >> 18) | 0xf0;
        b[p++] = ((c >> 12) & 0x3f) | 0x80;
        b[p++] = ((c >> 6) & 0x3f) | 0x80;
        b[p++] = (c & 0x3f) | 0x80;
      } else {
        b[p++] = (c >> 12) | 0xe0;
        b[p++] = ((c >> 6) & 0x3f) | 0x80;
        b[p++] = (c & 0x3f) | 0x80;
      }
    }
    return p - at;
  }

  /** The str header for `n` bytes written at start + head; moves them if the header has another size. */
  private strHeader(start: number, head: number, n: number): void {
    const b = this.buf;
    const need = n < 0x20 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
    if (need !== head) b.copyWithin(start + need, start + head, start + head + n);
    if (need === 1) b[start] = 0xa0 | n;
    else if (need === 2) {
      b[start] = 0xd9;
      b[start + 1] = n;
    } else if (need === 3) {
      b[start] = 0xda;
      b[start + 1] = n >> 8;
      b[start + 2] = n & 0xff;
    } else {
      b[start] = 0xdb;
      b.writeUInt32BE(n, start + 1);
    }
    this.pos = start + need + n;
  }
}
