// The MessagePack layer: msgpackr, configured for plain MessagePack only.
//
// msgpackr does the generic work (strings, arrays, maps, binary, small
// integers, parsing). Two things it cannot do by itself are done here:
//   - write a float64 for every double: msgpackr writes integral numbers
//     (and -0) as integers, which would turn 1.0 into 1 and lose -0's sign;
//   - read and write our extension types without its own extensions.
// Both go through one mechanism: a `RawBytes` value whose bytes (a float64
// or a whole ext value, framed by `ext()` below exactly as msgpackr and
// Python's msgpack frame them) are copied to the output as they are.
//
// Interop (anchors.md C.4): `useRecords: false` on both sides, so no
// msgpackr records/structures are written. We never hand msgpackr a Date,
// Set, Error, RegExp, typed array other than Uint8Array, undefined or bigint,
// so none of its own extensions are written either.
//
// msgpackr keeps its extension table in module state. We register readers for
// our ext codes only (1..10, none of which msgpackr uses itself); another
// msgpackr user in the same process would see our ExtValue objects for those
// codes instead of an "Unknown extension" error, and nothing else changes.

import { addExtension, Packr, Unpackr } from "msgpackr";
import { CodecError } from "./errors";

/** Our MessagePack extension type codes (see docs/wire-format.md). */
export const EXT = {
  count: 1,
  int: 2,
  time: 3,
  interval: 4,
  addr: 5,
  subnet: 6,
  port: 7,
  enum: 8,
  set: 9,
  table: 10,
} as const;
export type ExtName = keyof typeof EXT;
export const EXT_NAMES: Record<number, ExtName> = Object.fromEntries(Object.entries(EXT).map(([k, v]) => [v, k as ExtName]));

/** Pre-encoded MessagePack bytes that are written to the output verbatim. */
export class RawBytes {
  constructor(readonly bytes: Uint8Array) {}
}

/**
 * An ext value as read from the wire: its type code and payload. The payload
 * is a view into the received bytes; whoever keeps it must copy it.
 */
export class ExtValue {
  constructor(
    readonly type: number,
    readonly data: Uint8Array,
  ) {}
}

type Alloc = (size: number) => { target: Uint8Array; position: number };

// The first registration carries the RawBytes writer; msgpackr insists that a
// Class extension has a type code, so it shares code 1 with the reader for 1.
addExtension({
  Class: RawBytes,
  type: EXT.count,
  pack: ((value: RawBytes, alloc: Alloc) => {
    const { target, position } = alloc(value.bytes.length);
    target.set(value.bytes, position);
    // Returning nothing tells msgpackr the bytes are already written.
  }) as unknown as (value: unknown) => Uint8Array,
  unpack: (data: Uint8Array) => new ExtValue(EXT.count, data),
});
for (const code of Object.values(EXT)) {
  if (code === EXT.count) continue;
  addExtension({ type: code, unpack: (data: Uint8Array) => new ExtValue(code, data) });
}

const packr = new Packr({ useRecords: false, moreTypes: false, bundleStrings: false, useFloat32: 0 });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false, int64AsType: "bigint", copyBuffers: true, useFloat32: 0 });

/**
 * A value tree msgpackr packs as plain MessagePack: null, boolean, string,
 * Uint8Array (bin), non-negative safe integers (our envelope fields), arrays,
 * Maps with string keys, and RawBytes.
 */
export type WireTree = null | boolean | string | number | Uint8Array | RawBytes | WireTree[] | Map<string, WireTree>;

export function pack(tree: WireTree): Uint8Array {
  return packr.pack(tree);
}

/** A float64 (0xcb), always, whatever the number. */
export function float64(n: number): RawBytes {
  const b = new Uint8Array(9);
  b[0] = 0xcb;
  new DataView(b.buffer).setFloat64(1, n);
  return new RawBytes(b);
}

/**
 * Room for an ext value of `n` payload bytes, framed as MessagePack
 * prescribes (fixext for 1/2/4/8/16 bytes, else ext 8/16/32). Returns the
 * buffer and where the payload goes, so callers write it in place.
 */
export function extAlloc(type: number, n: number): { raw: RawBytes; at: number } {
  let b: Uint8Array;
  let at: number;
  const fixed = n === 1 ? 0xd4 : n === 2 ? 0xd5 : n === 4 ? 0xd6 : n === 8 ? 0xd7 : n === 16 ? 0xd8 : 0;
  if (fixed) {
    b = new Uint8Array(2 + n);
    b[0] = fixed;
    at = 1;
  } else if (n < 0x100) {
    b = new Uint8Array(3 + n);
    b[0] = 0xc7;
    b[1] = n;
    at = 2;
  } else if (n < 0x10000) {
    b = new Uint8Array(4 + n);
    b[0] = 0xc8;
    b[1] = n >> 8;
    b[2] = n & 0xff;
    at = 3;
  } else {
    b = new Uint8Array(6 + n);
    b[0] = 0xc9;
    b[1] = (n >>> 24) & 0xff;
    b[2] = (n >> 16) & 0xff;
    b[3] = (n >> 8) & 0xff;
    b[4] = n & 0xff;
    at = 5;
  }
  b[at] = type;
  return { raw: new RawBytes(b), at: at + 1 };
}

/** An ext value with this payload. */
export function ext(type: number, data: Uint8Array): RawBytes {
  const { raw, at } = extAlloc(type, data.length);
  raw.bytes.set(data, at);
  return raw;
}

/** The header of a MessagePack array of `n` elements. */
export function arrayHeader(n: number): Uint8Array {
  if (n < 16) return Uint8Array.of(0x90 | n);
  if (n < 0x10000) return Uint8Array.of(0xdc, n >> 8, n & 0xff);
  return Uint8Array.of(0xdd, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

/**
 * Parse one MessagePack value that fills `bytes` exactly. Whatever goes
 * wrong becomes a CodecError ("truncated", "malformed" or, when the input
 * nests so deep that the parser runs out of stack, "too-deep").
 */
export function unpack(bytes: Uint8Array, path: string): unknown {
  if (!(bytes instanceof Uint8Array)) throw new CodecError("type", path, "a payload must be a Uint8Array or Buffer");
  if (bytes.length === 0) throw new CodecError("truncated", path, "empty payload");
  try {
    // A fresh view: msgpackr caches a DataView as a property on what it reads,
    // and the caller's buffer should come back as it went in.
    return unpackr.unpack(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    const e = err as { message?: string; incomplete?: boolean };
    const msg = typeof e?.message === "string" ? e.message : String(err);
    if (err instanceof RangeError && /call stack/i.test(msg)) {
      throw new CodecError("too-deep", path, "MessagePack nested too deep to parse", { cause: err });
    }
    if (e?.incomplete || /Unexpected end/.test(msg) || /outside the bounds/.test(msg)) {
      throw new CodecError("truncated", path, `MessagePack data ends too early (${bytes.length} bytes)`, { cause: err });
    }
    throw new CodecError("malformed", path, `not valid MessagePack: ${msg.slice(0, 120)}`, { cause: err });
  }
}
