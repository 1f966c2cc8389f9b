// The value model's helpers and the address text rules.

import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addr,
  CodecError,
  count,
  double,
  enumValue,
  int,
  interval,
  normalize,
  port,
  record,
  set,
  subnet,
  table,
  time,
  vector,
  zeekTypeOf,
  ZeekInt,
} from "../../adapters/node/codec/index";
import { formatIp, parseIp } from "../../adapters/node/codec/ip";

describe("addresses", () => {
  it("parses and prints like Zeek", () => {
    const cases: [string, string][] = [
      ["10.0.0.1", "10.0.0.1"],
      ["::ffff:10.0.0.1", "10.0.0.1"],
      ["::FFFF:a00:1", "10.0.0.1"],
      ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["0:0:0:0:0:0:0:0", "::"],
      ["::1", "::1"],
      ["1::", "1::"],
      ["::1.2.3.4", "::1.2.3.4"],
      ["fe80::1:0:0:0", "fe80::1:0:0:0"],
      ["fe80:0:0:1:0:0:0:0", "fe80:0:0:1::"],
      ["1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0"],
    ];
    for (const [input, printed] of cases) expect(addr(input).toString()).toBe(printed);
  });

  it("rejects what is not an address", () => {
    for (const bad of ["", "1.2.3", "1.2.3.256", "01.2.3.4", "1::2::3", "1:2:3:4:5:6:7:8:9", "::g", "1.2.3.4/8", "fe80::1%eth0", " ::1"]) {
      expect(parseIp(bad), bad).toBeUndefined();
      expect(() => addr(bad)).toThrow(CodecError);
    }
  });

  it("prints IPv6 exactly as libc's inet_ntop (Python's socket.inet_ntop)", () => {
    const samples = fc.sample(
      fc.oneof(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        // Mostly zero words, so zero-run compression is exercised.
        fc.array(fc.constantFrom(0, 0, 0, 1, 0xffff, 0x1234), { minLength: 8, maxLength: 8 }).map((ws) => {
          const b = new Uint8Array(16);
          ws.forEach((w, i) => {
            b[2 * i] = w >> 8;
            b[2 * i + 1] = w & 0xff;
          });
          return b;
        }),
      ),
      400,
    );
    const hexes = samples.map((b) => Buffer.from(b).toString("hex"));
    const py = spawnSync(
      "/usr/bin/python3",
      ["-c", "import socket,sys\nfor h in sys.stdin.read().split():\n    print(socket.inet_ntop(socket.AF_INET6, bytes.fromhex(h)))"],
      { input: hexes.join("\n"), encoding: "utf8", timeout: 20_000 },
    );
    expect(py.status, py.stderr).toBe(0);
    expect(samples.map((b) => formatIp(b))).toEqual(py.stdout.trim().split("\n"));
  });
});

describe("helpers", () => {
  it("subnet clears host bits and reads v4-mapped prefixes as IPv4", () => {
    expect(subnet("10.1.2.3/8").toString()).toBe("10.0.0.0/8");
    expect(subnet("2001:db8::1/32").toString()).toBe("2001:db8::/32");
    expect(subnet("::ffff:10.1.0.0/112").toString()).toBe("10.1.0.0/16");
    expect(subnet("::ffff:0:0/80").toString()).toBe("::/80");
    expect(subnet(addr("192.168.1.1"), 24).toString()).toBe("192.168.1.0/24");
    expect(() => subnet("10.0.0.0/33")).toThrow(/outside 0..32/);
    expect(() => subnet("10.0.0.0")).toThrow(/address\/width/);
  });

  it("port needs a protocol", () => {
    expect(port(80, "tcp").toString()).toBe("80/tcp");
    expect(port("53/udp").proto).toBe("udp");
    expect(() => port(70000, "tcp")).toThrow(/0..65535/);
    expect(() => port("80")).toThrow(/number\/tcp/);
    expect(() => (port as unknown as (n: number) => unknown)(80)).toThrow(/needs a protocol/);
  });

  it("count, int and double check their ranges", () => {
    expect(count(5)).toBe(5n);
    expect(count("18446744073709551615")).toBe(2n ** 64n - 1n);
    expect(() => count(-1)).toThrow(CodecError);
    expect(() => count(1.5)).toThrow(/integer/);
    expect(int(-3)).toEqual(new ZeekInt(-3n));
    expect(double(1)).toBe(1);
    expect(double(3n)).toBe(3);
    expect(() => double(2n ** 53n + 1n)).toThrow(/not exactly/);
  });

  it("time from a Date or seconds; interval; enum", () => {
    expect(time(new Date(1500)).seconds).toBe(1.5);
    expect(time(2).toDate().getTime()).toBe(2000);
    expect(() => time(new Date(NaN))).toThrow(/invalid Date/);
    expect(interval(0.5).seconds).toBe(0.5);
    expect(enumValue("Cluster::WORKER").name).toBe("Cluster::WORKER");
    expect(() => enumValue("")).toThrow(CodecError);
  });

  it("containers normalize what they hold", () => {
    expect(set([new Date(1000)]).items[0]).toEqual(time(1));
    expect(table(new Map([["a", undefined]])).entries).toEqual([["a", null]]);
    expect(vector([1, undefined])).toEqual([1, null]);
    expect(record({ a: new Set([1n]) })).toEqual({ a: set([1n]) });
    expect(() => record({ "not a name": 1 })).toThrow(/not a Zeek identifier/);
    expect(() => normalize(new (class Foo {})() as never)).toThrow(/a Foo has no Zeek type/);
    expect(() => normalize((() => 1) as never)).toThrow(/a function has no Zeek type/);
  });

  it("a field called __proto__ is an ordinary field", () => {
    const input = JSON.parse('{"__proto__": 1.5, "x": true}');
    const r = record(input);
    expect(Object.keys(r)).toEqual(["__proto__", "x"]);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
  });

  it("zeekTypeOf names types as Zeek logs do", () => {
    expect(zeekTypeOf(1)).toBe("double");
    expect(zeekTypeOf(1n)).toBe("count");
    expect(zeekTypeOf(int(1))).toBe("int");
    expect(zeekTypeOf(Uint8Array.of(1))).toBe("string");
    expect(zeekTypeOf(new Set([addr("::1")]))).toBe("set[addr]");
    expect(zeekTypeOf([null, port(1, "icmp")])).toBe("vector[port]");
    expect(zeekTypeOf(new Map([["a", 1n]]))).toBe("table[string] of count");
    expect(zeekTypeOf({ a: 1 })).toBe("record");
    expect(zeekTypeOf([])).toBeUndefined();
    expect(zeekTypeOf(null)).toBeUndefined();
  });

  it("rejects cyclic and too deep inputs with too-deep", () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    let err: unknown;
    try {
      normalize(cyclic as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CodecError);
    expect((err as CodecError).code).toBe("too-deep");
  });
});
