// The value model: Zeek's types in JavaScript, without loss.
//
// Plain JS values where the Zeek type is unambiguous:
//   null / undefined -> unset (no value)       boolean    -> bool
//   string           -> string (UTF-8 text)    Uint8Array -> string (raw bytes)
//   number           -> double                 bigint     -> count
//   Array            -> vector                 plain object -> record
//   Date             -> time (input only)      Set / Map  -> set / table (input only)
// and small classes for the rest (int, addr, subnet, port, time, interval,
// enum, set, table), built with the helpers at the end of this file.
//
// Why a bare number is a double: a JS number *is* an IEEE-754 double, so this
// mapping is exact for every number and does not depend on the value (3 and
// 3.5 in the same field stay the same Zeek type, which a log schema needs).
// Zeek's count and int are 64 bits wide, which a number cannot hold, so they
// are spelled out: a bigint is a count (the integer type Zeek uses almost
// everywhere: byte and packet counters, ids, sizes), and int(-3) makes a
// signed int. A log schema can still turn a bare integer number into a count
// or an int (see coerce in types.ts).
//
// Decoding returns the same shapes (bigint for count, number for double, the
// classes for the rest), so a decoded value encodes to the same bytes again.

import { CodecError, subPath } from "./errors";
import { formatIp, isV4Mapped, parseIp } from "./ip";

/**
 * How many containers (vector, set, table, record) may nest inside one
 * another in a value. Zeek's own records rarely go past 5 levels (e.g.
 * connection -> dns -> ...); 32 leaves room and stops hostile input from
 * exhausting the stack. Deeper values fail with CodecError "too-deep".
 */
export const MAX_NESTING = 32;

export const COUNT_MAX = (1n << 64n) - 1n;
export const INT_MIN = -(1n << 63n);
export const INT_MAX = (1n << 63n) - 1n;

export type PortProto = "unknown" | "tcp" | "udp" | "icmp";
export const PORT_PROTOS: readonly PortProto[] = ["unknown", "tcp", "udp", "icmp"];

/** Zeek `int`: a signed 64-bit integer. */
export class ZeekInt {
  readonly value: bigint;
  constructor(value: bigint) {
    if (typeof value !== "bigint" || value < INT_MIN || value > INT_MAX) {
      throw new CodecError("range", "", `int ${String(value)} is outside the signed 64-bit range`);
    }
    this.value = value;
  }
  toString(): string {
    return this.value.toString();
  }
}

