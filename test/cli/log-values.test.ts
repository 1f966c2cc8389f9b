// Log values as Zeek's own writers spell them (app/log-values.ts): the JSON
// formatter (src/threading/formatters/JSON.cc), the ASCII formatter
// (Ascii.cc) and util::escape_utf8's unit tests in src/util.cc, whose inputs
// and outputs are repeated here.

import { describe, expect, it } from "vitest";
import { addr, enumValue, int, interval, port, set, subnet, time } from "../../adapters/node/codec/index";
import { jsonLines } from "../../app/log-json";
import { escapeUtf8Bytes, logValueToJson, logValueToText } from "../../app/log-values";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe("util::escape_utf8 with ESCAPE_UNPRINTABLE_CONTROLS (upstream's cases)", () => {
  it.each([
    ["a", "a"],
    ["string\n", "string\n"],
    ["string\x82", "string\\x82"],
    ["\x07\xd4\xb7o", "\\x07\\xd4\\xb7o"],
    ["\f\n\r\t\x00\x15", "\f\n\r\t\\x00\\x15"],
    ["\xc3\xb1", "ñ"],
    ["\xc3\x28", "\\xc3("],
    ["\xc0\x81", "\\xc0\\x81"],
    ["\xc2\xcf", "\\xc2\\xcf"],
    ["\xa0\xa1", "\\xa0\\xa1"],
    ["\xe2\x82\xa1", "₡"],
    ["\xe2\x28\xa1", "\\xe2(\\xa1"],
    ["\xf0\x90\x8c\xbc", "𐌼"],
    ["\xf0\x28\x8c\x28", "\\xf0(\\x8c("],
    ["\xf8\xa1\xa1\xa1\xa1", "\\xf8\\xa1\\xa1\\xa1\\xa1"],
    // Once something is escaped, valid UTF-8 before it is escaped too.
    ["ñ\x00".replace("ñ", "\xc3\xb1"), "\\xc3\\xb1\\x00"],
    // Private use and C1 controls are not printed as they are.
    ["\xee\x80\x80", "\\xee\\x80\\x80"],
    ["\xc2\x85", "\\xc2\\x85"],
  ])("%j -> %j", (input, expected) => {
    expect(escapeUtf8Bytes(bytes(input))).toBe(expected);
  });
});

describe("JSON values as Zeek's JSON writer writes them", () => {
  it("ports and ints are numbers; NaN and infinities are null; times are epoch seconds", () => {
    expect(logValueToJson(port(443, "tcp"))).toBe("443");
    expect(logValueToJson(int(-5n))).toBe("-5");
    expect(logValueToJson(2n ** 64n - 1n)).toBe("18446744073709551615");
    expect(logValueToJson(NaN)).toBe("null");
    expect(logValueToJson(-Infinity)).toBe("null");
    expect(logValueToJson(time(NaN))).toBe("null");
    expect(logValueToJson(interval(Infinity))).toBe("null");
    expect(logValueToJson(time(1700000000.123456))).toBe("1700000000.123456");
    expect(logValueToJson(addr("10.0.0.1"))).toBe('"10.0.0.1"');
    expect(logValueToJson(subnet("10.0.0.0/8"))).toBe('"10.0.0.0/8"');
    expect(logValueToJson(set([port(53, "udp")]))).toBe("[53]");
  });

  it("strings, enums and raw bytes are escaped as upstream, then quoted", () => {
    expect(logValueToJson("a\u0000b")).toBe('"a\\\\x00b"');
    expect(logValueToJson("tab\there \"q\" \\")).toBe('"tab\\there \\"q\\" \\\\"');
    expect(logValueToJson("naïve")).toBe('"naïve"');
    expect(logValueToJson(bytes("\x01\x02\xff"))).toBe('"\\\\x01\\\\x02\\\\xff"');
    expect(logValueToJson(enumValue("Conn::LOG"))).toBe('"Conn::LOG"');
  });

  it("the batch writer's lines agree (conn-like record)", () => {
    const fields = [
      ["ts", "time"],
      ["id.orig_h", "addr"],
      ["id.orig_p", "port"],
      ["n", "int"],
      ["d", "double"],
      ["s", "string"],
      ["e", "enum"],
    ].map(([name, type]) => ({ name: name!, type: type!, optional: true }));
    const rec = [time(1.5), addr("10.0.0.1"), port(80, "tcp"), int(-1n), NaN, "x\u0007", enumValue("A")];
    expect(jsonLines(fields, [rec]).toString("utf8")).toBe(
      '{"ts":1.5,"id.orig_h":"10.0.0.1","id.orig_p":80,"n":-1,"d":null,"s":"x\\\\x07","e":"A"}\n',
    );
  });
});

describe("TSV values as Zeek's ASCII writer writes them", () => {
  it("ports are numbers, doubles drop trailing zeros but keep .0, times keep six decimals", () => {
    expect(logValueToText(port(443, "tcp"))).toBe("443");
    expect(logValueToText(1.25)).toBe("1.25");
    expect(logValueToText(3)).toBe("3.0");
    expect(logValueToText(-0.5)).toBe("-0.5");
    expect(logValueToText(0.1 + 0.2)).toBe("0.3");
    expect(logValueToText(NaN)).toBe("nan");
    expect(logValueToText(-Infinity)).toBe("-inf");
    expect(logValueToText(time(2))).toBe("2.000000");
    expect(logValueToText(interval(0.25))).toBe("0.250000");
    expect(logValueToText(int(-5n))).toBe("-5");
  });

  it("a string spelled like the unset or empty marker is escaped; raw bytes keep valid UTF-8", () => {
    expect(logValueToText("-")).toBe("\\x2d");
    expect(logValueToText("(empty)")).toBe("\\x28empty)");
    expect(logValueToText("")).toBe("(empty)");
    expect(logValueToText(bytes("ok\xc3\xb1\xff\x00"))).toBe("okñ\\xff\\x00");
  });
});
