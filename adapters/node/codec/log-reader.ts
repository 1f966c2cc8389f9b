// Log records, read: the fast path of decodeLogBatch.
//
// The batch header gives every field's type, so the records need no
// generic MessagePack parse: one reader per field reads its value straight
// from the payload and builds the value (no intermediate ExtValue per value,
// no second pass to check the type). The fast path takes only what a
// canonical encoder writes (docs/wire-format.md §3) for the field's type and
// gives up on anything else — another valid encoding (an ext 8 header where
// fixext would do, an integer in a double column, a str that is not valid
// UTF-8) as much as invalid input. decodeLogBatch then decodes the batch the
// generic way, which accepts every valid encoding and throws the documented
// CodecError for the rest. So the fast path never decides what is valid: it
// only has to agree with the generic path on what it accepts
// (test/codec/log-columns.test.ts checks both on the same payloads).

import { isUtf8, type Buffer } from "node:buffer";
import { asciiString } from "./ascii";
import { EXT, unpack } from "./msgpack";
import { checkLogValue, type LogType } from "./types";
import { valueFromWire } from "./value-codec";
import { isV4Mapped } from "./ip";
import { Addr, addrAdopting, EnumValue, Interval, Port, PORT_PROTOS, Time, ZeekInt, type ZeekValue } from "./values";

/** A reader's "not the canonical form": the caller falls back to the generic decoder. */
const GIVE_UP = Symbol("give up");
type Reader = () => ZeekValue | typeof GIVE_UP;

// The payload being read and the position in it (module state, as in
// msgpackr: the readers are plain functions without arguments).
let src: Buffer;
let pos = 0;
let end = 0;

const utf8Strict = new TextDecoder("utf-8", { fatal: true });

/** `n` bytes of UTF-8 at `at` as a string; GIVE_UP if they are not valid UTF-8. */
function text(at: number, n: number): string | typeof GIVE_UP {
  const stop = at + n;
  let i = at;
  while (i < stop && src[i]! < 0x80) i++;
  if (i === stop) {
    return asciiString(src, at, n); // ASCII, the common case
  }
  try {
    return utf8Strict.decode(src.subarray(at, stop));
  } catch {
    return GIVE_UP;
  }
}

const readBool: Reader = () => {
  const h = src[pos];
  if (h !== 0xc2 && h !== 0xc3) return GIVE_UP;
  pos++;
  return h === 0xc3;
};

const readDouble: Reader = () => {
  if (src[pos] !== 0xcb || pos + 9 > end) return GIVE_UP;
  const v = src.readDoubleBE(pos + 1);
  pos += 9;
  return v;
};

function float64Ext(type: number): number | typeof GIVE_UP {
  if (src[pos] !== 0xd7 || src[pos + 1] !== type || pos + 10 > end) return GIVE_UP;
  const v = src.readDoubleBE(pos + 2);
  pos += 10;
  return v;
}

const readTime: Reader = () => {
  const s = float64Ext(EXT.time);
  return s === GIVE_UP ? s : new Time(s);
};

const readInterval: Reader = () => {
  const s = float64Ext(EXT.interval);
  return s === GIVE_UP ? s : new Interval(s);
};

/** Payload length of a fixext header (d4-d8), else 0. */
function fixextLength(h: number): number {
  switch (h) {
    case 0xd4:
      return 1;
    case 0xd5:
      return 2;
    case 0xd6:
      return 4;
    case 0xd7:
      return 8;
    case 0xd8:
      return 16;
    default:
      return 0;
  }
}

function integerExt(type: number, signed: boolean): bigint | typeof GIVE_UP {
  const n = fixextLength(src[pos]!);
  if (n === 0 || n === 16 || src[pos + 1] !== type || pos + 2 + n > end) return GIVE_UP;
  const at = pos + 2;
  pos = at + n;
  if (n === 8) return signed ? src.readBigInt64BE(at) : src.readBigUInt64BE(at);
  return BigInt(signed ? src.readIntBE(at, n) : src.readUIntBE(at, n));
}

const readCount: Reader = () => integerExt(EXT.count, false);

const readInt: Reader = () => {
  const v = integerExt(EXT.int, true);
  return v === GIVE_UP ? v : new ZeekInt(v);
};

