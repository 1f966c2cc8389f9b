// docs/wire-format.md cannot drift: its hex examples and its type table are
// compared byte for byte with what the encoder writes.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  addr,
  decodeEvent,
  decodeLogBatch,
  decodeValue,
  encodeEvent,
  encodeLogBatch,
  encodeValue,
  enumValue,
  EVENT_FORMAT,
  eventMessage,
  int,
  interval,
  LOG_FORMAT,
  logMessage,
  port,
  set,
  subnet,
  subscriptionFrame,
  table,
  time,
  unsubscriptionFrame,
  type ZeekValue,
} from "../../adapters/node/codec/index";

const doc = readFileSync(new URL("../../docs/wire-format.md", import.meta.url), "utf8");

/** Every ```hex <name> block: its bytes, with `#` comments removed. */
function hexBlocks(md: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of md.matchAll(/^```hex ([\w.-]+)\n([\s\S]*?)^```$/gm)) {
    const bytes = m[2]!
      .split("\n")
      .map((line) => line.replace(/#.*$/, ""))
      .join(" ")
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    for (const b of bytes) if (!/^[0-9a-f]{2}$/.test(b)) throw new Error(`block ${m[1]}: ${JSON.stringify(b)} is not a hex byte`);
    out.set(m[1]!, bytes.join(""));
  }
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const blocks = hexBlocks(doc);
const sender = "zeromq_worker-1_host_4711_NR2Tk";

describe("docs/wire-format.md", () => {
  it("has the examples this test checks, and no others", () => {
    expect([...blocks.keys()].sort()).toEqual(
      ["event.frame0", "event.frame1", "event.frame2", "event.frame3", "log.frame0", "log.frame1", "log.frame2", "log.frame3", "subscribe", "unsubscribe"].sort(),
    );
  });

  it("§8.1 event: all four frames", () => {
    const payload = encodeEvent("Demo::conn_seen", [addr("10.0.0.1"), port(80, "tcp"), 42n], { networkTimestamp: 1700000000.5 });
    const frames = eventMessage("zeek.cluster.worker", sender, EVENT_FORMAT, payload);
    frames.forEach((f, i) => expect(blocks.get(`event.frame${i}`), `frame ${i}`).toBe(hex(f)));
    // And the documented bytes decode to the documented event.
    const ev = decodeEvent(Buffer.from(blocks.get("event.frame3")!, "hex"));
    expect(ev.name).toBe("Demo::conn_seen");
    expect(ev.meta?.[0]?.[1]).toEqual(time(1700000000.5));
  });

  it("§8.2 log batch: all four frames", () => {
    const header = {
      stream: "Demo::LOG",
      writer: "Log::WRITER_ASCII",
      filter: "default",
      path: "demo",
      fields: [
        { name: "ts", type: "time", optional: false },
        { name: "id.orig_h", type: "addr", optional: false },
        { name: "bytes", type: "count", optional: true },
      ],
    };
    const batch = encodeLogBatch(header, [
      [time(1700000000.5), addr("10.0.0.1"), 42n],
      [time(1700000001), addr("2001:db8::1"), null],
    ]);
    logMessage(sender, LOG_FORMAT, batch).forEach((f, i) => expect(blocks.get(`log.frame${i}`), `frame ${i}`).toBe(hex(f)));
    expect(decodeLogBatch(Buffer.from(blocks.get("log.frame3")!, "hex")).header).toEqual(header);
  });

  it("§8.3 subscription frames", () => {
    expect(blocks.get("subscribe")).toBe(hex(subscriptionFrame("zeek.cluster.worker")));
    expect(blocks.get("unsubscribe")).toBe(hex(unsubscriptionFrame("zeek.cluster.worker")));
  });

  it("§3 type table: every row's example encodes to the hex shown", () => {
    const examples: Record<string, ZeekValue> = {
      "(unset)": null,
      T: true,
      "1.5": 1.5,
      "1.0": 1,
      "42": 42n,
      "4294967296": 4294967296n,
      "-3": int(-3),
      '"hi"': "hi",
      '"\\xff\\x00"': Uint8Array.of(0xff, 0x00),
      "1700000000.5": time(1700000000.5),
      "250.0 msecs": interval(0.25),
      "10.0.0.1": addr("10.0.0.1"),
      "2001:db8::1": addr("2001:db8::1"),
      "10.0.0.0/8": subnet("10.0.0.0/8"),
      "2001:db8::/32": subnet("2001:db8::/32"),
      "53/udp": port(53, "udp"),
      "Cluster::WORKER": enumValue("Cluster::WORKER"),
      'set("a", "b")': set(["a", "b"]),
      'table(["a"] = 1)': table([["a", 1n]]),
      'vector("a", 1.5)': ["a", 1.5],
      "[$a=1, $b=(unset)]": { a: 1n, b: null },
    };
    const start = doc.indexOf("<!-- type-table");
    expect(start).toBeGreaterThan(0);
    const rows = doc
      .slice(start)
      .split("\n")
      .slice(3)
      .filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith("|")));
    const seen: string[] = [];
    for (const row of rows) {
      const cells = row.split(/(?<!\\)\|/).map((c) => c.trim());
      const literal = /^`([^`]*)`/.exec(cells[3]!)?.[1];
      const bytes = /^`([0-9a-f ]+)`$/.exec(cells[4]!)?.[1];
      expect(literal, row).toBeDefined();
      expect(bytes, row).toBeDefined();
      expect(Object.keys(examples), `no example value for ${literal}`).toContain(literal);
      const value = examples[literal!]!;
      expect(hex(encodeValue(value)), row).toBe(bytes!.replace(/ /g, ""));
      expect(hex(encodeValue(decodeValue(Buffer.from(bytes!.replace(/ /g, ""), "hex"))))).toBe(bytes!.replace(/ /g, ""));
      seen.push(literal!);
    }
    expect(seen.sort()).toEqual(Object.keys(examples).sort());
  });
});
