// The options that shape who talks to whom, each by its effect on real
// sockets: broker endpoints, who runs the broker, its I/O threads, IPv6,
// topic prefixes, the hello expiry and the debug traces.
import { EventEmitter } from "node:events";
import { createServer } from "node:net";
import * as zmq from "zeromq";
import { describe, expect, it, vi } from "vitest";
import { FATAL_INIT, FATAL_PROXY, StartError, startBroker, type Broker, type BrokerStats } from "../../adapters/node/index";
import { brokerEndpoints, makeLayout } from "../helpers/cluster";
import { subscriptionSeen, trackNodes, waitAllUp } from "../helpers/nodes";
import { freePorts } from "../helpers/ports";
import { waitFor } from "../helpers/wait";

const t = trackNodes();

async function externalBroker(endpoints: { listen_xpub_endpoint?: string; listen_xsub_endpoint?: string }): Promise<Broker> {
  const b = await startBroker({
    engine: "counting",
    listen_xpub_endpoint: endpoints.listen_xpub_endpoint!,
    listen_xsub_endpoint: endpoints.listen_xsub_endpoint!,
    listen_xpub_nodrop: true,
    proxy_io_threads: 1,
    ipv6: false,
  });
  t.cleanup(() => b.stop());
  return b;
}

const total = (s: BrokerStats | null) => Object.values(s ?? {}).reduce((a, b) => a + b, 0);

