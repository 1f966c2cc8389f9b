// Zeek values <-> MessagePack (the type mapping of docs/wire-format.md §3).
//
// Plain MessagePack where MessagePack has the type: nil, bool, float64
// (double), str (string), bin (string with raw bytes), array (vector), map
// (record). Ext types for what it has not: count, int, time, interval, addr,
// subnet, port, enum, set, table. A plain MessagePack *number* always means
// double; count and int travel as ext values so that no decoder has to tell
// 1 from 1.0 (JavaScript decoders cannot).

import { CodecError, subPath } from "./errors";
import { ext, EXT, EXT_NAMES, extAlloc, ExtValue, float64, pack, RawBytes, unpack, type WireTree } from "./msgpack";
import {
  Addr,
  checkCount,
  checkFieldName,
  checkString,
  defineField,
  EnumValue,
  inputKind,
  Interval,
  MAX_NESTING,
  Port,
  PORT_PROTOS,
  Subnet,
  Time,
  ZeekInt,
  ZeekSet,
  ZeekTable,
  type ZeekInput,
  type ZeekRecord,
  type ZeekValue,
} from "./values";

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

function tooDeep(path: string): CodecError {
  return new CodecError("too-deep", path, `containers nested deeper than ${MAX_NESTING} levels`);
}

/** Re-throw a CodecError from a value constructor with the path it happened at. */
function at<T>(path: string, make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof CodecError && err.path === "" && path !== "") throw new CodecError(err.code, path, err.message, { cause: err });
    throw err;
  }
}

/** ext type `type` holding `v` big-endian in the fewest of 1, 2, 4 or 8 bytes. */
function extInteger(type: number, v: bigint, signed: boolean): RawBytes {
  let n: number;
  if (signed) n = v >= -0x80n && v < 0x80n ? 1 : v >= -0x8000n && v < 0x8000n ? 2 : v >= -0x80000000n && v < 0x80000000n ? 4 : 8;
  else n = v < 0x100n ? 1 : v < 0x10000n ? 2 : v < 0x100000000n ? 4 : 8;
  const { raw, at } = extAlloc(type, n);
  const b = raw.bytes;
  if (n === 8) {
    new DataView(b.buffer, b.byteOffset).setBigUint64(at, BigInt.asUintN(64, v));
  } else {
    // Fits in 32 bits: plain number arithmetic, no BigInt per byte.
    let x = Number(v) >>> 0;
    for (let i = at + n - 1; i >= at; i--) {
      b[i] = x & 0xff;
      x >>>= 8;
    }
  }
  return raw;
}

/** ext type `type` holding a float64. */
function extFloat(type: number, seconds: number): RawBytes {
  const { raw, at } = extAlloc(type, 8);
  new DataView(raw.bytes.buffer, raw.bytes.byteOffset).setFloat64(at, seconds);
  return raw;
}

