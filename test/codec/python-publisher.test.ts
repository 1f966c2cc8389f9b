// Interop the other way: tools/python/publisher.py (Python's msgpack,
// written from docs/wire-format.md) publishes through its XPUB into our
// XSUB; we decode the event, and Python's payload is byte-identical to ours.

import { afterEach, describe, expect, it } from "vitest";
import { XSubscriber } from "zeromq";
import {
  addr,
  decodeEvent,
  encodeEvent,
  enumValue,
  EVENT_FORMAT,
  int,
  interval,
  networkTimestamp,
  parseEventMessage,
  port,
  set,
  subnet,
  subscriptionFrame,
  table,
  time,
  toTypedJson,
  type ZeekValue,
} from "../../adapters/node/codec/index";
import { PythonTool } from "./python-helpers";

const WAIT = 15_000;
let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

describe("tools/python/publisher.py", () => {
  it("publishes an event with every value type that we decode exactly, with identical bytes", async () => {
    const xsub = new XSubscriber({ linger: 0, receiveTimeout: WAIT });
    cleanup.push(() => xsub.close());
    await xsub.bind("tcp://127.0.0.1:*");
    await xsub.send(subscriptionFrame("zeek.cluster."));

    const args: ZeekValue[] = [
      42n,
      2n ** 64n - 1n,
      int(-(2n ** 63n)),
      int(300),
      1.5,
      -0,
      "text ü",
      Uint8Array.of(0xff, 0),
      true,
      null,
      addr("10.0.0.1"),
      addr("2001:db8::1"),
      subnet("10.0.0.0/8"),
      port(53, "udp"),
      time(1700000000.5),
      interval(0.001),
      enumValue("Cluster::WORKER"),
      set([addr("::1"), addr("1.2.3.4")]),
      table([
        [["a", 1n], [set(["x"]), { r: int(-1) }]],
        ["b", null],
      ]),
      [1.5, "v", [2n]],
      { id: { orig_h: addr("10.0.0.1"), orig_p: port(80, "tcp") }, service: null, tags: set([]) },
    ];
    const pub = new PythonTool("publisher.py", [
      "--connect",
      xsub.lastEndpoint!,
      "--topic",
      "zeek.cluster.worker",
      "--name",
      "Demo::everything",
      "--node-id",
      "python-node",
      "--network-timestamp",
      "1700000000.25",
      "--args",
      JSON.stringify(args.map(toTypedJson)),
    ]);
    cleanup.push(() => pub.kill());

    const frames = await xsub.receive();
    const msg = parseEventMessage(frames);
    expect(msg.ok).toBe(true);
    if (!msg.ok) return;
    expect(msg.value.topic).toBe("zeek.cluster.worker");
    expect(msg.value.sender).toBe("python-node");
    expect(msg.value.format).toBe(EVENT_FORMAT);

    const ev = decodeEvent(msg.value.payload);
    expect(ev.name).toBe("Demo::everything");
    expect(ev.args.map(toTypedJson)).toEqual(args.map(toTypedJson));
    expect(networkTimestamp(ev)).toEqual(time(1700000000.25));

    const ours = encodeEvent("Demo::everything", args, { networkTimestamp: 1700000000.25 });
    expect(Buffer.from(msg.value.payload).toString("hex")).toBe(Buffer.from(ours).toString("hex"));
    expect(JSON.parse(await pub.nextLine(WAIT, "publisher.py sent line"))).toEqual({ sent: Buffer.from(ours).toString("hex") });
    expect(await pub.exit(WAIT)).toBe(0);
  });
});
