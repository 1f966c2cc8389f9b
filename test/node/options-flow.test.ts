// The flow-control options, each by its effect on real sockets: HWMs,
// XPUB_NODROP on both sides, the OnLoop queue bound, the receive loop's
// yield, kernel buffers (read back), max_message_size and ZMQ_MAXMSGSIZE.
//
// A stalled receiver is this process blocked in spawnSync while a Python
// publisher floods the broker (helpers/flood.ts): libzmq's I/O threads and
// the broker's thread keep running, so the node's queues fill as behind a
// receiver that cannot keep up, and the backlog is complete when it reads.
import * as zmq from "zeromq";
import { describe, expect, it } from "vitest";
import { Client, startBroker, type Broker, type ClusterNode, type NodeOptionsInput } from "../../adapters/node/index";
import { codec } from "../../adapters/node/wire";
import { makeLayout } from "../helpers/cluster";
import { floodSync } from "../helpers/flood";
import { subscriptionSeen, trackNodes, waitAllUp } from "../helpers/nodes";
import { waitFor } from "../helpers/wait";

const t = trackNodes();
const TOPIC = "test.flood";

interface Flow {
  broker: Broker;
  /** Broker endpoints, for the flood publisher. */
  xsub: string;
  xpub: string;
  /** The receiver, subscribed to TOPIC (worker-1). */
  r: ClusterNode;
  /** The sender (worker-2). */
  s: ClusterNode;
  /** Flood events r handed to its handlers. */
  count(): number;
  /** s publishes markers to TOPIC; resolves when r handled one. */
  marker(): Promise<void>;
}

/**
 * An external counting broker (run_proxy_thread off everywhere) and two
 * nodes: r with `rOptions`, s with `sOptions`. Resolves once both are up
 * and s has heard r's subscription to TOPIC (so the broker has it too).
 */
async function flow(rOptions: NodeOptionsInput, sOptions: NodeOptionsInput = {}, listen_xpub_nodrop = true): Promise<Flow> {
  const layout = await makeLayout({ "worker-1": "worker", "worker-2": "worker" }, { zeromq: { run_proxy_thread: false } });
  const z = layout.zeromq!;
  const broker = await startBroker({
    engine: "counting",
    listen_xpub_endpoint: z.listen_xpub_endpoint!,
    listen_xsub_endpoint: z.listen_xsub_endpoint!,
    listen_xpub_nodrop,
    proxy_io_threads: 1,
    ipv6: false,
    linger_ms: 0,
  });
  t.cleanup(() => broker.stop());
  const r = t.node({ layout, name: "worker-1", options: rOptions });
  const s = t.node({ layout, name: "worker-2", options: sOptions });
  let n = 0;
  let markers = 0;
  r.onEvent("Test::flood", () => n++);
  r.onEvent("Test::marker", () => markers++);
  const seen = subscriptionSeen(s, TOPIC);
  r.subscribe(TOPIC);
  await r.start();
  await s.start();
  await seen;
  await waitAllUp([r, s]);
  await s.ready;
  return {
    broker,
    xsub: z.listen_xsub_endpoint!,
    xpub: z.listen_xpub_endpoint!,
    r,
    s,
    count: () => n,
    async marker() {
      // A lossy path may drop a marker too (a full pipe drops whatever
      // comes): send one every 50 ms until one arrives. Everything s or
      // the broker forwarded to r before it has arrived by then (FIFO).
      const before = markers;
      const again = setInterval(() => s.publish(TOPIC, "Test::marker", "end"), 50);
      s.publish(TOPIC, "Test::marker", "end");
      try {
        await waitFor(r, "event", () => markers > before, 15_000, "a marker on worker-1", () => n);
      } finally {
        clearInterval(again);
      }
    },
  };
}

