// The log hot path (log-columns.ts, log-reader.ts, msgpack-writer.ts)
// against the generic codec it replaces for log records: the same bytes out
// of the encoder, the same values (or a fall-back to the generic decoder)
// out of the decoder, the same CodecErrors for bad input.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assembleLogBatch,
  CodecError,
  coerceLogValue,
  decodeLogBatch,
  encodeLogBatch,
  encodeLogRecord,
  parseLogType,
  set,
  toTypedJson,
  type LogField,
  type LogHeader,
  type ZeekValue,
} from "../../adapters/node/codec/index";
import { decodeFast, decodeGeneric } from "../../adapters/node/codec/log";
import { pack } from "../../adapters/node/codec/msgpack";
import { valueToWire } from "../../adapters/node/codec/value-codec";
import { addrArb, countArb, doubleArb, enumArb, intArb, portArb, subnetArb, text } from "./arbitraries";
import { interval, time } from "../../adapters/node/codec/index";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** A record the generic way: coerceLogValue, valueToWire, msgpackr. */
function referenceRecord(fields: readonly LogField[], values: readonly unknown[], index: number): Uint8Array {
  if (!Array.isArray(values)) throw new CodecError("type", `log.records[${index}]`, "a log record is an array of values in field order");
  if (values.length !== fields.length) {
    throw new CodecError("shape", `log.records[${index}]`, `a record of this stream has ${fields.length} values, got ${values.length}`);
  }
  return pack(
    values.map((v, i) => {
      const f = fields[i]!;
      const p = `log.records[${index}].${f.name}`;
      if (v === null || v === undefined) {
        if (!f.optional) throw new CodecError("type", p, "field is not optional but has no value");
        return null;
      }
      return valueToWire(coerceLogValue(v, parseLogType(f.type), p), p, 0);
    }),
  );
}

function outcome(f: () => Uint8Array): string {
  try {
    return hex(f());
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    return `${err.code}: ${err.message}`;
  }
}

const TYPES = ["bool", "int", "count", "double", "time", "interval", "string", "enum", "port", "addr", "subnet", "set[count]", "vector[string]", "vector[set[addr]]"];

/** Canonical values of a type, plus the friendly spellings coerceLogValue takes. */
function valueOf(t: string): fc.Arbitrary<unknown> {
  switch (t) {
    case "bool":
      return fc.boolean();
    case "int":
      return fc.oneof(intArb, fc.integer());
    case "count":
      return fc.oneof(countArb, fc.nat());
    case "double":
      return doubleArb;
    case "time":
      return fc.oneof(doubleArb.map(time), doubleArb, fc.date({ noInvalidDate: true }));
    case "interval":
      return fc.oneof(doubleArb.map(interval), doubleArb);
    case "string":
      return fc.oneof(
        text,
        fc.uint8Array({ maxLength: 40 }),
        fc.constantFrom("", "a".repeat(31), "é".repeat(16), "é".repeat(40), "b".repeat(255), "€".repeat(100), "c".repeat(65536), "😀".repeat(40)),
      );
    case "enum":
      return fc.oneof(enumArb, fc.constantFrom("tcp", "abcd", "x".repeat(8), "y".repeat(16), "Ünï::cödé"));
    case "port":
      return fc.oneof(portArb, fc.constant("53/udp"));
    case "addr":
      return fc.oneof(addrArb, fc.constant("::ffff:10.0.0.1"));
    case "subnet":
      return subnetArb;
    case "set[count]":
      return fc.array(countArb, { maxLength: 3 }).map((x) => set(x));
    case "vector[string]":
      return fc.array(text, { maxLength: 3 });
    default:
      return fc.array(fc.array(addrArb, { maxLength: 2 }), { maxLength: 2 });
  }
}

/** Values that are wrong for most columns. */
const wrongArb = fc.oneof(
  fc.constantFrom(...TYPES).chain(valueOf),
  fc.constantFrom<unknown>(undefined, null, "\ud800", "x\udc00", -1, 1.5, -1n, 2n ** 64n, {}, [], new Date(NaN), "300.1.1.1", "1/xyz", ""),
);

