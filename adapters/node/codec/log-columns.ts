// Log columns, written: one writer per field, chosen once per stream from
// the field's type, that puts a value's bytes straight into a MsgWriter.
//
// The bytes are exactly those of the generic path (coerceLogValue, then
// valueToWire and msgpackr; test/codec/log-columns.test.ts compares them),
// and so are the errors: a value that is already the field's canonical
// value (a Time in a time column, a bigint in range in a count column, ...)
// is written at once; anything else goes through coerceLogValue, which
// returns the canonical value or throws the same CodecError as before.

import { CodecError } from "./errors";
import { EXT, pack } from "./msgpack";
import type { MsgWriter } from "./msgpack-writer";
import { coerceLogValue, type LogType } from "./types";
import { valueToWire } from "./value-codec";
import { Addr, COUNT_MAX, EnumValue, Interval, Port, Time, ZeekInt, type ZeekValue } from "./values";

/** Writes value `v` of record `record` (the index is for error paths only). */
export type ColumnWriter = (w: MsgWriter, v: unknown, record: number) => void;

/** Where a value is, for errors: record index and field name -> `log.records[3].ts`. */
export type ValuePath = (record: number, field: string) => string;

const PROTO_CODE: Record<string, number> = { unknown: 0, tcp: 1, udp: 2, icmp: 3 };

/** Writes a canonical value (what coerceLogValue returns) of type `t`. */
function writeCanonical(w: MsgWriter, c: ZeekValue, t: LogType, path: string): void {
  switch (t.kind) {
    case "bool":
      return w.bool(c as boolean);
    case "double":
      return w.float64(c as number);
    case "count":
      return w.extUnsigned(EXT.count, c as bigint);
    case "int":
      return w.extSigned(EXT.int, (c as ZeekInt).value);
    case "time":
      return w.extFloat64(EXT.time, (c as Time).seconds);
    case "interval":
      return w.extFloat64(EXT.interval, (c as Interval).seconds);
    case "string":
      // coerceLogValue has checked the string: str() cannot refuse it.
      if (typeof c === "string") w.str(c);
      else w.bin(c as Uint8Array);
      return;
    case "enum":
      w.extStr(EXT.enum, (c as EnumValue).name);
      return;
    case "port":
      return writePort(w, c as Port);
    case "addr":
      return writeAddr(w, c as Addr);
    default:
      // subnet, set[T], vector[T]: rare in logs; the generic path.
      return w.bytes(pack(valueToWire(c, path, 0)));
  }
}

function writePort(w: MsgWriter, p: Port): void {
  w.ensure(6);
  const b = w.buf;
  const at = w.pos;
  b[at] = 0xc7;
  b[at + 1] = 3;
  b[at + 2] = EXT.port;
  b[at + 3] = p.number >> 8;
  b[at + 4] = p.number & 0xff;
  b[at + 5] = PROTO_CODE[p.proto]!;
  w.pos = at + 6;
}

function writeAddr(w: MsgWriter, a: Addr): void {
  const bytes = a.bytes;
  w.ensure(18);
  w.buf[w.pos] = bytes.length === 4 ? 0xd6 : 0xd8;
  w.buf[w.pos + 1] = EXT.addr;
  w.buf.set(bytes, w.pos + 2);
  w.pos += 2 + bytes.length;
}

/** The writer for one field. */
export function columnWriter(name: string, t: LogType, optional: boolean, pathOf: ValuePath): ColumnWriter {
  // Not the canonical value: unset, or a friendly spelling, or an error.
  const slow: ColumnWriter = (w, v, record) => {
    const path = pathOf(record, name);
    if (v === null || v === undefined) {
      if (!optional) throw new CodecError("type", path, "field is not optional but has no value");
      return w.nil();
    }
    writeCanonical(w, coerceLogValue(v, t, path), t, path);
  };
  switch (t.kind) {
    case "bool":
      return (w, v, r) => (typeof v === "boolean" ? w.bool(v) : slow(w, v, r));
    case "double":
      return (w, v, r) => (typeof v === "number" ? w.float64(v) : slow(w, v, r));
    case "count":
      return (w, v, r) => (typeof v === "bigint" && v >= 0n && v <= COUNT_MAX ? w.extUnsigned(EXT.count, v) : slow(w, v, r));
    case "int":
      return (w, v, r) => (v instanceof ZeekInt ? w.extSigned(EXT.int, v.value) : slow(w, v, r));
    case "time":
      return (w, v, r) => (v instanceof Time ? w.extFloat64(EXT.time, v.seconds) : slow(w, v, r));
    case "interval":
      return (w, v, r) => (v instanceof Interval ? w.extFloat64(EXT.interval, v.seconds) : slow(w, v, r));
    case "string":
      return (w, v, r) => {
        // str() refuses a string with an unpaired surrogate; coerceLogValue then says why.
        if (typeof v === "string") {
          if (!w.str(v)) slow(w, v, r);
        } else if (v instanceof Uint8Array) w.bin(v);
        else slow(w, v, r);
      };
    case "enum":
      // An EnumValue's name is checked (well-formed) when it is made.
      return (w, v, r) => (v instanceof EnumValue ? void w.extStr(EXT.enum, v.name) : slow(w, v, r));
    case "port":
      return (w, v, r) => (v instanceof Port ? writePort(w, v) : slow(w, v, r));
    case "addr":
      return (w, v, r) => (v instanceof Addr ? writeAddr(w, v) : slow(w, v, r));
    default:
      return slow;
  }
}