/** Capture stderr lines while `f` runs (not printed). */
async function stderrOf(f: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  });
  try {
    await f();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

const hasIpv6Loopback: Promise<boolean> = new Promise((resolve) => {
  const srv = createServer();
  srv.once("error", () => resolve(false));
  srv.listen(0, "::1", () => srv.close(() => resolve(true)));
});

describe("topology options", () => {
  it("connect_xpub_endpoint / connect_xsub_endpoint / listen_*: nodes meet only through the configured broker", async () => {
    // The manager's broker listens where the layout says; a decoy broker on
    // other ports must see no traffic at all.
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    const decoy = await externalBroker(await brokerEndpoints());
    const manager = await t.start({ layout, name: "manager", brokerEngine: "counting" });
    const worker = await t.start({ layout, name: "worker-1" });
    await waitAllUp([manager, worker]);
    const z = layout.zeromq!;
    // Upstream's naming: a node's XSUB connects to the broker's XPUB.
    expect(z.connect_xsub_endpoint).toBe(z.listen_xpub_endpoint);
    expect(z.connect_xpub_endpoint).toBe(z.listen_xsub_endpoint);
    const used = manager.brokerStats()!;
    expect(used.frontend_messages_received).toBeGreaterThan(0);
    expect(used.backend_messages_sent).toBeGreaterThan(0);
    expect(total(decoy.stats())).toBe(0);

    // And a node pointed at the decoy meets nobody: the decoy forwards its
    // subscriptions to nobody else, and the manager never hears of it.
    const lonely = await t.start({
      layout: { ...layout, nodes: { ...layout.nodes, "worker-2": { node_type: "worker" } } },
      name: "worker-2",
      options: {
        connect_xpub_endpoint: decoy.xsubEndpoint,
        connect_xsub_endpoint: decoy.xpubEndpoint,
      },
    });
    await lonely.ready; // its probe made the round trip through the decoy
    expect(total(decoy.stats())).toBeGreaterThan(0);
    expect(manager.peerId("worker-2")).toBeUndefined();
    expect(lonely.peerId("manager")).toBeUndefined();
  });

  it("run_proxy_thread=false on the manager, with an external broker, works", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    const broker = await externalBroker(layout.zeromq!);
    const manager = await t.start({ layout, name: "manager", options: { run_proxy_thread: false } });
    const worker = await t.start({ layout, name: "worker-1" });
    await waitAllUp([manager, worker]);
    expect(manager.brokerStats()).toBeNull();
    expect(broker.stats()!.frontend_messages_received).toBeGreaterThan(0);
  });

  it("run_proxy_thread=true on a worker makes it the broker (and the manager, set false, uses it)", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    const worker = await t.start({ layout, name: "worker-1", options: { run_proxy_thread: true }, brokerEngine: "counting" });
    const manager = await t.start({ layout, name: "manager", options: { run_proxy_thread: false } });
    await waitAllUp([manager, worker]);
    expect(worker.brokerStats()!.frontend_messages_received).toBeGreaterThan(0);
    expect(manager.brokerStats()).toBeNull();
  });

  it("proxy_io_threads=1 is accepted and the broker works with it (0 is rejected)", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker", "worker-2": "worker" }, { zeromq: { proxy_io_threads: 1 } });
    const nodes = [];
    for (const name of ["manager", "worker-1", "worker-2"]) nodes.push(await t.start({ layout, name }));
    await waitAllUp(nodes);
    expect(() => t.node({ layout, name: "manager", options: { proxy_io_threads: 0 } })).toThrow(/proxy_io_threads/);
  });

  it("ipv6=true: a cluster on tcp://[::1] works (events and logs); ipv6=false cannot bind [::1], with upstream's texts", async (ctx) => {
    if (!(await hasIpv6Loopback)) {
      console.warn("skipping the IPv6 test: this machine has no ::1 (binding a TCP socket on ::1 failed)");
      ctx.skip();
    }
    const z = await brokerEndpoints("::1");
    const [logPort] = await freePorts(1, "::1");
    const layout = {
      manager_is_logger: false,
      nodes: {
        manager: { node_type: "manager" as const, ip: "::1" },
        logger: { node_type: "logger" as const, ip: "::1", p: logPort },
        "worker-1": { node_type: "worker" as const, ip: "::1" },
      },
      zeromq: { ...z, ipv6: true, flush_interval: 0.05 },
    };
    const logger = await t.start({ layout, name: "logger" });
    const manager = await t.start({ layout, name: "manager" });
    const worker = await t.start({ layout, name: "worker-1" });
    await waitAllUp([logger, manager, worker]);
    worker.log("Test::LOG", { over: "ipv6" });
    await waitFor(logger, "log", () => t.reports(logger).logs.some((b) => b.header.stream === "Test::LOG"), 10_000, "the log over ::1");
    expect(logger.socketOptions().pull!.ipv6).toBe(true);
    await Promise.all([logger.terminate(), manager.terminate(), worker.terminate()]);

    // ipv6=false (the default since 8.2): zeek's ipv6-error test.
    const off = { ...layout, zeromq: { ...layout.zeromq, ipv6: false } };
    const err = await t.node({ layout: off, name: "manager" }).start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartError);
    expect((err as Error).message.split("\n")).toEqual([
      `ZeroMQ: Failed to bind xpub socket ${z.listen_xpub_endpoint}: No such device (19)`,
      FATAL_PROXY,
    ]);
    const err2 = await t.node({ layout: off, name: "logger" }).start().catch((e: unknown) => e);
    expect((err2 as Error).message.split("\n")).toEqual([`ZeroMQ: Failed to bind pull socket tcp://[::1]:${logPort}: No such device (19)`, FATAL_INIT]);
  });

  it("node_topic_prefix / nodeid_topic_prefix: custom prefixes converge and the topics use them", async () => {
    const prefixes = { node_topic_prefix: "acme.node", nodeid_topic_prefix: "acme.nodeid" };
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" }, { zeromq: prefixes });
    const manager = t.node({ layout, name: "manager" });
    const worker = t.node({ layout, name: "worker-1" });
    const subs: string[] = [];
    manager.on("subscription", (topic: string) => subs.push(topic));
    const got: string[] = [];
    worker.onEvent("Test::direct", (s: string) => got.push(s));
    await manager.start();
    await worker.start();
    await waitAllUp([manager, worker]);
    expect(worker.nodeTopic("worker-1")).toBe("acme.node.worker-1.");
    expect(subs).toContain("acme.node.worker-1.");
    expect(subs).toContain(`acme.nodeid.${worker.nodeId}.`);
    expect(subs.some((s) => s.startsWith("zeek.cluster.node"))).toBe(false);
    manager.publish(manager.nodeTopic("worker-1"), "Test::direct", "hi");
    manager.publish(manager.nodeidTopic(worker.nodeId), "Test::direct", "by id");
    await waitFor(worker, "event", () => got.length === 2, 10_000, "both direct events", () => got);
    expect(got).toEqual(["hi", "by id"]);
  });

  it("internal_topic_prefix: the ready probe subscribes under the configured prefix", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" }, { zeromq: { internal_topic_prefix: "acme.internal." } });
    const manager = await t.start({ layout, name: "manager" });
    await manager.ready;
    // A raw XPUB at the broker's XSUB hears every subscription frame.
    const spy = new zmq.XPublisher({ linger: 0 });
    spy.verbosity = "allSubs";
    t.cleanup(() => spy.close());
    spy.connect(layout.zeromq!.connect_xpub_endpoint!);
    const frames: string[] = [];
    const heard = new EventEmitter();
    void (async () => {
      for (;;) {
        frames.push((await spy.receive())[0].toString("utf8"));
        heard.emit("frame");
      }
    })().catch(() => undefined);
    const spyHas = (f: (s: string) => boolean) => waitFor(heard, "frame", () => frames.some(f), 10_000, "a frame on the spy", () => frames);
    // Connected once the broker has replayed the manager's subscriptions.
    await spyHas((fr) => fr === `\x01${manager.nodeidTopic(manager.nodeId)}`);
    const worker = t.node({ layout, name: "worker-1" });
    await worker.start();
    await worker.ready;
    await spyHas((fr) => fr === `\x01acme.internal.${worker.nodeId}.1.`);
    expect(frames.filter((fr) => fr.includes("zeek.zeromq.internal"))).toEqual([]);
  });

  it("hello_expiration: a nodeid-shaped subscription with no hello expires with upstream's warning after the configured time", async () => {
    const layout = await makeLayout({ manager: "manager" }, { zeromq: { hello_expiration: 0.3 } });
    const manager = await t.start({ layout, name: "manager" });
    await manager.ready;
    const raw = new zmq.XSubscriber({ linger: 0 });
    t.cleanup(() => raw.close());
    raw.connect(layout.zeromq!.connect_xsub_endpoint!);
    const t0 = performance.now();
    await raw.send(Buffer.from("\x01zeek.cluster.nodeid.zeromq_stranger_host_1_Nxyz."));
    const warnings = t.reports(manager).warnings;
    await waitFor(manager, "warning", () => warnings.length > 0, 10_000, "the expiry warning");
    const elapsed = performance.now() - t0;
    expect(warnings).toEqual(["Expired subscription from nodeid zeromq_stranger_host_1_Nxyz"]);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(5_000);
  });

  it("debug_flags: 1 traces receive rounds, 2 the start/stop steps, 0 nothing (stderr)", async () => {
    const layout = await makeLayout({ manager: "manager" });
    const run = (debug_flags: number) =>
      stderrOf(async () => {
        const n = await t.start({ layout, name: "manager", options: { debug_flags } });
        await n.ready;
        await n.terminate();
      });
    const none = await run(0);
    const one = await run(1);
    const two = await run(2);
    const debug = (lines: string[]) => lines.filter((l) => l.startsWith("[zeromq] debug: "));
    expect(debug(none)).toEqual([]);
    expect(debug(one).length).toBeGreaterThan(0);
    expect(debug(one).every((l) => /^\[zeromq\] debug: (xpub|xsub|log): read \d+ messages/.test(l))).toBe(true);
    expect(debug(two)).toContain("[zeromq] debug: xsub: receive loop started");
    expect(debug(two).some((l) => / read \d+ messages/.test(l))).toBe(false);
  });
});