function batchArb(values: (t: string) => fc.Arbitrary<unknown>) {
  return fc
    .array(fc.tuple(fc.constantFrom(...TYPES), fc.boolean()), { minLength: 1, maxLength: 6 })
    .chain((cols) => {
      const fields: LogField[] = cols.map(([type, optional], i) => ({ name: `c${i}`, type, optional }));
      const row = fc.tuple(...cols.map(([t, optional]) => (optional ? fc.option(values(t), { freq: 4 }) : values(t))));
      return fc.tuple(fc.constant(fields), fc.array(row, { maxLength: 12 }));
    });
}

const headerOf = (fields: LogField[]): LogHeader => ({ stream: "T::LOG", writer: "Log::WRITER_ASCII", filter: "default", path: "t", fields });

describe("encoding log records", () => {
  it("gives the generic encoder's bytes (property)", () => {
    fc.assert(
      fc.property(batchArb(valueOf), fc.boolean(), ([fields, rows], acked) => {
        const header = headerOf(fields);
        const delivery = acked ? { chan: "c", seq: 2, base: 1 } : undefined;
        const want = outcome(() => assembleLogBatch(header, rows.map((r, i) => referenceRecord(fields, r, i)), delivery));
        expect(outcome(() => encodeLogBatch(header, rows as never, delivery))).toBe(want);
        rows.forEach((r, i) => expect(outcome(() => encodeLogRecord(fields, r as never, i))).toBe(outcome(() => referenceRecord(fields, r, i))));
      }),
      { numRuns: 300 },
    );
  });

  it("rejects bad values with the generic encoder's errors (property)", () => {
    // Rows of wrong values, and now and then a row of the wrong length or no row at all.
    const rowsArb = batchArb(() => wrongArb).chain(([fields, rows]) =>
      fc.tuple(fc.constant(fields), fc.array(fc.oneof(fc.array(wrongArb, { maxLength: 7 }), fc.constant(5)), { maxLength: 1 }), fc.nat()).map(
        ([f, extra, at]): [LogField[], unknown[]] => {
          const all: unknown[] = [...rows];
          all.splice(at % (rows.length + 1), 0, ...extra);
          return [f, all];
        },
      ),
    );
    fc.assert(
      fc.property(rowsArb, ([fields, rows]) => {
        const header = headerOf(fields);
        const want = outcome(() => assembleLogBatch(header, rows.map((r, i) => referenceRecord(fields, r as unknown[], i))));
        expect(outcome(() => encodeLogBatch(header, rows as never))).toBe(want);
      }),
      { numRuns: 500 },
    );
  });

  it("writes the canonical headers at every length boundary", () => {
    const fields: LogField[] = [
      { name: "s", type: "string", optional: false },
      { name: "e", type: "enum", optional: false },
    ];
    for (const n of [0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 85, 86, 255, 256, 21845, 21846, 65535, 65536, 70000]) {
      for (const ch of ["a", "é", "€"]) {
        const s = ch.repeat(n);
        const row = [s, n === 0 ? "x" : s];
        expect(hex(encodeLogRecord(fields, row))).toBe(hex(referenceRecord(fields, row, 0)));
      }
    }
  });
});

