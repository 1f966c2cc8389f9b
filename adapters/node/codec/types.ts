// Zeek type names for log fields, as Zeek's ASCII writer prints them in its
// `#types` line: bool int count double time interval string enum port addr
// subnet, and set[T] / vector[T]. Records do not appear (log records are
// flattened to `id.orig_h` names) and neither do tables (not loggable).
//
// Two checks per type:
//   - coerceLogValue, for writing: accepts the friendly spellings (a number
//     for a count or a time, "10.0.0.1" for an addr, a Date for a time, an
//     array for a set) and returns the canonical value;
//   - checkLogValue, for reading: the decoded value must already have the
//     field's type (a double where a time belongs is an error).

import { CodecError, subPath } from "./errors";
import {
  Addr,
  checkCount,
  checkString,
  EnumValue,
  Interval,
  MAX_NESTING,
  Port,
  Subnet,
  Time,
  ZeekInt,
  ZeekSet,
  type ZeekValue,
} from "./values";

export const SCALAR_TYPES = ["bool", "int", "count", "double", "time", "interval", "string", "enum", "port", "addr", "subnet"] as const;
export type ScalarTypeName = (typeof SCALAR_TYPES)[number];

export type LogType = { kind: ScalarTypeName } | { kind: "set" | "vector"; elem: LogType };

/** Parse `count`, `set[addr]`, `vector[string]`, ... */
export function parseLogType(text: string, path = ""): LogType {
  const t = parseAt(typeof text === "string" ? text : "", 0);
  if (!t) throw new CodecError("range", path, `not a log field type: ${JSON.stringify(text)} (one of ${SCALAR_TYPES.join(", ")}, set[T], vector[T])`);
  return t;
}

function parseAt(text: string, depth: number): LogType | undefined {
  if ((SCALAR_TYPES as readonly string[]).includes(text)) return { kind: text as ScalarTypeName };
  const m = /^(set|vector)\[(.+)\]$/.exec(text);
  if (!m || depth >= MAX_NESTING) return undefined;
  const elem = parseAt(m[2]!, depth + 1);
  return elem ? { kind: m[1] as "set" | "vector", elem } : undefined;
}

export function formatLogType(t: LogType): string {
  return "elem" in t ? `${t.kind}[${formatLogType(t.elem)}]` : t.kind;
}

function mismatch(path: string, t: LogType, v: unknown): CodecError {
  let got: string = typeof v;
  if (v === null) got = "null";
  else if (Array.isArray(v)) got = "an array";
  else if (typeof v === "object") got = `a ${(v as object).constructor?.name ?? "object"}`;
  return new CodecError("type", path, `expected ${formatLogType(t)}, got ${got}`);
}

/** Reading: throw unless `v` (non-null) has type `t`. */
export function checkLogValue(v: ZeekValue, t: LogType, path: string): void {
  let ok: boolean;
  switch (t.kind) {
    case "bool":
      ok = typeof v === "boolean";
      break;
    case "count":
      ok = typeof v === "bigint";
      break;
    case "int":
      ok = v instanceof ZeekInt;
      break;
    case "double":
      ok = typeof v === "number";
      break;
    case "time":
      ok = v instanceof Time;
      break;
    case "interval":
      ok = v instanceof Interval;
      break;
    case "string":
      ok = typeof v === "string" || v instanceof Uint8Array;
      break;
    case "enum":
      ok = v instanceof EnumValue;
      break;
    case "port":
      ok = v instanceof Port;
      break;
    case "addr":
      ok = v instanceof Addr;
      break;
    case "subnet":
      ok = v instanceof Subnet;
      break;
    case "set": {
      if (!(v instanceof ZeekSet)) throw mismatch(path, t, v);
      v.items.forEach((x, i) => checkElem(x, t.elem, subPath(path, i)));
      return;
    }
    case "vector": {
      if (!Array.isArray(v)) throw mismatch(path, t, v);
      v.forEach((x, i) => checkElem(x, t.elem, subPath(path, i)));
      return;
    }
  }
  if (!ok) throw mismatch(path, t, v);
}

function checkElem(v: ZeekValue, t: LogType, path: string): void {
  if (v === null) throw new CodecError("type", path, `a ${formatLogType(t)} element cannot be unset`);
  checkLogValue(v, t, path);
}

