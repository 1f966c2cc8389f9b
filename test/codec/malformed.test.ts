// Bad input never crashes the decoder: it ends in a CodecError with a code
// and a message that says where and what.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CodecError,
  decodeEvent,
  decodeLogBatch,
  decodeValue,
  encodeEvent,
  encodeLogBatch,
  encodeValue,
  MAX_NESTING,
  set,
  type CodecErrorCode,
  type ZeekValue,
} from "../../adapters/node/codec/index";
import { valueArb } from "./arbitraries";

const h = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

function codecError(f: () => unknown): CodecError {
  try {
    f();
  } catch (err) {
    if (err instanceof CodecError) return err;
    throw new Error(`expected a CodecError, got ${String(err)}`, { cause: err });
  }
  throw new Error("expected a CodecError, got a result");
}

function expectCode(f: () => unknown, code: CodecErrorCode, message?: RegExp): void {
  const err = codecError(f);
  expect(err.code, err.message).toBe(code);
  if (message) expect(err.message).toMatch(message);
}

/** Decoding either succeeds or throws a CodecError; nothing else. */
function safely(f: () => unknown): void {
  try {
    f();
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
  }
}

const sampleEvent = () => encodeEvent("Conn::new", [1n, "x", set([1.5]), { a: [null, true] }], { networkTimestamp: 1 });
const sampleBatch = () =>
  encodeLogBatch(
    { stream: "S::LOG", writer: "Log::WRITER_ASCII", filter: "default", path: "s", fields: [{ name: "a", type: "set[count]", optional: true }] },
    [[set([1n, 2n])], [null]],
  );

describe("truncated input", () => {
  it("every strict prefix of an event payload", () => {
    const full = sampleEvent();
    for (let n = 0; n < full.length; n++) expectCode(() => decodeEvent(full.subarray(0, n)), "truncated");
  });

  it("every strict prefix of a log batch", () => {
    const full = sampleBatch();
    for (let n = 0; n < full.length; n++) expectCode(() => decodeLogBatch(full.subarray(0, n)), "truncated");
  });

  it("every strict prefix of any value (property)", () => {
    fc.assert(
      fc.property(valueArb, fc.nat(), (v, cut) => {
        const full = encodeValue(v);
        const n = cut % full.length;
        // A set/table payload that lost its tail is a truncated value too.
        const err = codecError(() => decodeValue(full.subarray(0, n)));
        expect(["truncated"]).toContain(err.code);
      }),
      { numRuns: 300 },
    );
  });
});