describe("decoding log records", () => {
  it("the fast path reads what the encoder writes, with the generic decoder's values (property)", () => {
    fc.assert(
      fc.property(batchArb(valueOf), ([fields, rows]) => {
        const bytes = encodeLogBatch(headerOf(fields), rows as never);
        const fast = decodeFast(bytes);
        // Generated strings are valid UTF-8, so nothing makes it give up.
        expect(fast).toBeDefined();
        const slow = decodeGeneric(bytes);
        expect(fast!.header).toEqual(slow.header);
        expect(fast!.records.map((r) => r.map(toTypedJson))).toEqual(slow.records.map((r) => r.map(toTypedJson)));
      }),
      { numRuns: 300 },
    );
  });

  it("on damaged batches it gives up or agrees with the generic decoder (property)", () => {
    const damaged = batchArb(valueOf).chain(([fields, rows]) => {
      const bytes = encodeLogBatch(headerOf(fields), rows as never, rows.length % 2 ? { chan: "ch", seq: 3, base: 2 } : undefined);
      return fc.tuple(fc.constant(bytes), fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat(bytes.length + 1));
    });
    fc.assert(
      fc.property(damaged, ([bytes, flips, cut]) => {
        const m = Uint8Array.from(bytes);
        for (const [at, b] of flips) m[at] = b;
        for (const input of [m, bytes.subarray(0, cut), Buffer.concat([bytes, Buffer.of(flips[0]![1])])]) {
          const fast = decodeFast(input);
          let slow: ZeekValue[][] | string;
          let slowHeader: unknown;
          try {
            const batch = decodeGeneric(input);
            slow = batch.records;
            slowHeader = [batch.header, batch.delivery];
          } catch (err) {
            if (!(err instanceof CodecError)) throw err;
            slow = err.message;
          }
          if (fast) {
            expect(fast.records.map((r) => r.map(toTypedJson))).toEqual((slow as ZeekValue[][]).map((r) => r.map(toTypedJson)));
            expect([fast.header, fast.delivery]).toEqual(slowHeader);
          }
          // And the decoder as a whole is the generic one.
          let whole: ZeekValue[][] | string;
          try {
            whole = decodeLogBatch(input).records;
          } catch (err) {
            whole = (err as Error).message;
          }
          expect(typeof whole === "string" ? whole : whole.map((r) => r.map(toTypedJson))).toEqual(typeof slow === "string" ? slow : slow.map((r) => r.map(toTypedJson)));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("leaves other valid encodings to the generic decoder", () => {
    const h = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
    const header = (type: string) => pack(new Map<string, unknown>([["stream", "S"], ["writer", "W"], ["filter", "f"], ["path", "p"], ["fields", [new Map<string, unknown>([["name", "a"], ["type", type], ["optional", false]])]]]) as never);
    const cases: [string, string, unknown][] = [
      ["time", "c7 08 03 41d954fc40200000", ["time", 1700000000.5]], // ext 8 where fixext 8 would do
      ["double", "01", ["double", 1]], // a plain integer as a double
      ["string", "a2 ff 61", ["string", "\ufffda"]], // a str that is not UTF-8
      ["count", "c7 01 01 05", ["count", "5"]],
      ["addr", "c7 04 05 01020304", ["addr", "1.2.3.4"]],
    ];
    // An ext type that is not ours anywhere in the header (here msgpackr's "undefined" under an unknown key).
    const odd = pack(new Map<string, unknown>([["stream", "S"], ["writer", "W"], ["filter", "f"], ["path", "p"], ["fields", [new Map<string, unknown>([["name", "a"], ["type", "bool"], ["optional", false]])]], ["x", 1]]) as never);
    const withExt0 = Buffer.concat([h("92"), odd.subarray(0, odd.length - 1), h("d4 00 00"), h("91 91 c3")]);
    expect(decodeFast(withExt0)).toBeUndefined();
    expect(decodeLogBatch(withExt0).records).toEqual([[true]]);
    // A str in the header that is not UTF-8 (msgpackr's text for it depends on where it is read).
    const latin = Buffer.from(odd);
    latin[latin.indexOf(h("a6 73747265616d a1 53")) + 8] = 0xff; // "stream": "S" -> "\xff"
    const badHeader = Buffer.concat([h("92"), latin, h("91 91 c3")]);
    expect(decodeFast(badHeader)).toBeUndefined();
    expect(decodeLogBatch(badHeader).records).toEqual([[true]]);
    for (const [type, value, want] of cases) {
      const bytes = Buffer.concat([h("92"), header(type), h("91 91"), h(value)]);
      expect(decodeFast(bytes), type).toBeUndefined();
      expect(toTypedJson(decodeLogBatch(bytes).records[0]![0]!)).toEqual(want);
    }
  });
});
