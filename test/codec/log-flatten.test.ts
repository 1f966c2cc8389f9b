// flattenLogRecord walks a per-field-list plan (log-schema.ts) instead of
// building `prefix + key` names and a name index per record. The reference
// below is the name-building walk it replaced: the same values and the same
// CodecErrors for every record, nested, flat, dotted or wrong.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addr,
  CodecError,
  coerceLogValue,
  flattenLogRecord,
  parseLogType,
  port,
  time,
  toTypedJson,
  type LogField,
  type ZeekValue,
} from "../../adapters/node/codec/index";
import { inputKind } from "../../adapters/node/codec/values";

function isRecordInput(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && inputKind(v, "") === "record";
}

function referenceFlatten(record: Record<string, unknown>, fields: readonly LogField[]): ZeekValue[] {
  if (!isRecordInput(record)) throw new CodecError("type", "record", "a log record is a plain object");
  const index = new Map(fields.map((f, i) => [f.name, i]));
  const values: ZeekValue[] = new Array<ZeekValue>(fields.length).fill(null);
  const walk = (rec: Record<string, unknown>, prefix: string, depth: number): void => {
    if (depth > 16) throw new CodecError("too-deep", prefix, "records nested too deep to log");
    for (const key of Object.keys(rec)) {
      const name = prefix + key;
      const v = rec[key];
      const i = index.get(name);
      if (i !== undefined) {
        if (v !== null && v !== undefined) values[i] = coerceLogValue(v, parseLogType(fields[i]!.type), name);
      } else if (isRecordInput(v)) {
        walk(v, name + ".", depth + 1);
      } else if (v !== null && v !== undefined) {
        throw new CodecError("shape", name, "not a field of this log stream");
      }
    }
  };
  walk(record, "", 0);
  return values;
}

function outcome(f: () => ZeekValue[]): unknown {
  try {
    return f().map(toTypedJson);
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    return `${err.code} ${err.path}: ${err.message}`;
  }
}

class NotAValue {}

// Names over a few segments, so that dotted names share prefixes.
const segment = fc.constantFrom("a", "b", "id", "orig_h", "x");
const nameArb = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join("."));
const fieldsArb = fc.uniqueArray(fc.tuple(nameArb, fc.constantFrom("count", "string", "addr", "port", "time", "vector[string]")), {
  minLength: 1,
  maxLength: 6,
  selector: ([n]) => n,
});
const leafArb = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, 1, 2n, -1, "x", "10.0.0.1", "80/tcp", "\ud800", addr("::1"), port(1, "udp"), time(2), ["s"], new Date(3000), new NotAValue(), new Map()),
  fc.string({ maxLength: 3 }),
);
const recordArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ rec: Record<string, unknown> }>((tie) => ({
  rec: fc.dictionary(fc.oneof(segment, nameArb), fc.oneof({ weight: 3, arbitrary: leafArb }, { weight: 1, arbitrary: tie("rec") }), { maxKeys: 4 }),
})).rec;

describe("flattening log records", () => {
  it("gives the name-building walk's values and errors (property)", () => {
    fc.assert(
      fc.property(fieldsArb, recordArb, (spec, record) => {
        const fields: LogField[] = spec.map(([name, type]) => ({ name, type, optional: true }));
        expect(outcome(() => flattenLogRecord(record as never, fields))).toEqual(outcome(() => referenceFlatten(record, fields)));
      }),
      { numRuns: 2000 },
    );
  });

  it("reaches every field spelling of a dotted name", () => {
    const fields: LogField[] = [
      { name: "a.b.c", type: "count", optional: true },
      { name: "a.b", type: "string", optional: true },
    ];
    for (const rec of [{ a: { b: { c: 1 } } }, { a: { "b.c": 1 } }, { "a.b": { c: 1 } }, { "a.b.c": 1 }, { a: { b: "s" } }, { a: { b: { d: 1 } } }, { q: {} }, { q: { r: null } }]) {
      expect(outcome(() => flattenLogRecord(rec as never, fields))).toEqual(outcome(() => referenceFlatten(rec, fields)));
    }
    let deep: Record<string, unknown> = { c: 1 };
    for (let i = 0; i < 20; i++) deep = { a: deep };
    expect(outcome(() => flattenLogRecord(deep as never, fields))).toMatch(/^too-deep/);
    // A field name wins over walking into its value: with `a.b` a string field, {a: {b: {c}}} is a type error.
    expect(outcome(() => flattenLogRecord({ a: { b: { c: 1 } } } as never, fields))).toMatch(/^type a\.b: /);
    for (const rec of [{ a: { b: { c: 1 } } }, { a: { "b.c": 1 } }, { "a.b": { c: 1 } }, { "a.b.c": 1 }]) {
      expect(outcome(() => flattenLogRecord(rec as never, fields.slice(0, 1)))).toEqual([["count", "1"]]);
    }
  });
});