/** One Zeek value (or accepted JS spelling of one) -> the tree msgpackr packs. */
export function valueToWire(v: ZeekInput, path: string, depth: number): WireTree {
  const kind = inputKind(v, path);
  switch (kind) {
    case "nil":
      return null;
    case "bool":
      return v as boolean;
    case "double":
      return float64(v as number);
    case "count":
      return extInteger(EXT.count, checkCount(v as bigint, path), false);
    case "string":
      return checkString(v as string, path);
    case "bytes":
      return v as Uint8Array;
    case "int":
      return extInteger(EXT.int, (v as ZeekInt).value, true);
    case "time":
      return extFloat(EXT.time, (v as Time).seconds);
    case "date": {
      const ms = (v as Date).getTime();
      if (Number.isNaN(ms)) throw new CodecError("range", path, "an invalid Date is not a time");
      return extFloat(EXT.time, ms / 1000);
    }
    case "interval":
      return extFloat(EXT.interval, (v as Interval).seconds);
    case "addr":
      return ext(EXT.addr, (v as Addr).bytes);
    case "subnet": {
      const s = v as Subnet;
      const len = s.prefix.bytes.length;
      const { raw, at } = extAlloc(EXT.subnet, len + 1);
      raw.bytes.set(s.prefix.bytes, at);
      raw.bytes[at + len] = s.width;
      return raw;
    }
    case "port": {
      const p = v as Port;
      const { raw, at } = extAlloc(EXT.port, 3);
      raw.bytes[at] = p.number >> 8;
      raw.bytes[at + 1] = p.number & 0xff;
      raw.bytes[at + 2] = PORT_PROTOS.indexOf(p.proto);
      return raw;
    }
    case "enum":
      return ext(EXT.enum, utf8.encode((v as EnumValue).name));
  }
  if (depth >= MAX_NESTING) throw tooDeep(path);
  switch (kind) {
    case "set":
    case "js-set": {
      const items = kind === "set" ? (v as ZeekSet).items : (v as ReadonlySet<ZeekInput>);
      return ext(EXT.set, pack(Array.from(items, (x, i) => valueToWire(x, subPath(path, i), depth + 1))));
    }
    case "table":
    case "js-map": {
      const entries: Iterable<readonly [ZeekInput, ZeekInput]> =
        kind === "table" ? (v as ZeekTable).entries : (v as ReadonlyMap<ZeekInput, ZeekInput>);
      const pairs = Array.from(entries, ([k, x], i): WireTree => {
        const p = subPath(path, i);
        return [valueToWire(k, subPath(p, 0), depth + 1), valueToWire(x, subPath(p, 1), depth + 1)];
      });
      return ext(EXT.table, pack(pairs));
    }
    case "vector":
      return Array.from(v as readonly ZeekInput[], (x, i) => valueToWire(x, subPath(path, i), depth + 1));
    default: {
      const m = new Map<string, WireTree>();
      for (const name of Object.keys(v as object)) {
        const p = subPath(path, name);
        checkFieldName(name, p);
        m.set(name, valueToWire((v as Record<string, ZeekInput>)[name], p, depth + 1));
      }
      return m;
    }
  }
}

