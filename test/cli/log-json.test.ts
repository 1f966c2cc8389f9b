// The JSON writer's lines (app/log-json.ts) are built as bytes, per column
// type; they must be byte for byte the lines it built before as strings:
// `"name":` + logValueToJson(value) for every set field, in field order.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { enumValue, interval, set, time, type LogField } from "../../adapters/node/codec/index";
import { jsonLines } from "../../app/log-json";
import { logValueToJson } from "../../app/log-values";
import { addrArb, countArb, doubleArb, intArb, portArb, scalarArb, subnetArb, text, valueArb } from "../codec/arbitraries";

/** The string-built lines (the writer's previous code). */
function referenceLines(fields: readonly LogField[], records: readonly (readonly unknown[])[]): string {
  let out = "";
  for (const rec of records) {
    let line = "{";
    let first = true;
    for (let i = 0; i < fields.length; i++) {
      const v = rec[i];
      if (v === undefined || v === null) continue;
      line += (first ? "" : ",") + JSON.stringify(fields[i]!.name) + ":" + logValueToJson(v);
      first = false;
    }
    out += line + "}\n";
  }
  return out;
}

/** The text, or the error (logValueToJson throws for a null-prototype record, a value no log column holds). */
function outcome(f: () => string): string {
  try {
    return f();
  } catch (err) {
    return `throws ${String(err)}`;
  }
}

const TYPES = ["bool", "int", "count", "double", "time", "interval", "string", "enum", "port", "addr", "subnet", "set[addr]", "vector[string]"];

const typed: Record<string, fc.Arbitrary<unknown>> = {
  bool: fc.boolean(),
  int: intArb,
  count: fc.oneof(countArb, fc.bigInt({ min: 0n, max: 2n ** 54n })),
  double: doubleArb,
  time: doubleArb.map(time),
  interval: doubleArb.map(interval),
  string: fc.oneof(text, fc.uint8Array({ maxLength: 8 }), fc.constantFrom('"', "\\", "\u0000\u001f", "\u007f", "é😀", "a".repeat(300))),
  enum: fc.oneof(text.filter((s) => s.length > 0).map(enumValue), fc.constant(enumValue('A::"B"'))),
  port: portArb,
  addr: addrArb,
  subnet: subnetArb,
  "set[addr]": fc.array(addrArb, { maxLength: 3 }).map((x) => set(x)),
  "vector[string]": fc.array(fc.option(text), { maxLength: 3 }),
};

const anyValue = fc.oneof(scalarArb, valueArb, fc.constantFrom<unknown>(undefined, 1, 1n, -1n, "x", true, NaN, -0));

const batchArb = fc
  .array(fc.tuple(fc.constantFrom(...TYPES), fc.oneof(text, fc.constantFrom("id.orig_h", 'we"ird', "é"))), { minLength: 1, maxLength: 6 })
  .chain((cols) => {
    const fields: LogField[] = cols.map(([type, name], i) => ({ name: `${name}${i}`, type, optional: true }));
    // Mostly values of the column's type, some unset, now and then anything at all.
    const cell = (t: string) => fc.oneof({ weight: 6, arbitrary: typed[t]! }, { weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: anyValue });
    return fc.tuple(fc.constant(fields), fc.array(fc.tuple(...cols.map(([t]) => cell(t))), { maxLength: 8 }));
  });

describe("JSON log lines", () => {
  it("are the string-built lines, byte for byte (property)", () => {
    fc.assert(
      fc.property(batchArb, ([fields, records]) => {
        expect(outcome(() => jsonLines(fields, records).toString("utf8"))).toBe(outcome(() => referenceLines(fields, records)));
      }),
      { numRuns: 2000 },
    );
  });

  it("print times, intervals, doubles and counts as JavaScript does, also where written by hand (property)", () => {
    const micro = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 33 * 1e6 }).map((us) => us / 1e6),
      fc.integer({ min: 0, max: 1e8 }).map((us) => us / 1e6),
      fc.tuple(fc.integer({ min: -12, max: 12 }), fc.integer({ min: -3, max: 3 })).map(([e, d]) => 10 ** e + d * 1e-6),
      fc.double({ min: 2 ** 33 - 1, max: 2 ** 33 + 1 }),
      doubleArb,
    );
    const count = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 54n }), fc.constantFrom(0n, 9n, 10n, 2n ** 31n - 1n, 2n ** 31n, 10n ** 9n, 2n ** 53n - 1n, 2n ** 53n));
    const fields: LogField[] = [
      { name: "t", type: "time", optional: false },
      { name: "i", type: "interval", optional: false },
      { name: "d", type: "double", optional: false },
      { name: "c", type: "count", optional: false },
    ];
    fc.assert(
      fc.property(micro, micro, micro, count, (a, b, c, n) => {
        const records = [[time(a), interval(b), c, n]];
        expect(jsonLines(fields, records).toString("utf8")).toBe(referenceLines(fields, records));
      }),
      { numRuns: 5000 },
    );
  });

  it("a batch larger than the first buffer", () => {
    const fields: LogField[] = [{ name: "s", type: "string", optional: false }];
    const records = Array.from({ length: 3000 }, (_, i) => [`${"x".repeat(i % 97)}é${i}`]);
    expect(jsonLines(fields, records).toString("utf8")).toBe(referenceLines(fields, records));
  });
});
