// Round trips: every type, every width edge, whole events and log batches.
// "Lossless" means: decode(encode(v)) has the same typed-JSON rendering as v,
// and re-encoding the decoded value gives the very same bytes.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addr,
  COUNT_MAX,
  count,
  decodeEvent,
  decodeLogBatch,
  decodeValue,
  double,
  encodeEvent,
  encodeLogBatch,
  encodeValue,
  enumValue,
  int,
  INT_MAX,
  INT_MIN,
  interval,
  networkTimestamp,
  port,
  set,
  subnet,
  table,
  time,
  toTypedJson,
  type LogField,
  type ZeekValue,
} from "../../adapters/node/codec/index";
import { doubleArb, text, valueArb } from "./arbitraries";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function roundTrip(v: ZeekValue): void {
  const bytes = encodeValue(v);
  const back = decodeValue(bytes);
  expect(toTypedJson(back)).toEqual(toTypedJson(v));
  expect(hex(encodeValue(back))).toBe(hex(bytes));
}

describe("values round-trip", () => {
  it("any value (property)", () => {
    fc.assert(fc.property(valueArb, (v) => roundTrip(v)), { numRuns: 400 });
  });

  it("keeps count, int and double apart, even for the same number", () => {
    const bytes = [encodeValue(1n), encodeValue(int(1)), encodeValue(1), encodeValue(time(1)), encodeValue(interval(1))].map(hex);
    expect(new Set(bytes).size).toBe(5);
    expect(typeof decodeValue(encodeValue(count(1)))).toBe("bigint");
    expect(typeof decodeValue(encodeValue(double(1)))).toBe("number");
    expect(decodeValue(encodeValue(int(1)))).toEqual(int(1));
  });

  it("keeps the sign of -0 and NaN", () => {
    expect(Object.is(decodeValue(encodeValue(-0)), -0)).toBe(true);
    expect(Number.isNaN(decodeValue(encodeValue(NaN)))).toBe(true);
  });

  it("count limits, with the smallest big-endian payload", () => {
    const cases: [bigint, string][] = [
      [0n, "d40100"],
      [255n, "d401ff"],
      [256n, "d5010100"],
      [65535n, "d501ffff"],
      [65536n, "d60100010000"],
      [0xffffffffn, "d601ffffffff"],
      [0x100000000n, "d7010000000100000000"],
      [2n ** 53n + 1n, "d7010020000000000001"],
      [COUNT_MAX, "d701ffffffffffffffff"],
    ];
    for (const [v, h] of cases) {
      expect(hex(encodeValue(v))).toBe(h);
      expect(decodeValue(Buffer.from(h, "hex"))).toBe(v);
    }
    expect(() => encodeValue(COUNT_MAX + 1n)).toThrow(/outside 0..2\^64-1/);
    expect(() => encodeValue(-1n)).toThrow(/use int\(\)/);
  });

  it("int limits, two's complement, smallest payload", () => {
    const cases: [bigint, string][] = [
      [0n, "d40200"],
      [-1n, "d402ff"],
      [127n, "d4027f"],
      [-128n, "d40280"],
      [128n, "d5020080"],
      [-129n, "d502ff7f"],
      [-32768n, "d5028000"],
      [32768n, "d60200008000"],
      [-(2n ** 31n), "d60280000000"],
      [2n ** 31n, "d7020000000080000000"],
      [INT_MIN, "d7028000000000000000"],
      [INT_MAX, "d7027fffffffffffffff"],
    ];
    for (const [v, h] of cases) {
      expect(hex(encodeValue(int(v)))).toBe(h);
      expect(decodeValue(Buffer.from(h, "hex"))).toEqual(int(v));
    }
    expect(() => int(INT_MAX + 1n)).toThrow(/signed 64-bit/);
    expect(() => int(INT_MIN - 1n)).toThrow(/signed 64-bit/);
    expect(() => int(2 ** 60)).toThrow(/bigint or a decimal string/);
    expect(int("-9223372036854775808").value).toBe(INT_MIN);
  });

  it("accepts the plain-JS spellings and decodes them to the canonical classes", () => {
    const d = new Date(1_700_000_000_123);
    const input = { when: d, tags: new Set(["a", "b"]), m: new Map([["k", 1n]]), gone: undefined };
    const back = decodeValue(encodeValue(input)) as Record<string, ZeekValue>;
    expect(toTypedJson(back)).toEqual(
      toTypedJson({ when: time(1_700_000_000.123), tags: set(["a", "b"]), m: table([["k", 1n]]), gone: null }),
    );
  });

  it("strings: UTF-8 text as str, raw bytes as bin", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(decodeValue(encodeValue(s))).toBe(s);
      }),
    );
    const raw = Uint8Array.of(0xff, 0x00, 0x80);
    expect(hex(encodeValue(raw))).toBe("c403ff0080");
    expect(hex(decodeValue(encodeValue(raw)) as Uint8Array)).toBe("ff0080");
    expect(() => encodeValue("a\uD800b")).toThrow(/unpaired UTF-16 surrogate/);
  });
});