describe("random and mutated bytes", () => {
  it("random bytes give a result or a CodecError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        safely(() => decodeEvent(bytes));
        safely(() => decodeLogBatch(bytes));
        safely(() => decodeValue(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it("valid payloads with flipped bytes give a result or a CodecError", () => {
    const payloads = [sampleEvent(), sampleBatch()];
    fc.assert(
      fc.property(fc.constantFrom(0, 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (which, flips) => {
        const bytes = Uint8Array.from(payloads[which]!);
        for (const [at, b] of flips) bytes[at % bytes.length] = b;
        safely(() => decodeEvent(bytes));
        safely(() => decodeLogBatch(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it("not a byte array at all", () => {
    expectCode(() => decodeEvent("abc" as never), "type");
    expectCode(() => decodeEvent(new Uint8Array(0)), "truncated", /empty payload/);
  });

  it("trailing bytes after the value", () => {
    expectCode(() => decodeEvent(Buffer.concat([sampleEvent(), Buffer.of(0xc0)])), "malformed", /end of buffer not reached/);
  });
});

describe("wrong shapes", () => {
  const cases: [string, string, CodecErrorCode, RegExp][] = [
    ["not an array", "a161", "shape", /MessagePack array \[name, args\]/],
    ["one element", "91a161", "shape", /\[name, args\] or \[name, args, metadata\]/],
    ["four elements", "94a16190c0c0", "shape", /\[name, args\]/],
    ["name not a string", "920190", "shape", /event.name: the event name must be a non-empty string/],
    ["empty name", "92a090", "shape", /non-empty string/],
    ["args not an array", "92a161c0", "shape", /event.args: the event arguments must be an array/],
    ["metadata not an array", "93a16190c0", "shape", /event.meta: event metadata must be an array/],
    ["metadata entry not a pair", "93a1619091 91 01", "shape", /event.meta\[0\]: a metadata entry must be an \[id, value\] array/],
    ["metadata id not an integer", "93a161909192a178c0", "range", /metadata id is an integer/],
    ["network timestamp not a time", "93a16190919201cb3ff0000000000000", "type", /must be a time/],
    ["record key not a string", "92a1619181 01 c0", "shape", /event.args\[0\]: a record \(map\) key must be a string/],
    ["record key not an identifier", "92a1619181 a3612062 c0", "range", /event.args\[0\].a b: record field name "a b" is not a Zeek identifier/],
    ["count with 3 bytes", "92a16191 c7 03 01 000001", "shape", /event.args\[0\]: ext type 1 \(count\) needs 1 or 2 or 4 or 8 bytes, got 3/],
    ["addr with 5 bytes", "92a16191 c7 05 05 0000000000", "shape", /ext type 5 \(addr\) needs 4 or 16 bytes/],
    ["subnet width too big", "92a16191 c7 05 06 0a00000021", "range", /event.args\[0\]: subnet width 33/],
    ["port protocol 4", "92a16191 c7 03 07 005004", "range", /port protocol code 4/],
    ["time with 4 bytes", "92a16191 d6 03 00000000", "shape", /ext type 3 \(time\) needs 8 bytes/],
    ["enum not UTF-8", "92a16191 d4 08 ff", "range", /enum name is not valid UTF-8/],
    ["empty enum", "92a16191 c7 00 08", "range", /non-empty/],
    ["set payload not an array", "92a16191 d4 09 c0", "shape", /set's ext payload must be a MessagePack array/],
    ["set payload truncated", "92a16191 d5 09 9201", "truncated", /event.args\[0\]: MessagePack data ends too early/],
    ["table entry not a pair", "92a16191 d5 0a 91 c0", "shape", /event.args\[0\]\[0\]: a table entry must be a \[key, value\] array/],
    ["unknown ext type 11", "92a16191 d4 0b 00", "malformed", /not valid MessagePack/],
    ["msgpackr's undefined (ext 0)", "92a16191 d4 00 00", "type", /unsupported MessagePack value/],
    ["msgpackr's Set extension (0x73)", "92a16191 d4 73 00 90", "type", /msgpackr-only extension/],
    ["the MessagePack timestamp (ext -1)", "92a16191 d6 ff 00000001", "type", /msgpackr-only extension/],
    ["the reserved byte 0xc1", "92a16191 c1", "type", /reserved byte 0xc1/],
    ["a uint64 too big for a double", "92a16191 cf 0020000000000001", "range", /is not exactly a double/],
  ];
  for (const [what, bytes, code, message] of cases) {
    it(what, () => expectCode(() => decodeEvent(h(bytes)), code, message));
  }

  it("plain integers of any width are doubles", () => {
    expect(decodeEvent(h("92a16194 01 ff d0ff cf0000000000000007")).args).toEqual([1, -1, -1, 7]);
  });

  const batchCases: [string, unknown, RegExp][] = [
    ["not [header, records]", [1], /a log batch is a MessagePack array \[header, records\]/],
    ["header not a map", ["x", []], /log.header: the batch header must be a map/],
    ["missing path", [new Map([["stream", "s"], ["writer", "w"], ["filter", "f"]]), []], /log.header.path: path must be a non-empty string/],
    ["fields not an array", [hdr({ fields: 1 }), []], /fields must be an array/],
    ["no fields", [hdr({ fields: [] }), []], /at least one field/],
    ["field without type", [hdr({ fields: [new Map([["name", "a"]])] }), []], /a field needs name \(str\), type \(str\)/],
    ["unknown type", [hdr({ fields: [field("a", "pattern")] }), []], /not a log field type: "pattern"/],
    ["duplicate field", [hdr({ fields: [field("a", "count"), field("a", "count")] }), []], /duplicate field name "a"/],
    ["records not an array", [hdr({}), 5], /log.records: records must be an array/],
    ["record of the wrong length", [hdr({}), [[]]], /log.records\[0\]: a record must be an array of 1 values/],
    ["value of the wrong type", [hdr({}), [[1.5]]], /log.records\[0\].a: expected count, got number/],
    ["unset required value", [hdr({ fields: [field("a", "count", false)] }), [[null]]], /log.records\[0\].a: field is not optional/],
  ];
  function field(name: string, type: string, optional = true): Map<string, unknown> {
    return new Map<string, unknown>([["name", name], ["type", type], ["optional", optional]]);
  }
  function hdr(over: Record<string, unknown>): Map<string, unknown> {
    return new Map<string, unknown>(
      Object.entries({ stream: "S::LOG", writer: "Log::WRITER_ASCII", filter: "default", path: "s", fields: [field("a", "count")], ...over }),
    );
  }
  for (const [what, tree, message] of batchCases) {
    it(`log batch: ${what}`, async () => {
      const { pack } = await import("../../adapters/node/codec/msgpack");
      const err = codecError(() => decodeLogBatch(pack(tree as never)));
      expect(err.message).toMatch(message);
    });
  }

  it("a log batch's values must already carry the field's type (no coercion on read)", async () => {
    const { pack, float64 } = await import("../../adapters/node/codec/msgpack");
    const tree = [hdr({ fields: [field("ts", "time")] }), [[float64(1.5)]]];
    expectCode(() => decodeLogBatch(pack(tree as never)), "type", /expected time, got number/);
  });
});

describe("nesting limit", () => {
  const nestVectors = (depth: number): ZeekValue => {
    let v: ZeekValue = 1n;
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  };
  const nestSets = (depth: number): ZeekValue => {
    let v: ZeekValue = "x";
    for (let i = 0; i < depth; i++) v = set([v]);
    return v;
  };

  it(`${MAX_NESTING} levels pass, ${MAX_NESTING + 1} fail, on both sides`, () => {
    for (const nest of [nestVectors, nestSets]) {
      const ok = encodeValue(nest(MAX_NESTING));
      expect(encodeValue(decodeValue(ok))).toEqual(ok);
      expectCode(() => encodeValue(nest(MAX_NESTING + 1)), "too-deep", /deeper than 32 levels/);
    }
    // Hand-made 33 levels: arrays, then sets inside ext payloads.
    expectCode(() => decodeValue(h("91".repeat(MAX_NESTING + 1) + "c0")), "too-deep");
    let payload = h("c0");
    for (let i = 0; i <= MAX_NESTING; i++) {
      const inner = Buffer.concat([Buffer.of(0x91), payload]);
      payload = Buffer.concat([Buffer.of(0xc7, inner.length, 0x09), inner]);
    }
    expectCode(() => decodeValue(payload), "too-deep");
  });

  it("hostile depth (200k nested arrays) is a CodecError, not a stack overflow", () => {
    const bytes = Buffer.concat([Buffer.alloc(200_000, 0x91), Buffer.of(0xc0)]);
    expectCode(() => decodeValue(bytes), "too-deep");
    expectCode(() => decodeEvent(Buffer.concat([h("92a161"), bytes])), "too-deep");
    // The decoder is still usable afterwards.
    expect(decodeEvent(sampleEvent()).name).toBe("Conn::new");
  });
});