/** A 1, 2, 4 or 8 byte big-endian unsigned integer. */
function readUnsigned(d: Uint8Array): bigint {
  switch (d.length) {
    case 1:
      return BigInt(d[0]!);
    case 2:
      return BigInt((d[0]! << 8) | d[1]!);
    case 4:
      return BigInt(((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0);
    default:
      return new DataView(d.buffer, d.byteOffset, 8).getBigUint64(0);
  }
}

function needLength(e: ExtValue, path: string, allowed: readonly number[]): void {
  if (allowed.indexOf(e.data.length) < 0) {
    throw new CodecError("shape", path, `ext type ${e.type} (${EXT_NAMES[e.type]}) needs ${allowed.join(" or ")} bytes, got ${e.data.length}`);
  }
}

/** What msgpackr returned for one value -> the Zeek value. */
export function valueFromWire(x: unknown, path: string, depth: number): ZeekValue {
  switch (typeof x) {
    case "boolean":
      return x;
    case "number":
      return x;
    case "string":
      return x;
    case "bigint": {
      // A plain 64-bit integer: still a double, if it is one exactly.
      const n = Number(x);
      if (BigInt(n) !== x) {
        throw new CodecError("range", path, `plain integer ${x} is not exactly a double (plain numbers are doubles; send a count as ext type ${EXT.count})`);
      }
      return n;
    }
    case "object":
      break;
    default:
      throw new CodecError("type", path, `unsupported MessagePack value (${typeof x}; msgpackr extension type 0?)`);
  }
  if (x === null) return null;
  if (x instanceof ExtValue) return extFromWire(x, path, depth);
  if (x instanceof Uint8Array) return x;
  if (Array.isArray(x)) {
    if (depth >= MAX_NESTING) throw tooDeep(path);
    return x.map((item, i) => valueFromWire(item, subPath(path, i), depth + 1));
  }
  if (x instanceof Map) {
    if (depth >= MAX_NESTING) throw tooDeep(path);
    const out: ZeekRecord = {};
    for (const [name, item] of x) {
      if (typeof name !== "string") throw new CodecError("shape", path, `a record (map) key must be a string, got ${typeof name}`);
      const p = subPath(path, name);
      checkFieldName(name, p);
      defineField(out, name, valueFromWire(item, p, depth + 1));
    }
    return out;
  }
  const what = (x as object).constructor?.name ?? "object";
  throw new CodecError("type", path, `unsupported MessagePack value (${what}: a msgpackr-only extension or the reserved byte 0xc1)`);
}

const INTEGER_LENGTHS = [1, 2, 4, 8];
const EIGHT = [8];
const ADDR_LENGTHS = [4, 16];
const SUBNET_LENGTHS = [5, 17];
const PORT_LENGTHS = [3];

function extFromWire(e: ExtValue, path: string, depth: number): ZeekValue {
  const d = e.data;
  switch (e.type) {
    case EXT.count:
      needLength(e, path, INTEGER_LENGTHS);
      return readUnsigned(d);
    case EXT.int:
      needLength(e, path, INTEGER_LENGTHS);
      return new ZeekInt(BigInt.asIntN(d.length * 8, readUnsigned(d)));
    case EXT.time:
      needLength(e, path, EIGHT);
      return new Time(new DataView(d.buffer, d.byteOffset, 8).getFloat64(0));
    case EXT.interval:
      needLength(e, path, EIGHT);
      return new Interval(new DataView(d.buffer, d.byteOffset, 8).getFloat64(0));
    case EXT.addr:
      needLength(e, path, ADDR_LENGTHS);
      return new Addr(d);
    case EXT.subnet:
      needLength(e, path, SUBNET_LENGTHS);
      return at(path, () => new Subnet(d.subarray(0, d.length - 1), d[d.length - 1]!));
    case EXT.port: {
      needLength(e, path, PORT_LENGTHS);
      const proto = PORT_PROTOS[d[2]!];
      if (proto === undefined) throw new CodecError("range", path, `port protocol code ${d[2]} is not 0 (unknown), 1 (tcp), 2 (udp) or 3 (icmp)`);
      return new Port((d[0]! << 8) | d[1]!, proto);
    }
    case EXT.enum: {
      let name: string;
      try {
        name = utf8Strict.decode(d);
      } catch {
        throw new CodecError("range", path, "enum name is not valid UTF-8");
      }
      return at(path, () => new EnumValue(name));
    }
    case EXT.set: {
      if (depth >= MAX_NESTING) throw tooDeep(path);
      const items = unpack(d, path);
      if (!Array.isArray(items)) throw new CodecError("shape", path, "a set's ext payload must be a MessagePack array");
      return new ZeekSet(items.map((item, i) => valueFromWire(item, subPath(path, i), depth + 1)));
    }
    case EXT.table: {
      if (depth >= MAX_NESTING) throw tooDeep(path);
      const pairs = unpack(d, path);
      if (!Array.isArray(pairs)) throw new CodecError("shape", path, "a table's ext payload must be a MessagePack array of [key, value] arrays");
      return new ZeekTable(
        pairs.map((pair, i) => {
          const p = subPath(path, i);
          if (!Array.isArray(pair) || pair.length !== 2) throw new CodecError("shape", p, "a table entry must be a [key, value] array");
          return [valueFromWire(pair[0], subPath(p, 0), depth + 1), valueFromWire(pair[1], subPath(p, 1), depth + 1)] as const;
        }),
      );
    }
    default:
      throw new CodecError("type", path, `unknown ext type ${e.type}`);
  }
}

/** Encode one value on its own (plain MessagePack bytes). */
export function encodeValue(v: ZeekInput): Uint8Array {
  return pack(valueToWire(v, "", 0));
}

/** Decode one value encoded by encodeValue. */
export function decodeValue(bytes: Uint8Array): ZeekValue {
  return valueFromWire(unpack(bytes, ""), "", 0);
}