const readString: Reader = () => {
  const h = src[pos]!;
  let at: number;
  let n: number;
  if (h >= 0xa0 && h <= 0xbf) {
    at = pos + 1;
    n = h & 0x1f;
  } else if (h === 0xd9 || h === 0xc4) {
    at = pos + 2;
    n = src[pos + 1]!;
  } else if (h === 0xda || h === 0xc5) {
    if (pos + 3 > end) return GIVE_UP;
    at = pos + 3;
    n = src.readUInt16BE(pos + 1);
  } else if (h === 0xdb || h === 0xc6) {
    if (pos + 5 > end) return GIVE_UP;
    at = pos + 5;
    n = src.readUInt32BE(pos + 1);
  } else return GIVE_UP;
  if (at + n > end) return GIVE_UP;
  pos = at + n;
  // bin: raw bytes, copied as msgpackr (copyBuffers) copies them.
  if (h >= 0xc4 && h <= 0xc6) return Uint8Array.prototype.slice.call(src, at, at + n);
  return text(at, n);
};

const readEnum: Reader = () => {
  const h = src[pos]!;
  let at: number;
  let n = fixextLength(h);
  if (n > 0) {
    if (src[pos + 1] !== EXT.enum) return GIVE_UP;
    at = pos + 2;
  } else if (h === 0xc7) {
    if (src[pos + 2] !== EXT.enum) return GIVE_UP;
    n = src[pos + 1]!;
    at = pos + 3;
  } else return GIVE_UP;
  if (n === 0 || at + n > end) return GIVE_UP;
  const name = text(at, n);
  if (name === GIVE_UP) return name;
  pos = at + n;
  return new EnumValue(name);
};

const readPort: Reader = () => {
  if (src[pos] !== 0xc7 || src[pos + 1] !== 3 || src[pos + 2] !== EXT.port || pos + 6 > end) return GIVE_UP;
  const proto = PORT_PROTOS[src[pos + 5]!];
  if (proto === undefined) return GIVE_UP;
  const v = new Port((src[pos + 3]! << 8) | src[pos + 4]!, proto);
  pos += 6;
  return v;
};

const readAddr: Reader = () => {
  const h = src[pos];
  const n = h === 0xd6 ? 4 : h === 0xd8 ? 16 : 0;
  if (n === 0 || src[pos + 1] !== EXT.addr || pos + 2 + n > end) return GIVE_UP;
  const at = pos + 2;
  pos = at + n;
  if (n === 4) {
    const b = new Uint8Array(4);
    b[0] = src[at]!;
    b[1] = src[at + 1]!;
    b[2] = src[at + 2]!;
    b[3] = src[at + 3]!;
    return addrAdopting(b);
  }
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = src[at + i]!;
  // A v4-mapped address becomes the IPv4 one: the constructor knows how.
  return isV4Mapped(b) ? new Addr(b) : addrAdopting(b);
};

/** subnet, set[T], vector[T]: the generic decoder on this one value, then the type check. */
function genericReader(t: LogType): Reader {
  return () => {
    const stop = skipValue(src, pos, end);
    if (stop < 0) return GIVE_UP;
    // Paths are for error messages, and an error means giving up anyway.
    const v = valueFromWire(unpack(src.subarray(pos, stop), ""), "", 0);
    if (v === null) return GIVE_UP;
    checkLogValue(v, t, "");
    pos = stop;
    return v;
  };
}

function readerFor(t: LogType): Reader {
  switch (t.kind) {
    case "bool":
      return readBool;
    case "double":
      return readDouble;
    case "count":
      return readCount;
    case "int":
      return readInt;
    case "time":
      return readTime;
    case "interval":
      return readInterval;
    case "string":
      return readString;
    case "enum":
      return readEnum;
    case "port":
      return readPort;
    case "addr":
      return readAddr;
    default:
      return genericReader(t);
  }
}

/** An array header at pos: its length (pos moves past it), or -1. */
function arrayLength(): number {
  const h = src[pos]!;
  if (h >= 0x90 && h <= 0x9f) {
    pos++;
    return h & 0x0f;
  }
  if (h === 0xdc && pos + 3 <= end) {
    pos += 3;
    return src.readUInt16BE(pos - 2);
  }
  if (h === 0xdd && pos + 5 <= end) {
    pos += 5;
    return src.readUInt32BE(pos - 4);
  }
  return -1;
}

/**
 * The records array that fills `bytes` from `start` to its end, read with
 * the field types; undefined where the fast path gives up (see above).
 * May throw on invalid input (the caller falls back then too).
 */
