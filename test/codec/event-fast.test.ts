// The event fast path (event-fast.ts) against the generic codec it stands
// in front of: the same bytes out of the encoder, the same values out of the
// decoder — or a fall-back to the generic path, which alone decides what is
// valid and which CodecError bad input gets.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CodecError, count, decodeEvent, encodeEvent, int, interval, time, type ZeekInput } from "../../adapters/node/codec/index";
import { decodeEventGeneric, encodeEventGeneric } from "../../adapters/node/codec/event";
import { decodeEventFast, encodeEventFast } from "../../adapters/node/codec/event-fast";
import { countArb, doubleArb, intArb, scalarArb, text } from "./arbitraries";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const nameArb = fc.oneof(fc.stringMatching(/^[A-Za-z_:]{1,40}$/), text.filter((s) => s.length > 0));
/** What the fast path takes: nil, bool, double, string, count, int, time, interval. */
const fastArgArb: fc.Arbitrary<ZeekInput> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  doubleArb,
  countArb,
  intArb,
  text,
  fc.string({ maxLength: 300 }),
  doubleArb.map(time),
  doubleArb.map(interval),
);

describe("event fast path", () => {
  it("encodes scalar arguments byte for byte as msgpackr does; decodes them to the same values", () => {
    fc.assert(
      fc.property(nameArb, fc.array(fastArgArb, { maxLength: 15 }), (name, args) => {
        const fast = encodeEventFast(name, args);
        const generic = encodeEventGeneric(name, args);
        expect(fast).toBeDefined();
        expect(hex(fast!)).toBe(hex(generic));
        expect(hex(encodeEvent(name, args))).toBe(hex(generic));
        const want = decodeEventGeneric(generic);
        expect(decodeEvent(generic)).toEqual(want);
        const got = decodeEventFast(generic);
        // ASCII-only strings are read here; other UTF-8 goes the generic way.
        if (got) expect(got).toEqual(want);
        else expect(JSON.stringify([name, args.filter((a) => typeof a === "string")])).toMatch(/[^\x00-\x7f]/);
      }),
      { numRuns: 500 },
    );
  });

  it("the bench's event (string, count, time) takes the fast path both ways", () => {
    const args = ["bench", count(123456789012345n), time(1764091234.5)];
    const bytes = encodeEventFast("Bench::event", args)!;
    expect(hex(bytes)).toBe(hex(encodeEventGeneric("Bench::event", args)));
    expect(decodeEventFast(bytes)).toEqual({ name: "Bench::event", args: ["bench", 123456789012345n, time(1764091234.5)] });
  });

  it("leaves other argument types, metadata and bad values to the generic path (same bytes, same errors)", () => {
    fc.assert(
      fc.property(nameArb, fc.array(scalarArb, { maxLength: 6 }), (name, args) => {
        expect(hex(encodeEvent(name, args))).toBe(hex(encodeEventGeneric(name, args)));
        const bytes = encodeEventGeneric(name, args);
        expect(decodeEvent(bytes)).toEqual(decodeEventGeneric(bytes));
      }),
      { numRuns: 300 },
    );
    expect(encodeEventFast("E", [-1n])).toBeUndefined();
    expect(() => encodeEvent("E", [-1n])).toThrow(CodecError);
    expect(encodeEventFast("E", ["\ud800"])).toBeUndefined();
    expect(() => encodeEvent("E", ["\ud800"])).toThrow(/unpaired/);
    expect(encodeEventFast("E", new Array(16).fill(1))).toBeUndefined();
    const withMeta = encodeEvent("E", [1], { networkTimestamp: 5 });
    expect(decodeEventFast(withMeta)).toBeUndefined();
    expect(decodeEvent(withMeta).meta).toEqual([[1, time(5)]]);
  });

  it("gives up on non-canonical and malformed payloads; the generic path decides", () => {
    const good = encodeEvent("E", [count(7), int(-3), 1.5, "x"]);
    const cases: Uint8Array[] = [
      Uint8Array.of(),
      Uint8Array.of(0x92),
      good.subarray(0, good.length - 1), // truncated
      Uint8Array.from([...good, 0xc0]), // trailing byte
      Uint8Array.of(0x92, 0xa0, 0x90), // empty name
      Uint8Array.of(0x92, 0xa1, 0x45, 0x91, 0xc7, 0x01, 0x01, 0x07), // count as ext 8, not fixext
      Uint8Array.of(0x92, 0xa1, 0x45, 0x91, 0xd6, 0x03, 0, 0, 0, 0), // a 4-byte time
      Uint8Array.of(0x92, 0xa1, 0x45, 0x91, 0xd4, 0x63, 0x00), // unknown ext type
      Uint8Array.of(0x92, 0xa1, 0x45, 0x91, 0xa2, 0xc3, 0xa9), // non-ASCII UTF-8 ("é")
      Uint8Array.of(0x92, 0xa1, 0x45, 0x91, 0xa1, 0xff), // not UTF-8
      Uint8Array.of(0x92, 0xa1, 0x45, 0x91, 0xcc, 0x05), // uint 8
    ];
    for (const bytes of cases) {
      expect(decodeEventFast(bytes)).toBeUndefined();
      let want: unknown;
      try {
        want = decodeEventGeneric(bytes);
      } catch (err) {
        want = err;
      }
      if (want instanceof Error) expect(() => decodeEvent(bytes)).toThrow(want.message);
      else expect(decodeEvent(bytes)).toEqual(want);
    }
    expect(decodeEventFast(good)).toEqual(decodeEventGeneric(good));
  });
});