/** Zeek `addr`: 4 bytes (IPv4) or 16 bytes (IPv6). IPv4-mapped IPv6 becomes IPv4, as in Zeek. */
export class Addr {
  readonly bytes: Uint8Array;
  #text: string | undefined;
  constructor(bytes: Uint8Array) {
    if (adopting) {
      // addrAdopting: bytes already checked and copied by the caller.
      adopting = false;
      this.bytes = bytes;
      return;
    }
    if (!(bytes instanceof Uint8Array) || (bytes.length !== 4 && bytes.length !== 16)) {
      throw new CodecError("range", "", `an addr has 4 or 16 bytes, not ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`);
    }
    // A copy either way (a received buffer is not ours to keep; Buffer's
    // slice() would be a view): the typed-array copy constructor, not
    // Uint8Array.from, which walks the iterator protocol.
    this.bytes = new Uint8Array(isV4Mapped(bytes) ? bytes.subarray(12) : bytes);
  }
  static parse(text: string): Addr {
    const bytes = typeof text === "string" ? parseIp(text) : undefined;
    if (!bytes) throw new CodecError("range", "", `not an IPv4 or IPv6 address: ${JSON.stringify(text)}`);
    return new Addr(bytes);
  }
  get isV4(): boolean {
    return this.bytes.length === 4;
  }
  toString(): string {
    return (this.#text ??= formatIp(this.bytes));
  }
}

let adopting = false;

/**
 * For decoders (not exported from index.ts): an Addr that keeps `bytes`
 * instead of copying them — a fresh array of 4 bytes, or of 16 that are not
 * a v4-mapped address, that nobody else holds. The log reader makes two
 * addresses per conn record; the copy was a third of their cost.
 */
export function addrAdopting(bytes: Uint8Array): Addr {
  adopting = true;
  return new Addr(bytes);
}

/**
 * Zeek `subnet`: a network address (host bits cleared, as Zeek does) and a
 * prefix width. A v4-mapped IPv6 prefix of width >= 96 is the IPv4 subnet
 * of width - 96, as in Zeek.
 */
export class Subnet {
  readonly prefix: Addr;
  readonly width: number;
  /** `prefix` as an Addr or as 4/16 raw bytes; `width` counts bits of those bytes. */
  constructor(prefix: Addr | Uint8Array, width: number) {
    const raw = prefix instanceof Addr ? prefix.bytes : prefix;
    if (!(raw instanceof Uint8Array) || (raw.length !== 4 && raw.length !== 16)) {
      throw new CodecError("range", "", "a subnet prefix has 4 or 16 bytes");
    }
    const bits = raw.length * 8;
    if (!Number.isInteger(width) || width < 0 || width > bits) {
      throw new CodecError("range", "", `subnet width ${width} is outside 0..${bits}`);
    }
    const masked = Uint8Array.from(raw);
    for (let i = 0; i < masked.length; i++) {
      const keep = Math.max(0, Math.min(8, width - 8 * i));
      masked[i]! &= (0xff << (8 - keep)) & 0xff;
    }
    this.prefix = new Addr(masked);
    this.width = isV4Mapped(masked) ? width - 96 : width;
  }
  static parse(text: string): Subnet {
    const slash = typeof text === "string" ? text.lastIndexOf("/") : -1;
    const widthText = slash > 0 ? text.slice(slash + 1) : "";
    const bytes = slash > 0 ? parseIp(text.slice(0, slash), true) : undefined;
    if (!bytes || !/^\d{1,3}$/.test(widthText)) {
      throw new CodecError("range", "", `not a subnet (address/width): ${JSON.stringify(text)}`);
    }
    return new Subnet(bytes, Number(widthText));
  }
  toString(): string {
    return `${this.prefix}/${this.width}`;
  }
}

/** Zeek `port`: a number and a transport protocol. */
export class Port {
  readonly number: number;
  readonly proto: PortProto;
  constructor(number: number, proto: PortProto) {
    if (!Number.isInteger(number) || number < 0 || number > 0xffff) {
      throw new CodecError("range", "", `port number ${number} is outside 0..65535`);
    }
    if (!PORT_PROTOS.includes(proto)) {
      throw new CodecError("range", "", `port protocol ${JSON.stringify(proto)} is not one of ${PORT_PROTOS.join(", ")}`);
    }
    this.number = number;
    this.proto = proto;
  }
  static parse(text: string): Port {
    const m = typeof text === "string" ? /^(\d{1,5})\/(tcp|udp|icmp|unknown)$/.exec(text) : null;
    if (!m) throw new CodecError("range", "", `not a port (number/tcp|udp|icmp|unknown): ${JSON.stringify(text)}`);
    return new Port(Number(m[1]), m[2] as PortProto);
  }
  toString(): string {
    return `${this.number}/${this.proto}`;
  }
}

/** Zeek `time`: seconds since the Unix epoch, a double (as Zeek stores it). */
export class Time {
  readonly seconds: number;
  constructor(seconds: number) {
    if (typeof seconds !== "number") throw new CodecError("type", "", `time needs a number of seconds, got ${typeof seconds}`);
    this.seconds = seconds;
  }
  toDate(): Date {
    return new Date(this.seconds * 1000);
  }
  toString(): string {
    return String(this.seconds);
  }
}

/** Zeek `interval`: a duration in seconds, a double. */
export class Interval {
  readonly seconds: number;
  constructor(seconds: number) {
    if (typeof seconds !== "number") throw new CodecError("type", "", `interval needs a number of seconds, got ${typeof seconds}`);
    this.seconds = seconds;
  }
  toString(): string {
    return String(this.seconds);
  }
}

/** Zeek `enum` value, by its fully qualified name, e.g. `Cluster::WORKER`. */
export class EnumValue {
  readonly name: string;
  constructor(name: string) {
    if (typeof name !== "string" || name.length === 0 || !isWellFormed(name)) {
      throw new CodecError("range", "", `an enum name must be a non-empty UTF-16-valid string, got ${JSON.stringify(name)}`);
    }
    this.name = name;
  }
  toString(): string {
    return this.name;
  }
}

/**
 * Zeek `set`. The elements keep their order and multiplicity exactly as
 * given or received (no de-duplication), so a decoded set re-encodes to the
 * same bytes. A multi-index set has vector (array) elements.
 */
export class ZeekSet {
  readonly items: readonly ZeekValue[];
  constructor(items: Iterable<ZeekInput>) {
    this.items = Array.from(items, (v, i) => normalizeAt(v, subPath("", i), 1));
  }
  get size(): number {
    return this.items.length;
  }
  [Symbol.iterator](): Iterator<ZeekValue> {
    return this.items[Symbol.iterator]();
  }
}

/**
 * Zeek `table`: key/value entries in order, as given or received. A
 * multi-index key is a vector (array) of the index values, as in Broker.
 */
export class ZeekTable {
  readonly entries: readonly (readonly [ZeekValue, ZeekValue])[];
  constructor(entries: Iterable<readonly [ZeekInput, ZeekInput]>) {
    this.entries = Array.from(entries, (e, i) => {
      if (!Array.isArray(e) || e.length !== 2) throw new CodecError("shape", subPath("", i), "a table entry is a [key, value] pair");
      return [normalizeAt(e[0], subPath(subPath("", i), 0), 1), normalizeAt(e[1], subPath(subPath("", i), 1), 1)] as const;
    });
  }
  get size(): number {
    return this.entries.length;
  }
  [Symbol.iterator](): Iterator<readonly [ZeekValue, ZeekValue]> {
    return this.entries[Symbol.iterator]();
  }
}

/** A Zeek record: field name -> value (null = unset), in field order. */
export interface ZeekRecord {
  [field: string]: ZeekValue;
}

/** Every value the codec decodes to (and encodes from). */
export type ZeekValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | ZeekInt
  | Addr
  | Subnet
  | Port
  | Time
  | Interval
  | EnumValue
  | ZeekSet
  | ZeekTable
  | ZeekValue[]
  | ZeekRecord;

/** What the encoder also accepts: the plain-JS spellings of the same types. */
export type ZeekInput =
  | ZeekValue
  | undefined
  | Date
  | ReadonlySet<ZeekInput>
  | ReadonlyMap<ZeekInput, ZeekInput>
  | readonly ZeekInput[]
  | { readonly [field: string]: ZeekInput };

/** The kinds a JS input can be, after one look at it. */
export type InputKind =
  | "nil"
  | "bool"
  | "double"
  | "count"
  | "string"
  | "bytes"
  | "int"
  | "addr"
  | "subnet"
  | "port"
  | "time"
  | "interval"
  | "enum"
  | "set"
  | "table"
  | "vector"
  | "record"
  | "date"
  | "js-set"
  | "js-map";

/** Classify one input; CodecError "type" for anything without a Zeek type. */
export function inputKind(v: unknown, path: string): InputKind {
  switch (typeof v) {
    case "undefined":
      return "nil";
    case "boolean":
      return "bool";
    case "number":
      return "double";
    case "bigint":
      return "count";
    case "string":
      return "string";
    case "object": {
      if (v === null) return "nil";
      if (Array.isArray(v)) return "vector";
      if (v instanceof Uint8Array) return "bytes";
      if (v instanceof ZeekInt) return "int";
      if (v instanceof Addr) return "addr";
      if (v instanceof Subnet) return "subnet";
      if (v instanceof Port) return "port";
      if (v instanceof Time) return "time";
      if (v instanceof Interval) return "interval";
      if (v instanceof EnumValue) return "enum";
      if (v instanceof ZeekSet) return "set";
      if (v instanceof ZeekTable) return "table";
      if (v instanceof Date) return "date";
      if (v instanceof Set) return "js-set";
      if (v instanceof Map) return "js-map";
      const proto = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) return "record";
      throw new CodecError("type", path, `a ${(v as object).constructor?.name ?? "object"} has no Zeek type`);
    }
    default:
      throw new CodecError("type", path, `a ${typeof v} has no Zeek type`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// String.prototype.isWellFormed (ES2024, Node 20+) does the same natively,
// several times faster than the regular expression on every logged string.
const nativeWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

/** False for strings with unpaired surrogates, which UTF-8 cannot carry. */
export const isWellFormed: (s: string) => boolean = nativeWellFormed
  ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
  : (s) => !LONE_SURROGATE.test(s);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Record field names are Zeek identifiers. */
export function checkFieldName(name: string, path: string): void {
  if (!IDENTIFIER.test(name)) throw new CodecError("range", path, `record field name ${JSON.stringify(name)} is not a Zeek identifier`);
}

export function checkString(s: string, path: string): string {
  if (!isWellFormed(s)) {
    throw new CodecError("range", path, "string has an unpaired UTF-16 surrogate; pass raw bytes as a Uint8Array");
  }
  return s;
}

export function checkCount(v: bigint, path: string): bigint {
  if (v < 0n || v > COUNT_MAX) {
    throw new CodecError("range", path, `count ${v} is outside 0..2^64-1${v < 0n ? " (a bare bigint is a count; use int() for signed values)" : ""}`);
  }
  return v;
}

/** Set a property, even one called __proto__, as an own enumerable field. */
export function defineField(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Turn any accepted input into its canonical decoded shape (deep). */
export function normalize(v: ZeekInput): ZeekValue {
  return normalizeAt(v, "", 0);
}

function normalizeAt(v: unknown, path: string, depth: number): ZeekValue {
  const kind = inputKind(v, path);
  switch (kind) {
    case "nil":
      return null;
    case "bool":
    case "double":
      return v as boolean | number;
    case "count":
      return checkCount(v as bigint, path);
    case "string":
      return checkString(v as string, path);
    case "bytes":
    case "int":
    case "addr":
    case "subnet":
    case "port":
    case "time":
    case "interval":
    case "enum":
    case "set":
    case "table":
      return v as ZeekValue;
    case "date":
      return dateToTime(v as Date, path);
  }
  if (depth >= MAX_NESTING) throw new CodecError("too-deep", path, `containers nested deeper than ${MAX_NESTING} levels`);
  switch (kind) {
    case "js-set":
      return new ZeekSet(Array.from(v as Set<unknown>, (x, i) => normalizeAt(x, subPath(path, i), depth + 1)));
    case "js-map":
      return new ZeekTable(
        Array.from(v as Map<unknown, unknown>, ([k, x], i) => [
          normalizeAt(k, subPath(subPath(path, i), 0), depth + 1),
          normalizeAt(x, subPath(subPath(path, i), 1), depth + 1),
        ]),
      );
    case "vector":
      return Array.from(v as unknown[], (x, i) => normalizeAt(x, subPath(path, i), depth + 1));
    default: {
      const out: ZeekRecord = {};
      for (const name of Object.keys(v as object)) {
        const p = subPath(path, name);
        checkFieldName(name, p);
        defineField(out, name, normalizeAt((v as Record<string, unknown>)[name], p, depth + 1));
      }
      return out;
    }
  }
}

function dateToTime(d: Date, path: string): Time {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new CodecError("range", path, "an invalid Date is not a time");
  return new Time(ms / 1000);
}

/**
 * The Zeek type name of a value as Zeek's logs spell it (`count`,
 * `set[addr]`, `vector[string]`, `table[string] of count`, `record`), or
 * undefined when the value does not tell (null, or an empty container).
 */
export function zeekTypeOf(v: ZeekInput): string | undefined {
  const kind = inputKind(v, "");
  switch (kind) {
    case "nil":
      return undefined;
    case "bytes":
      return "string";
    case "date":
      return "time";
    case "set":
    case "js-set": {
      const first = firstNonNull(kind === "set" ? (v as ZeekSet).items : (v as Set<ZeekInput>));
      const t = first === undefined ? undefined : zeekTypeOf(first);
      return t === undefined ? undefined : `set[${t}]`;
    }
    case "vector": {
      const first = firstNonNull(v as ZeekInput[]);
      const t = first === undefined ? undefined : zeekTypeOf(first);
      return t === undefined ? undefined : `vector[${t}]`;
    }
    case "table":
    case "js-map": {
      const entries = kind === "table" ? (v as ZeekTable).entries : Array.from(v as Map<ZeekInput, ZeekInput>);
      if (entries.length === 0) return undefined;
      const [k, x] = entries[0]!;
      const kt = zeekTypeOf(k);
      const xt = zeekTypeOf(x);
      return kt === undefined || xt === undefined ? undefined : `table[${kt}] of ${xt}`;
    }
    default:
      return kind;
  }
}

function firstNonNull(items: Iterable<ZeekInput>): ZeekInput | undefined {
  for (const x of items) if (x !== null && x !== undefined) return x;
  return undefined;
}

// ---------------------------------------------------------------------------
// Helpers: the pleasant way to write the non-plain types.

function toBigInt(x: number | bigint | string, what: string): bigint {
  if (typeof x === "bigint") return x;
  if (typeof x === "number") {
    if (!Number.isSafeInteger(x)) throw new CodecError("range", "", `${what}(${x}): not an integer a number can hold exactly; pass a bigint or a decimal string`);
    return BigInt(x);
  }
  if (typeof x === "string" && /^-?\d+$/.test(x)) return BigInt(x);
  throw new CodecError("type", "", `${what}() needs an integer number, a bigint or a decimal string, got ${JSON.stringify(String(x))}`);
}

/** A Zeek `count` (unsigned 64-bit); returns the bigint that stands for it. */
export function count(x: number | bigint | string): bigint {
  return checkCount(toBigInt(x, "count"), "");
}

/** A Zeek `int` (signed 64-bit). */
export function int(x: number | bigint | string): ZeekInt {
  return new ZeekInt(toBigInt(x, "int"));
}

/** A Zeek `double`; it is just the number (a bigint is converted, and must be exact). */
export function double(x: number | bigint): number {
  if (typeof x === "number") return x;
  const n = Number(x);
  if (BigInt(n) !== x) throw new CodecError("range", "", `double(${x}n): not exactly representable as a double`);
  return n;
}

/** A Zeek `addr` from text ("10.0.0.1", "2001:db8::1") or 4/16 bytes. */
export function addr(x: string | Uint8Array | Addr): Addr {
  if (x instanceof Addr) return x;
  return typeof x === "string" ? Addr.parse(x) : new Addr(x);
}

/** A Zeek `subnet` from "10.0.0.0/8", or from an address and a width. */
export function subnet(x: string | Subnet | Addr, width?: number): Subnet {
  if (x instanceof Subnet) return x;
  if (x instanceof Addr) return new Subnet(x, width ?? x.bytes.length * 8);
  if (width !== undefined) return new Subnet(addr(x), width);
  return Subnet.parse(x);
}

/** A Zeek `port`: port(80, "tcp") or port("53/udp"). */
export function port(text: string): Port;
export function port(number: number, proto: PortProto): Port;
export function port(x: number | string, proto?: PortProto): Port {
  if (typeof x === "string") return Port.parse(x);
  if (proto === undefined) throw new CodecError("range", "", `port(${x}) needs a protocol: "tcp", "udp", "icmp" or "unknown"`);
  return new Port(x, proto);
}

/** A Zeek `time` from a Date or from seconds since the epoch. */
export function time(x: Date | number | Time): Time {
  if (x instanceof Time) return x;
  if (x instanceof Date) return dateToTime(x, "");
  return new Time(x);
}

/** A Zeek `interval` of this many seconds. */
export function interval(seconds: number | Interval): Interval {
  return seconds instanceof Interval ? seconds : new Interval(seconds);
}

/** A Zeek `enum` value by its fully qualified name. */
export function enumValue(name: string): EnumValue {
  return new EnumValue(name);
}

/** A Zeek `set` of these elements (in this order). */
export function set(items: Iterable<ZeekInput>): ZeekSet {
  return new ZeekSet(items);
}

/** A Zeek `table` from a Map or from [key, value] pairs. */
export function table(entries: ReadonlyMap<ZeekInput, ZeekInput> | Iterable<readonly [ZeekInput, ZeekInput]>): ZeekTable {
  return new ZeekTable(entries as Iterable<readonly [ZeekInput, ZeekInput]>);
}

/** A Zeek `vector` (a plain array, normalized). */
export function vector(items: Iterable<ZeekInput>): ZeekValue[] {
  return normalize(Array.from(items)) as ZeekValue[];
}

/** A Zeek `record` (a plain object, normalized; field order is key order). */
export function record(fields: { readonly [field: string]: ZeekInput }): ZeekRecord {
  if (inputKind(fields, "") !== "record") throw new CodecError("type", "", "record() needs a plain object");
  return normalize(fields) as ZeekRecord;
}