function wrap<T>(path: string, make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof CodecError && err.path === "") throw new CodecError(err.code, path, err.message, { cause: err });
    throw err;
  }
}

/** Writing: the canonical value of type `t` for `v` (non-null), or CodecError. */
export function coerceLogValue(v: unknown, t: LogType, path: string): ZeekValue {
  switch (t.kind) {
    case "bool":
      if (typeof v === "boolean") return v;
      break;
    case "count":
      if (typeof v === "bigint") return checkCount(v, path);
      if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
      break;
    case "int":
      if (v instanceof ZeekInt) return v;
      if (typeof v === "bigint") return wrap(path, () => new ZeekInt(v));
      if (typeof v === "number" && Number.isSafeInteger(v)) return new ZeekInt(BigInt(v));
      break;
    case "double":
      if (typeof v === "number") return v;
      break;
    case "time":
      if (v instanceof Time) return v;
      if (typeof v === "number") return new Time(v);
      if (v instanceof Date && !Number.isNaN(v.getTime())) return new Time(v.getTime() / 1000);
      break;
    case "interval":
      if (v instanceof Interval) return v;
      if (typeof v === "number") return new Interval(v);
      break;
    case "string":
      if (typeof v === "string") return checkString(v, path);
      if (v instanceof Uint8Array) return v;
      break;
    case "enum":
      if (v instanceof EnumValue) return v;
      if (typeof v === "string") return wrap(path, () => new EnumValue(v));
      break;
    case "port":
      if (v instanceof Port) return v;
      if (typeof v === "string") return wrap(path, () => Port.parse(v));
      break;
    case "addr":
      if (v instanceof Addr) return v;
      if (typeof v === "string") return wrap(path, () => Addr.parse(v));
      break;
    case "subnet":
      if (v instanceof Subnet) return v;
      if (typeof v === "string") return wrap(path, () => Subnet.parse(v));
      break;
    case "set": {
      const items = v instanceof ZeekSet ? v.items : v instanceof Set || Array.isArray(v) ? Array.from(v as Iterable<unknown>) : undefined;
      if (!items) break;
      const elem = t.elem;
      return new ZeekSet(items.map((x, i) => coerceElem(x, elem, subPath(path, i))));
    }
    case "vector": {
      if (!Array.isArray(v)) break;
      const elem = t.elem;
      return v.map((x, i) => coerceElem(x, elem, subPath(path, i)));
    }
  }
  throw mismatch(path, t, v);
}

/**
 * coerceLogValue for one type, specialised once (per log field): a value
 * that is already canonical is returned after the one check it needs, the
 * rest goes through coerceLogValue (same results, same errors).
 */
export function logCoercer(t: LogType): (v: unknown, path: string) => ZeekValue {
  const slow = (v: unknown, path: string) => coerceLogValue(v, t, path);
  switch (t.kind) {
    case "bool":
      return (v, path) => (typeof v === "boolean" ? v : slow(v, path));
    case "double":
      return (v, path) => (typeof v === "number" ? v : slow(v, path));
    case "count":
      return (v, path) => (typeof v === "bigint" ? checkCount(v, path) : slow(v, path));
    case "int":
      return (v, path) => (v instanceof ZeekInt ? v : slow(v, path));
    case "time":
      return (v, path) => (v instanceof Time ? v : slow(v, path));
    case "interval":
      return (v, path) => (v instanceof Interval ? v : slow(v, path));
    case "string":
      return (v, path) => (typeof v === "string" ? checkString(v, path) : slow(v, path));
    case "enum":
      return (v, path) => (v instanceof EnumValue ? v : slow(v, path));
    case "port":
      return (v, path) => (v instanceof Port ? v : slow(v, path));
    case "addr":
      return (v, path) => (v instanceof Addr ? v : slow(v, path));
    case "subnet":
      return (v, path) => (v instanceof Subnet ? v : slow(v, path));
    default:
      return slow;
  }
}

function coerceElem(v: unknown, t: LogType, path: string): ZeekValue {
  if (v === null || v === undefined) throw new CodecError("type", path, `a ${formatLogType(t)} element cannot be unset`);
  return coerceLogValue(v, t, path);
}
