// Events of scalar arguments, without the generic MessagePack layer: the
// fast path of encodeEvent and decodeEvent (event.ts).
//
// The generic path builds a tree with a RawBytes object (and a DataView)
// per count, int, time and interval, packs it with msgpackr, and on the
// receiving side parses into ExtValue objects that value-codec.ts then
// turns into values. For the common event — a name and a few strings,
// counts, times, doubles — that was most of the codec's time per event in
// the bench's profiles. Here the bytes are written and read directly.
//
// Both directions take only what they know and give up (undefined) on
// anything else: the encoder on argument types other than nil, bool,
// double, string, count, int, time and interval (and on values the generic
// path would refuse, so it alone decides the error), the decoder on
// anything but the canonical encoding of those types in a [name, args]
// payload (docs/wire-format.md §3). The caller then takes the generic path.
// So the fast path never decides what is valid; it only has to agree with
// the generic path on what it accepts (test/codec/event-fast.test.ts checks
// both, byte for byte and value for value, on the same events).

import { Buffer } from "node:buffer";
import { asciiString } from "./ascii";
import { EXT } from "./msgpack";
import { MsgWriter } from "./msgpack-writer";
import { COUNT_MAX, Interval, Time, ZeekInt, type ZeekInput, type ZeekValue } from "./values";

const w = new MsgWriter(1024);

/** The payload [name, args] of an event of scalar arguments; undefined when another type (or a bad value) is among them. */
export function encodeEventFast(name: string, args: readonly ZeekInput[]): Buffer | undefined {
  const n = args.length;
  if (n >= 16) return undefined;
  w.pos = 0;
  w.byte(0x92);
  if (!w.str(name)) return undefined;
  w.byte(0x90 | n);
  for (let i = 0; i < n; i++) {
    const v = args[i];
    switch (typeof v) {
      case "string":
        if (!w.str(v)) return undefined;
        break;
      case "number":
        w.float64(v);
        break;
      case "bigint":
        if (v < 0n || v > COUNT_MAX) return undefined;
        w.extUnsigned(EXT.count, v);
        break;
      case "boolean":
        w.bool(v);
        break;
      case "undefined":
        w.nil();
        break;
      case "object":
        if (v === null) w.nil();
        else if (v instanceof Time) w.extFloat64(EXT.time, v.seconds);
        else if (v instanceof Interval) w.extFloat64(EXT.interval, v.seconds);
        else if (v instanceof ZeekInt) w.extSigned(EXT.int, v.value);
        else return undefined;
        break;
      default:
        return undefined;
    }
  }
  return w.take();
}

// The payload being read and the position in it.
let src: Uint8Array;
let pos = 0;
let end = 0;

// Doubles and 64-bit integers are read through 8 scratch bytes: no DataView per value.
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

/** The 8 bytes at `at` into the scratch view. */
function eight(at: number): DataView {
  const b = src;
  for (let i = 0; i < 8; i++) scratch[i] = b[at + i]!;
  return scratchView;
}

const GIVE_UP = Symbol("give up");

/** The event in a canonical [name, args] payload of scalar arguments; undefined for anything else. */
export function decodeEventFast(bytes: Uint8Array): { name: string; args: ZeekValue[] } | undefined {
  src = bytes;
  pos = 0;
  end = bytes.length;
  if (end < 3 || bytes[0] !== 0x92) return undefined;
  pos = 1;
  const name = readText();
  if (name === GIVE_UP || name.length === 0 || pos >= end) return undefined;
  const h = bytes[pos++]!;
  if (h < 0x90 || h > 0x9f) return undefined;
  const n = h & 0x0f;
  const args: ZeekValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = readScalar();
    if (v === GIVE_UP) return undefined;
    args[i] = v;
  }
  return pos === end ? { name, args } : undefined;
}

function readScalar(): ZeekValue | typeof GIVE_UP {
  if (pos >= end) return GIVE_UP;
  const h = src[pos]!;
  if (h < 0x80) {
    pos++;
    return h; // positive fixint: msgpackr gives a number, a double
  }
  if ((h >= 0xa0 && h <= 0xbf) || h === 0xd9 || h === 0xda) return readText();
  switch (h) {
    case 0xc0:
      pos++;
      return null;
    case 0xc2:
      pos++;
      return false;
    case 0xc3:
      pos++;
      return true;
    case 0xcb: {
      if (pos + 9 > end) return GIVE_UP;
      const v = eight(pos + 1).getFloat64(0);
      pos += 9;
      return v;
    }
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
      return readFixext(h === 0xd4 ? 1 : h === 0xd5 ? 2 : h === 0xd6 ? 4 : 8);
    default:
      return GIVE_UP;
  }
}

/** A fixext count, int (1/2/4/8 bytes), time or interval (8 bytes). */
function readFixext(n: number): ZeekValue | typeof GIVE_UP {
  const type = src[pos + 1];
  const at = pos + 2;
  if (at + n > end) return GIVE_UP;
  switch (type) {
    case EXT.count:
    case EXT.int: {
      pos = at + n;
      const signed = type === EXT.int;
      let v: bigint;
      if (n === 8) v = signed ? eight(at).getBigInt64(0) : eight(at).getBigUint64(0);
      else {
        const b = src;
        const u = n === 1 ? b[at]! : n === 2 ? (b[at]! << 8) | b[at + 1]! : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
        v = BigInt(signed ? (n === 1 ? (u << 24) >> 24 : n === 2 ? (u << 16) >> 16 : u | 0) : u);
      }
      return signed ? new ZeekInt(v) : v;
    }
    case EXT.time:
    case EXT.interval: {
      if (n !== 8) return GIVE_UP;
      pos = at + 8;
      const s = eight(at).getFloat64(0);
      return type === EXT.time ? new Time(s) : new Interval(s);
    }
    default:
      return GIVE_UP;
  }
}

/** fixstr / str 8 / str 16 of ASCII at pos; GIVE_UP otherwise (the generic path decodes other UTF-8). */
function readText(): string | typeof GIVE_UP {
  const h = src[pos]!;
  let at: number;
  let n: number;
  if (h >= 0xa0 && h <= 0xbf) {
    at = pos + 1;
    n = h & 0x1f;
  } else if (h === 0xd9) {
    at = pos + 2;
    n = src[pos + 1]!;
  } else if (h === 0xda) {
    at = pos + 3;
    n = (src[pos + 1]! << 8) | src[pos + 2]!;
  } else return GIVE_UP;
  const stop = at + n;
  if (stop > end) return GIVE_UP;
  const b = src;
  for (let i = at; i < stop; i++) if (b[i]! >= 0x80) return GIVE_UP;
  pos = stop;
  return asciiString(b, at, n);
}
