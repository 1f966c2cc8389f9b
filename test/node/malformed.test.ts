// Bad input from raw libzmq sockets: each kind is counted (msg_errors),
// reported with upstream's text, and survived; well-formed traffic sent
// right after it on the same connection still arrives (same connection,
// FIFO: when the good one is handled, the bad one was handled before).
import * as zmq from "zeromq";
import { describe, expect, it, vi } from "vitest";
import { ClusterNode } from "../../adapters/node/index";
import { codec } from "../../adapters/node/wire";
import { makeLayout } from "../helpers/cluster";
import { trackNodes } from "../helpers/nodes";
import { waitFor } from "../helpers/wait";

const t = trackNodes();
const TOPIC = "test.raw";

/** A raw XPUB publishing into the broker, once it has heard `topic` subscribed. */
async function rawPublisher(endpoint: string, topic: string): Promise<zmq.XPublisher> {
  const pub = new zmq.XPublisher({ linger: 0 });
  t.cleanup(() => pub.close());
  pub.connect(endpoint);
  const seen: string[] = [];
  const deadline = setTimeout(() => pub.close(), 10_000);
  try {
    for (;;) {
      const [frame] = await pub.receive();
      seen.push(frame.toString("utf8"));
      if (seen[seen.length - 1] === `\x01${topic}`) return pub;
    }
  } catch (err) {
    throw new Error(`the raw XPUB never heard ${topic} subscribed (${(err as Error).message}); heard ${JSON.stringify(seen)}`);
  } finally {
    clearTimeout(deadline);
  }
}

const event = (s: string) => [TOPIC, "zeromq_raw_host_1_Nraw", codec.eventFormat, codec.encodeEvent("Test::raw", [s])];
const header = { stream: "Test::LOG", writer: "Log::WRITER_ASCII", filter: "default", path: "test", fields: [{ name: "s", type: "string", optional: false }] };
const batch = (s: string) => ["log-write", "zeromq_raw_host_1_Nraw", codec.logFormat, codec.encodeLogBatch(header, [[s]])];

