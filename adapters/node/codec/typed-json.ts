// A lossless JSON rendering of Zeek values, for debugging and interop tests.
//
// Every value becomes [type, body] (null stays null), with 64-bit integers as
// decimal strings and the doubles JSON cannot spell as "NaN" / "Infinity" /
// "-Infinity" / "-0" (JSON.stringify writes -0 as 0), so nothing is lost.
// tools/python/logger.py --typed prints exactly this shape; the interop test
// compares the two.

import { formatIp } from "./ip";
import { Addr, EnumValue, Interval, Port, Subnet, Time, ZeekInt, ZeekSet, ZeekTable, type ZeekValue } from "./values";

export type TypedJson = null | [string, unknown];

function num(n: number): number | string {
  if (Object.is(n, -0)) return "-0";
  return Number.isFinite(n) ? n : String(n);
}

export function toTypedJson(v: ZeekValue): TypedJson {
  if (v === null) return null;
  switch (typeof v) {
    case "boolean":
      return ["bool", v];
    case "bigint":
      return ["count", v.toString()];
    case "number":
      return ["double", num(v)];
    case "string":
      return ["string", v];
  }
  if (v instanceof Uint8Array) return ["bytes", Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex")];
  if (v instanceof ZeekInt) return ["int", v.value.toString()];
  if (v instanceof Addr) return ["addr", formatIp(v.bytes)];
  if (v instanceof Subnet) return ["subnet", v.toString()];
  if (v instanceof Port) return ["port", v.toString()];
  if (v instanceof Time) return ["time", num(v.seconds)];
  if (v instanceof Interval) return ["interval", num(v.seconds)];
  if (v instanceof EnumValue) return ["enum", v.name];
  if (v instanceof ZeekSet) return ["set", v.items.map(toTypedJson)];
  if (v instanceof ZeekTable) return ["table", v.entries.map(([k, x]) => [toTypedJson(k), toTypedJson(x)])];
  if (Array.isArray(v)) return ["vector", v.map(toTypedJson)];
  const out: Record<string, TypedJson> = {};
  for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: toTypedJson(v[k]!), enumerable: true, writable: true, configurable: true });
  return ["record", out];
}