export function readLogRecords(bytes: Buffer, start: number, types: readonly LogType[], optional: readonly boolean[]): ZeekValue[][] | undefined {
  src = bytes;
  pos = start;
  end = bytes.length;
  try {
    const width = types.length;
    const readers = types.map(readerFor);
    const count = arrayLength();
    // Every record takes at least one byte per value (a bound on what to allocate).
    if (count < 0 || count > end - pos) return undefined;
    const records = new Array<ZeekValue[]>(count);
    for (let r = 0; r < count; r++) {
      if (arrayLength() !== width) return undefined;
      const row = new Array<ZeekValue>(width);
      for (let i = 0; i < width; i++) {
        if (src[pos] === 0xc0) {
          if (!optional[i]) return undefined;
          pos++;
          row[i] = null;
          continue;
        }
        const v = readers[i]!();
        if (v === GIVE_UP) return undefined;
        row[i] = v;
      }
      records[r] = row;
    }
    return pos === end ? records : undefined;
  } finally {
    src = undefined as unknown as Buffer; // do not keep the payload alive
  }
}

/**
 * The end of the MessagePack value that starts at `at` (nested as deep as it
 * likes: no recursion), or -1 if it runs past `stop`, holds the reserved
 * byte 0xc1, an ext type that is not ours (1-10) or a str that is not UTF-8.
 * The value is then read on its own (msgpackr, on a subarray), and must read
 * as it would inside the whole payload: msgpackr gives some ext types of its
 * own a meaning that reaches beyond the value (its bundled strings point past
 * it), and invalid UTF-8 may come out differently (see utf8At). With either
 * the generic decoder sees the whole payload and decides as before.
 */
export function skipValue(b: Uint8Array, at: number, stop: number): number {
  let p = at;
  let todo = 1;
  while (todo > 0) {
    if (p >= stop) return -1;
    const h = b[p]!;
    todo--;
    if (h < 0x80 || h >= 0xe0) p += 1; // fixint
    else if (h < 0x90) {
      todo += 2 * (h & 0x0f); // fixmap
      p += 1;
    } else if (h < 0xa0) {
      todo += h & 0x0f; // fixarray
      p += 1;
    } else if (h < 0xc0) {
      const n = h & 0x1f; // fixstr
      if (!utf8At(b, p + 1, n, stop)) return -1;
      p += 1 + n;
    } else {
      const size = FIXED_SIZE[h - 0xc0]!;
      if (h >= 0xd4 && h <= 0xd8 && !ourExt(b[p + 1])) return -1;
      if (size > 0) p += size;
      else {
        // A length (or element count) of 1, 2 or 4 bytes follows.
        const lenBytes = LENGTH_BYTES[h - 0xc0]!;
        if (lenBytes === 0 || p + 1 + lenBytes > stop) return -1; // 0xc1
        let n = 0;
        for (let i = 1; i <= lenBytes; i++) n = n * 256 + b[p + i]!;
        p += 1 + lenBytes;
        if (h === 0xdc || h === 0xdd) todo += n;
        else if (h === 0xde || h === 0xdf) todo += 2 * n;
        else if (h >= 0xc7 && h <= 0xc9) {
          if (!ourExt(b[p])) return -1;
          p += 1 + n; // ext: type byte, payload
        } else {
          if (h >= 0xd9 && h <= 0xdb && !utf8At(b, p, n, stop)) return -1; // str
          p += n; // bin, str
        }
      }
    }
  }
  return p <= stop ? p : -1;
}

/**
 * True if the `n` bytes at `at` are valid UTF-8 (or run past `stop`, which
 * the caller finds out anyway). msgpackr does not check the UTF-8 of a str,
 * and picks JavaScript or native decoding by the string's and the payload's
 * size, so nothing promises that invalid bytes read alone give the same text
 * as inside the whole payload: a value with such a str is left to the
 * generic decoder, which reads it as it always has. (Header strings are
 * ASCII in practice: one pass over their bytes.)
 */
function utf8At(b: Uint8Array, at: number, n: number, stop: number): boolean {
  const end = Math.min(at + n, stop);
  for (let i = at; i < end; i++) if (b[i]! >= 0x80) return isUtf8(b.subarray(at, end));
  return true;
}

function ourExt(type: number | undefined): boolean {
  return type !== undefined && type >= 1 && type <= 10;
}

// Per header byte 0xc0..0xdf: the whole size when it is fixed, else 0.
const FIXED_SIZE = [
  1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 5, 9, 2, 3, 5, 9, // c0-cf
  2, 3, 5, 9, 3, 4, 6, 10, 18, 0, 0, 0, 0, 0, 0, 0, // d0-df
];
// Per header byte 0xc0..0xdf: how many bytes of length follow, for the variable ones.
const LENGTH_BYTES = [
  0, 0, 0, 0, 1, 2, 4, 1, 2, 4, 0, 0, 0, 0, 0, 0, // c0-cf
  0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 2, 4, 2, 4, // d0-df
];