describe("flow-control options", () => {
  it("xpub_sndhwm: a burst beyond a small HWM is dropped and counted (xpub_drops); 0 drops nothing", async () => {
    for (const [hwm, drops] of [
      [10, true],
      [0, false],
    ] as const) {
      const f = await flow({ onloop_queue_hwm: 0 }, { xpub_sndhwm: hwm });
      for (let i = 0; i < 2000; i++) f.s.publish(TOPIC, "Test::flood", "x");
      const dropped = () => f.s.counters().xpub_drops;
      await waitFor(f.r, "event", () => f.count() + dropped() === 2000, 15_000, `2000 events delivered or counted (hwm ${hwm})`, () => [
        f.count(),
        dropped(),
      ]);
      if (drops) expect(dropped()).toBeGreaterThan(0);
      else expect([dropped(), f.count()]).toEqual([0, 2000]);
    }
  });

  it("connect_xpub_nodrop=false: libzmq drops silently at the HWM and xpub_drops never counts", async () => {
    for (const nodrop of [false, true]) {
      const f = await flow({ onloop_queue_hwm: 0 }, { xpub_sndhwm: 10, connect_xpub_nodrop: nodrop });
      for (let i = 0; i < 2000; i++) f.s.publish(TOPIC, "Test::flood", "x");
      await f.marker();
      expect(f.count()).toBeLessThan(2000);
      // (Markers may be dropped too, hence at least.)
      if (nodrop) expect(f.s.counters().xpub_drops).toBeGreaterThanOrEqual(2000 - f.count());
      else expect(f.s.counters().xpub_drops).toBe(0);
    }
  });

  it("xsub_rcvhwm: a stalled node with a small receive HWM pushes back (the publisher stalls); 0 (unbounded) takes the whole flood in", async () => {
    for (const hwm of [10, 0]) {
      // A broker that never drops (the default): back-pressure is visible
      // at the publisher instead of as loss.
      const f = await flow({ xsub_rcvhwm: hwm, onloop_queue_hwm: 0 });
      expect(f.r.socketOptions().xsub!.xsub_rcvhwm).toBe(hwm);
      const before = f.broker.stats()!.frontend_messages_received;
      const res = floodSync({ xsub: f.xsub, xpub: f.xpub, topic: TOPIC, count: 12_000, size: 2000, quietMs: 700 });
      if (hwm === 0) expect(res).toEqual({ sent: 12_000, witness: 12_000, stalled: false });
      else expect(res.stalled).toBe(true);
      // Either way nothing is lost: r gets every event the broker took in.
      const tookIn = () => (f.broker.stats()!.frontend_messages_received - before) / 4;
      await waitFor(f.r, "event", () => f.count() > 0 && f.count() === tookIn(), 15_000, "every event the broker took in", () => [
        f.count(),
        tookIn(),
      ]);
      if (hwm === 0) expect(f.count()).toBe(12_000);
    }
  });

  it("listen_xpub_nodrop: false makes the broker drop for a stalled subscriber; true makes it hold everyone back and lose nothing", async () => {
    // false: the healthy witness gets everything, the stalled node loses.
    const lossy = await flow({ xsub_rcvhwm: 10, onloop_queue_hwm: 0 }, {}, false);
    const a = floodSync({ xsub: lossy.xsub, xpub: lossy.xpub, topic: TOPIC, count: 12_000, size: 2000 });
    expect(a).toMatchObject({ witness: 12_000, stalled: false });
    await lossy.marker();
    expect(lossy.count()).toBeLessThan(12_000);

    // true: the broker stops forwarding to everyone (the publisher stalls)
    // and, once the node reads again, delivers every event it took in.
    const held = await flow({ xsub_rcvhwm: 10, onloop_queue_hwm: 0 }, {}, true);
    const before = held.broker.stats()!.frontend_messages_received;
    const b = floodSync({ xsub: held.xsub, xpub: held.xpub, topic: TOPIC, count: 12_000, size: 2000, quietMs: 400 });
    expect(b.stalled).toBe(true);
    expect(b.witness).toBeLessThan(12_000);
    const tookIn = () => (held.broker.stats()!.frontend_messages_received - before) / 4;
    await waitFor(held.r, "event", () => held.count() > 0 && held.count() === tookIn(), 15_000, "every event the broker took in", () => [
      held.count(),
      tookIn(),
    ]);
    expect(held.count()).toBeGreaterThan(b.witness);
  });

  it("onloop_queue_hwm: a small bound drops the backlog beyond it (onloop_drops, warned once); 0 drops nothing", async () => {
    for (const hwm of [10, 0]) {
      const f = await flow({ onloop_queue_hwm: hwm });
      const res = floodSync({ xsub: f.xsub, xpub: f.xpub, topic: TOPIC, count: 300 });
      expect(res.witness).toBe(300);
      const drops = () => f.r.counters().onloop_drops;
      await waitFor(f.r, "event", () => f.count() + drops() === 300, 10_000, "300 events handled or dropped", () => [f.count(), drops()]);
      const warned = t.reports(f.r).diagnostics.filter((l) => l === "[zeromq] warn: dropped a message due to onloop queue full");
      if (hwm > 0) {
        // Read 100 per turn (poll_max_messages), admit 10 of them.
        expect(drops()).toBeGreaterThan(0);
        expect(warned).toHaveLength(1);
      } else {
        expect([f.count(), drops(), warned.length]).toEqual([300, 0, 0]);
      }
    }
  });

  it("poll_max_messages: 1 lets the event loop run after every message; 0 reads the whole backlog in one turn", async () => {
    for (const max of [1, 0]) {
      const f = await flow({ poll_max_messages: max, onloop_queue_hwm: 0 });
      // Handlers run in batches, one per event-loop turn of the receive
      // loop; a microtask marks where a batch ends.
      const batches: number[] = [];
      let open = false;
      f.r.onEvent("Test::flood", () => {
        if (!open) {
          open = true;
          batches.push(0);
          queueMicrotask(() => (open = false));
        }
        batches[batches.length - 1]++;
      });
      const res = floodSync({ xsub: f.xsub, xpub: f.xpub, topic: TOPIC, count: 200 });
      expect(res.witness).toBe(200);
      await waitFor(f.r, "event", () => f.count() === 200, 10_000, "200 events", () => f.count());
      if (max === 1) expect(Math.max(...batches)).toBe(1);
      else expect(Math.max(...batches)).toBeGreaterThan(100);
    }
  });

  it.each(["xpub_sndbuf", "xsub_rcvbuf"] as const)("%s is set on the node's socket (read back; the effect is kernel-side)", async (option) => {
    const layout = await makeLayout({ manager: "manager" });
    const dflt = await t.start({ layout, name: "manager" });
    const role = option === "xpub_sndbuf" ? "xpub" : "xsub";
    expect(dflt.socketOptions()[role]![option]).toBe(-1);
    await dflt.terminate();
    const node = await t.start({ layout, name: "manager", options: { [option]: 131072 } });
    expect(node.socketOptions()[role]![option]).toBe(131072);
  });

  const logHeader = { stream: "Test::LOG", writer: "Log::WRITER_ASCII", filter: "default", path: "test", fields: [{ name: "s", type: "string", optional: false }] };
  const logBatch = (s: string) => ["log-write", "zeromq_raw_peer", codec.logFormat, codec.encodeLogBatch(logHeader, [[s]])];

  /** A raw PUSH connected to the logger's PULL; `disconnects()` counts what libzmq cut off. */
  function rawPush(port: number): { push: zmq.Push; disconnects: () => number; disconnected: Promise<void> } {
    const push = new zmq.Push({ linger: 0 });
    t.cleanup(() => push.close());
    let n = 0;
    const disconnected = new Promise<void>((resolve) =>
      push.events.on("disconnect", () => {
        n++;
        resolve();
      }),
    );
    push.connect(`tcp://127.0.0.1:${port}`);
    return { push, disconnects: () => n, disconnected };
  }

  it("max_message_size: a larger log batch is counted in msg_errors and dropped; the connection and the batches around it are kept", async () => {
    const layout = await makeLayout({ logger: "logger", "worker-1": "worker" });
    const logger = await t.start({ layout, name: "logger", options: { max_message_size: 4096 } });
    const r = t.reports(logger);
    const got = () => r.logs.filter((b) => b.header.stream === "Test::LOG").flatMap((b) => b.records.map((rec) => String(rec[0])));
    const raw = rawPush(layout.nodes.logger.p!);
    await raw.push.send(logBatch("before"));
    await raw.push.send(logBatch("big" + "x".repeat(8000)));
    await raw.push.send(logBatch("after"));
    await waitFor(logger, "log", () => got().length >= 2, 10_000, "the two small batches", got);
    expect(got()).toEqual(["before", "after"]);
    expect(logger.counters().msg_errors).toBe(1);
    expect(r.diagnostics.filter((l) => l.includes("message too large"))).toEqual([
      expect.stringMatching(/^\[zeromq\] log: error: message too large \(\d+ bytes, max_message_size 4096\)$/),
    ]);
    expect(raw.disconnects()).toBe(0);
    // The default lets the same batch through.
    await logger.terminate();
    const dflt = await t.start({ layout, name: "logger" });
    const d = t.reports(dflt);
    const raw2 = rawPush(layout.nodes.logger.p!);
    await raw2.push.send(logBatch("big" + "x".repeat(8000)));
    await waitFor(dflt, "log", () => d.logs.some((b) => b.header.stream === "Test::LOG"), 10_000, "the big batch");
    expect(dflt.counters().msg_errors).toBe(0);
  });

  it("max_message_size: a larger event is counted on the node's XSUB and a Client's alike; smaller ones pass", async () => {
    const f = await flow({ max_message_size: 4096 });
    const client = new Client({ options: { connect_xpub_endpoint: f.xsub, connect_xsub_endpoint: f.xpub, max_message_size: 4096 } });
    t.cleanup(() => client.close());
    const clientGot: string[] = [];
    const clientErrors: string[] = [];
    client.on("error", (m: string) => clientErrors.push(m));
    client.onEvent("Test::sized", (s) => clientGot.push(String(s).slice(0, 5)));
    client.subscribe(TOPIC);
    await client.start();
    await client.ready; // its probe came back: TOPIC, subscribed before it, is at the broker
    const rGot: string[] = [];
    f.r.onEvent("Test::sized", (s) => rGot.push(String(s).slice(0, 5)));
    f.s.publish(TOPIC, "Test::sized", "small");
    f.s.publish(TOPIC, "Test::sized", "large" + "x".repeat(8000));
    f.s.publish(TOPIC, "Test::sized", "last!");
    await waitFor(f.r, "event", () => rGot.length >= 2, 10_000, "r's two small events", () => rGot);
    await waitFor(client, "event", () => clientGot.length >= 2, 10_000, "the client's two small events", () => clientGot);
    expect(rGot).toEqual(["small", "last!"]);
    expect(clientGot).toEqual(["small", "last!"]);
    expect(f.r.counters().msg_errors).toBe(1);
    expect(client.counters().msg_errors).toBe(1);
    expect(t.reports(f.r).diagnostics.some((l) => /^\[zeromq\] xsub: error: message too large \(\d+ bytes, max_message_size 4096\)$/.test(l))).toBe(true);
    expect(clientErrors).toEqual([expect.stringMatching(/^xsub: message too large \(\d+ bytes, max_message_size 4096\)$/)]);
  });

  it("rcv_maxmsgsize: libzmq cuts off a peer that sends a larger frame (uncounted); the peer reconnects and smaller ones pass", async () => {
    const layout = await makeLayout({ logger: "logger", "worker-1": "worker" });
    const logger = await t.start({ layout, name: "logger", options: { max_message_size: 1024, rcv_maxmsgsize: 4096 } });
    expect(logger.socketOptions().pull!.rcv_maxmsgsize).toBe(4096);
    const r = t.reports(logger);
    const got = () => r.logs.filter((b) => b.header.stream === "Test::LOG").flatMap((b) => b.records.map((rec) => String(rec[0])));
    const raw = rawPush(layout.nodes.logger.p!);
    await raw.push.send(logBatch("mid" + "x".repeat(2000))); // over max_message_size: counted
    await raw.push.send(logBatch("big" + "x".repeat(8000))); // over rcv_maxmsgsize: cut off
    await raw.disconnected;
    await raw.push.send(logBatch("small"));
    await waitFor(logger, "log", () => got().length > 0, 10_000, "a Test::LOG batch", got);
    expect(got()).toEqual(["small"]);
    expect(logger.counters().msg_errors).toBe(1);
  });
});
