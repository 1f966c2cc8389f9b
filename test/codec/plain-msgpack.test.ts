// What we write is plain MessagePack: a separate msgpackr instance (the CJS
// build: its own module state, none of our registrations) reads it with the
// standalone `unpack`, once it is told our ext codes, exactly as any other
// MessagePack library would (Python's side is in python-logger.test.ts).

import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addr, encodeEvent, encodeValue, EXT, int, port, set, subnet, table, time } from "../../adapters/node/codec/index";
import { valueArb } from "./arbitraries";

const require = createRequire(import.meta.url);
const other = require("msgpackr") as typeof import("msgpackr");

class Ext {
  constructor(
    readonly code: number,
    readonly hex: string,
  ) {}
}

describe("plain MessagePack", () => {
  it("an unprepared decoder refuses our ext values (so they really are ext values)", () => {
    expect(() => other.unpack(encodeValue(1n))).toThrow(/Unknown extension (type )?1/);
    // ... and reads the plain parts as is, float64 included.
    expect(other.unpack(encodeValue({ a: [1.5, "x", true, null] }))).toEqual({ a: [1.5, "x", true, null] });
  });

  it("with our ext codes registered, the standalone unpack reads every payload", () => {
    for (const code of Object.values(EXT)) {
      other.addExtension({ type: code, unpack: (data: Uint8Array) => new Ext(code, Buffer.from(data).toString("hex")) });
    }
    const bytes = encodeEvent(
      "Demo::ev",
      [1n, int(-2), 3.5, "s", addr("10.0.0.1"), subnet("10.0.0.0/8"), port(80, "tcp"), time(1), set(["a"]), table([["k", 1n]]), { f: [true] }],
      { networkTimestamp: 2 },
    );
    expect(other.unpack(bytes)).toEqual([
      "Demo::ev",
      [
        new Ext(EXT.count, "01"),
        new Ext(EXT.int, "fe"),
        3.5,
        "s",
        new Ext(EXT.addr, "0a000001"),
        new Ext(EXT.subnet, "0a00000008"),
        new Ext(EXT.port, "005001"),
        new Ext(EXT.time, "3ff0000000000000"),
        new Ext(EXT.set, "91a161"),
        new Ext(EXT.table, "9192a16bd40101"),
        { f: [true] },
      ],
      [[1, new Ext(EXT.time, "4000000000000000")]],
    ]);

    // Any value: only MessagePack's own types and our ext codes come out.
    const plain = (x: unknown): boolean => {
      if (x === null || ["boolean", "number", "string", "bigint"].includes(typeof x)) return true;
      if (x instanceof Uint8Array) return true;
      if (x instanceof Ext) return x.code >= 1 && x.code <= 10;
      if (Array.isArray(x)) return x.every(plain);
      if (Object.getPrototypeOf(x) === Object.prototype) return Object.values(x as object).every(plain);
      return false;
    };
    fc.assert(
      fc.property(valueArb, (v) => {
        expect(plain(other.unpack(encodeValue(v)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
