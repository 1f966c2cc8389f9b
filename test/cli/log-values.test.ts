// The JSON writer formats each column with a formatter chosen from the
// column's type (jsonFormatter); it must print exactly what the generic
// logValueToJson prints, for the type's values and for anything else a
// batch handed to the writer directly may hold.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { enumValue, interval, set, time } from "../../adapters/node/codec/index";
import { jsonFormatter, logValueToJson } from "../../app/log-values";
import { addrArb, countArb, doubleArb, intArb, portArb, scalarArb, subnetArb, text, valueArb } from "../codec/arbitraries";

const TYPES = ["bool", "int", "count", "double", "time", "interval", "string", "enum", "port", "addr", "subnet", "set[addr]", "vector[string]"];

const typed: Record<string, fc.Arbitrary<unknown>> = {
  bool: fc.boolean(),
  int: intArb,
  count: countArb,
  double: doubleArb,
  time: doubleArb.map(time),
  interval: doubleArb.map(interval),
  string: fc.oneof(text, fc.uint8Array({ maxLength: 8 }), fc.constantFrom('"', "\\", "\u0000\u001f", "é😀")),
  enum: fc.oneof(text.filter((s) => s.length > 0).map(enumValue), fc.constant(enumValue('A::"B"'))),
  port: portArb,
  addr: addrArb,
  subnet: subnetArb,
  "set[addr]": fc.array(addrArb, { maxLength: 3 }).map((x) => set(x)),
  "vector[string]": fc.array(fc.option(text), { maxLength: 3 }),
};

/** The text, or the error (logValueToJson throws for a null-prototype record, a value no log column holds). */
function outcome(f: () => string): string {
  try {
    return f();
  } catch (err) {
    return `throws ${String(err)}`;
  }
}

describe("per-column JSON formatters", () => {
  it("print what logValueToJson prints, for values of the type and for any other value (property)", () => {
    const cases = fc.constantFrom(...TYPES).chain((type) => fc.tuple(fc.constant(type), fc.oneof(typed[type]!, scalarArb, valueArb, fc.constantFrom<unknown>(1, 1n, "x", true, NaN, -0))));
    fc.assert(
      fc.property(cases, ([type, v]) => {
        expect(outcome(() => jsonFormatter(type)(v))).toBe(outcome(() => logValueToJson(v)));
      }),
      { numRuns: 3000 },
    );
  });
});