describe("malformed messages are counted, reported and survived", () => {
  it("events (XSUB): wrong frame counts, an unknown format, an undecodable payload", async () => {
    const layout = await makeLayout({ manager: "manager" });
    const node = t.node({ layout, name: "manager" });
    const got: string[] = [];
    node.onEvent("Test::raw", (s: string) => got.push(s));
    node.subscribe(TOPIC);
    await node.start();
    const raw = await rawPublisher(layout.zeromq!.connect_xpub_endpoint!, TOPIC);
    const r = t.reports(node);
    const cases: [string, (string | Uint8Array)[], (rep: typeof r) => string[], string][] = [
      ["3 frames", [TOPIC, "a", "b"], (x) => x.diagnostics, "[zeromq] xsub: error: expected 4 parts, have 3!"],
      ["5 frames", [TOPIC, "a", "b", "c", "d"], (x) => x.diagnostics, "[zeromq] xsub: error: expected 4 parts, have 5!"],
      [
        "unknown format",
        [TOPIC, "zeromq_raw_host_1_Nraw", "broker-bin-v1", new Uint8Array([1, 2, 3])],
        (x) => x.errors,
        `ProcessEventMessage: Wrong format: broker-bin-v1 vs ${codec.eventFormat}`,
      ],
      [
        "undecodable payload",
        [TOPIC, "zeromq_raw_host_1_Nraw", codec.eventFormat, new Uint8Array([0xc1, 0xff, 0x00])],
        (x) => x.errors,
        `Failed to unserialize message: ${TOPIC}: `,
      ],
    ];
    let i = 0;
    for (const [what, frames, where, text] of cases) {
      await raw.send(frames);
      await raw.send(event(`after ${what}`));
      await waitFor(node, "event", () => got.length === i + 1, 10_000, `the event after ${what}`, () => got);
      i++;
      expect(node.counters().msg_errors, what).toBe(i);
      expect(where(r).some((l) => l.startsWith(text)), `${what}: ${JSON.stringify(where(r))}`).toBe(true);
    }
    expect(got).toEqual(cases.map(([what]) => `after ${what}`));
  });

  it("log batches (PULL): wrong frame counts, an unknown format, an undecodable batch", async () => {
    const layout = await makeLayout({ logger: "logger" });
    const logger = await t.start({ layout, name: "logger" });
    const push = new zmq.Push({ linger: 0 });
    t.cleanup(() => push.close());
    push.connect(`tcp://127.0.0.1:${layout.nodes.logger.p}`);
    const r = t.reports(logger);
    const good = () => r.logs.filter((b) => b.header.stream === "Test::LOG").length;
    const cases: [string, (string | Uint8Array)[], (rep: typeof r) => string[], string][] = [
      ["2 frames", ["log-write", "x"], (x) => x.diagnostics, "[zeromq] log: error: expected 4 parts, have 2!"],
      ["1 frame", ["log-write"], (x) => x.diagnostics, "[zeromq] log: error: expected 4 parts, have 1!"],
      [
        "unknown format",
        ["log-write", "zeromq_raw_host_1_Nraw", "zeek-bin-serializer", new Uint8Array([0])],
        (x) => x.errors,
        `Got log message in format 'zeek-bin-serializer', but have deserializer '${codec.logFormat}'`,
      ],
      [
        "undecodable batch",
        ["log-write", "zeromq_raw_host_1_Nraw", codec.logFormat, new Uint8Array([0x93, 0x01])],
        (x) => x.errors,
        `Failed to unserialize log message using '${codec.logFormat}'`,
      ],
    ];
    let i = 0;
    for (const [what, frames, where, text] of cases) {
      await push.send(frames);
      await push.send(batch(`after ${what}`));
      await waitFor(logger, "log", () => good() === i + 1, 10_000, `the batch after ${what}`);
      i++;
      expect(logger.counters().msg_errors, what).toBe(i);
      expect(where(r).some((l) => l.startsWith(text)), `${what}: ${JSON.stringify(where(r))}`).toBe(true);
    }
  });

  it("subscription frames (XPUB): a multi-part message is counted; a first byte other than 0/1 is ignored", async () => {
    const layout = await makeLayout({ manager: "manager" });
    const node = await t.start({ layout, name: "manager" });
    await node.ready;
    // A raw XSUB at the broker's XPUB: what it sends reaches every node's XPUB.
    const xsub = new zmq.XSubscriber({ linger: 0 });
    t.cleanup(() => xsub.close());
    xsub.connect(layout.zeromq!.connect_xsub_endpoint!);
    const subs: string[] = [];
    node.on("subscription", (topic: string) => subs.push(topic));
    await xsub.send([Buffer.from("zz"), Buffer.from("y"), Buffer.from("w")]);
    await xsub.send(Buffer.from("\x02not a subscription"));
    await xsub.send(Buffer.from("\x01test.after-bad"));
    await waitFor(node, "subscription", () => subs.includes("test.after-bad"), 10_000, "the good subscription");
    expect(node.counters().msg_errors).toBe(1);
    expect(t.reports(node).diagnostics).toContain("[zeromq] xpub: error: expected 1 part, have 3!");
  });

  it("with nobody listening, the `[zeromq] ...` lines go to stderr as upstream's I/O thread writes them", async () => {
    const layout = await makeLayout({ manager: "manager" });
    const node = new ClusterNode({ layout, name: "manager" });
    t.cleanup(() => node.terminate());
    const got: string[] = [];
    node.onEvent("Test::raw", (s: string) => got.push(s));
    node.subscribe(TOPIC);
    await node.start();
    const raw = await rawPublisher(layout.zeromq!.connect_xpub_endpoint!, TOPIC);
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await raw.send([TOPIC, "a"]);
      await raw.send(event("ok"));
      await waitFor(node, "event", () => got.length === 1, 10_000, "the good event");
    } finally {
      spy.mockRestore();
    }
    expect(lines).toContain("[zeromq] xsub: error: expected 4 parts, have 2!\n");
  });
});