describe("events round-trip", () => {
  it("any name, args and metadata (property)", () => {
    const meta = fc.option(
      fc.array(fc.tuple(fc.integer({ min: 2, max: 0xffffffff }), valueArb), { maxLength: 3 }).chain((custom) =>
        fc.option(doubleArb, { nil: undefined }).map((ts) => (ts === undefined ? custom : [[1, time(ts)] as const, ...custom])),
      ),
      { nil: undefined },
    );
    fc.assert(
      fc.property(text.filter((s) => s.length > 0), fc.array(valueArb, { maxLength: 6 }), meta, (name, args, m) => {
        const bytes = encodeEvent(name, args, m);
        const ev = decodeEvent(bytes);
        expect(ev.name).toBe(name);
        expect(ev.args.map(toTypedJson)).toEqual(args.map(toTypedJson));
        if (m === undefined) expect(ev.meta).toBeUndefined();
        else expect(ev.meta!.map(([id, v]) => [id, toTypedJson(v)])).toEqual(m.map(([id, v]) => [id, toTypedJson(v as ZeekValue)]));
        expect(hex(encodeEvent(ev.name, ev.args, ev.meta))).toBe(hex(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it("the network timestamp helper writes id 1 first and reads the first id 1", () => {
    const bytes = encodeEvent("Cluster::hello", ["worker-1", "id"], { networkTimestamp: 42, entries: [[200, "x"], [1, time(43)]] });
    const ev = decodeEvent(bytes);
    expect(ev.meta?.map(([id]) => id)).toEqual([1, 200, 1]);
    expect(networkTimestamp(ev)?.seconds).toBe(42);
    expect(networkTimestamp(decodeEvent(encodeEvent("e", [])))).toBeUndefined();
    expect(() => encodeEvent("e", [], [[1, 5]])).toThrow(/network timestamp\) must be a time/);
    expect(() => encodeEvent("", [])).toThrow(/non-empty/);
  });
});

describe("log batches round-trip", () => {
  const fields: LogField[] = [
    { name: "ts", type: "time", optional: false },
    { name: "uid", type: "string", optional: false },
    { name: "id.orig_h", type: "addr", optional: false },
    { name: "id.orig_p", type: "port", optional: false },
    { name: "net", type: "subnet", optional: true },
    { name: "proto", type: "enum", optional: false },
    { name: "duration", type: "interval", optional: true },
    { name: "bytes", type: "count", optional: true },
    { name: "delta", type: "int", optional: true },
    { name: "ratio", type: "double", optional: true },
    { name: "ok", type: "bool", optional: true },
    { name: "tags", type: "set[string]", optional: true },
    { name: "hops", type: "vector[addr]", optional: true },
  ];
  const header = { stream: "Conn::LOG", writer: "Log::WRITER_ASCII", filter: "default", path: "conn", fields };

  it("keeps header, types and unset optional fields", () => {
    const rows: ZeekValue[][] = [
      [time(1.5), "C1", addr("10.0.0.1"), port(80, "tcp"), subnet("10.0.0.0/8"), enumValue("tcp"), interval(0.25), 5n, int(-3), 0.5, true, set(["a"]), [addr("::1")]],
      [time(2), "C2", addr("2001:db8::1"), port(53, "udp"), null, enumValue("udp"), null, null, null, null, null, null, null],
    ];
    const bytes = encodeLogBatch(header, rows);
    const back = decodeLogBatch(bytes);
    expect(back.header).toEqual(header);
    expect(back.records.map((r) => r.map(toTypedJson))).toEqual(rows.map((r) => r.map(toTypedJson)));
    expect(hex(encodeLogBatch(back.header, back.records))).toBe(hex(bytes));
  });

  it("coerces the friendly spellings when writing", () => {
    const friendly = [new Date(1500), "C1", "10.0.0.1", "80/tcp", "10.1.0.0/16", "tcp", 0.25, 5, -3, 1, true, ["a", "b"], ["::1"]];
    const back = decodeLogBatch(encodeLogBatch(header, [friendly]));
    expect(back.records[0]!.map(toTypedJson)).toEqual(
      [time(1.5), "C1", addr("10.0.0.1"), port(80, "tcp"), subnet("10.1.0.0/16"), enumValue("tcp"), interval(0.25), 5n, int(-3), 1, true, set(["a", "b"]), [addr("::1")]].map(
        toTypedJson,
      ),
    );
  });

  it("rejects values of the wrong type, missing required fields and wrong record lengths", () => {
    const good = [time(1), "C", addr("1.2.3.4"), port(1, "tcp"), null, enumValue("x"), null, null, null, null, null, null, null];
    expect(() => encodeLogBatch(header, [good.map((v, i) => (i === 7 ? -1 : v))])).toThrow(/log.records\[0\].bytes: expected count, got number/);
    expect(() => encodeLogBatch(header, [good.map((v, i) => (i === 1 ? null : v))])).toThrow(/log.records\[0\].uid: field is not optional/);
    expect(() => encodeLogBatch(header, [good.slice(1)])).toThrow(/has 13 values, got 12/);
    expect(() => encodeLogBatch(header, [good.map((v, i) => (i === 12 ? [null] : v))])).toThrow(/element cannot be unset/);
    expect(() => encodeLogBatch({ ...header, fields: [{ name: "x", type: "table[string] of count", optional: false }] }, [])).toThrow(
      /not a log field type/,
    );
  });

  it("an empty batch is fine", () => {
    expect(decodeLogBatch(encodeLogBatch(header, [])).records).toEqual([]);
  });
});
