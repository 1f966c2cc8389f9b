// Start and stop with real sockets: upstream's start-up error texts, the
// start and stop order, publishes and logs surviving an orderly stop, and
// bursts that never throw EBUSY or block the event loop.
import { createServer, type Server } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { ClusterNode, FATAL_INIT, FATAL_PROXY, OptionsError, StartError } from "../../adapters/node/index";
import { count } from "../../adapters/node/codec/index";
import { makeLayout } from "../helpers/cluster";
import { subscriptionSeen, trackNodes, waitAllUp } from "../helpers/nodes";
import { waitFor } from "../helpers/wait";

const t = trackNodes();

/** Capture what is written to stderr while `f` runs (not printed). */
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

/** Occupy a TCP port the way another program would. */
async function occupy(port: number): Promise<Server> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(port, "127.0.0.1", () => r()));
  t.cleanup(() => new Promise((r) => srv.close(r)));
  return srv;
}

async function startError(node: ClusterNode): Promise<StartError> {
  const err = await node.start().then(
    () => new Error("start() succeeded"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StartError);
  return err as StartError;
}

describe("start-up errors carry upstream's texts", () => {
  it("a broker that cannot bind: `ZeroMQ: Failed to bind xpub socket ...` then `Failed to spawn ZeroMQ proxy thread`", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    const port = Number(layout.zeromq!.listen_xpub_endpoint!.split(":").pop());
    await occupy(port);
    const node = t.node({ layout, name: "manager" });
    const err = await startError(node);
    expect(err.message.split("\n")).toEqual([
      `ZeroMQ: Failed to bind xpub socket ${layout.zeromq!.listen_xpub_endpoint}: Address already in use (98)`,
      FATAL_PROXY,
    ]);
    // Whoever waits for the node to be ready hears of it too.
    await expect(node.ready).rejects.toBe(err);
    expect(err.fatal).toBe("Failed to spawn ZeroMQ proxy thread");
  });

  it("the broker's xsub failing after its xpub bound releases the xpub port again", async () => {
    const layout = await makeLayout({ manager: "manager" });
    const xsubPort = Number(layout.zeromq!.listen_xsub_endpoint!.split(":").pop());
    const srv = await occupy(xsubPort);
    const err = await startError(t.node({ layout, name: "manager" }));
    expect(err.message).toContain(`ZeroMQ: Failed to bind xsub socket ${layout.zeromq!.listen_xsub_endpoint}: Address already in use`);
    await new Promise((r) => srv.close(r));
    // Both ports are free again: a second start binds them.
    const again = await t.start({ layout, name: "manager" });
    expect(again.running).toBe(true);
  });

  it("a log receiver that cannot bind: `ZeroMQ: Failed to bind pull socket ...` then `Failed initialize ZeroMQ backend`", async () => {
    const layout = await makeLayout({ manager: "manager", logger: "logger" });
    await occupy(layout.nodes.logger.p!);
    const err = await startError(t.node({ layout, name: "logger", options: { run_proxy_thread: false } }));
    expect(err.message.split("\n")).toEqual([
      `ZeroMQ: Failed to bind pull socket tcp://127.0.0.1:${layout.nodes.logger.p}: Address already in use (98)`,
      FATAL_INIT,
    ]);
  });

  it("bad endpoints: `ZeroMQ: Failed to connect <socket> socket <endpoint>: ...` then `Failed initialize ZeroMQ backend`", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    for (const [option, which] of [
      ["connect_xsub_endpoint", "xsub"],
      ["connect_xpub_endpoint", "xpub"],
      ["connect_log_endpoints", "push"],
    ] as const) {
      const bad = "tcp://127.0.0.1:notaport";
      const options = option === "connect_log_endpoints" ? { [option]: [bad] } : { [option]: bad };
      const err = await startError(t.node({ layout, name: "worker-1", options }));
      expect(err.message.split("\n")).toEqual([`ZeroMQ: Failed to connect ${which} socket ${bad}: Invalid argument`, FATAL_INIT]);
    }
  });

  it("run-node prints the two lines as upstream does (error:, then fatal error:)", async () => {
    const layout = await makeLayout({ manager: "manager" });
    await occupy(Number(layout.zeromq!.listen_xpub_endpoint!.split(":").pop()));
    const err = await startError(t.node({ layout, name: "manager" }));
    // app/run-node.ts writes exactly these; the test pins what it gets.
    expect(`error: ${err.cause.message}\nfatal error: ${err.fatal}`).toMatch(
      /^error: ZeroMQ: Failed to bind xpub socket tcp:\/\/127\.0\.0\.1:\d+: Address already in use \(98\)\nfatal error: Failed to spawn ZeroMQ proxy thread$/,
    );
  });

  it("invalid option values are rejected before any socket exists, naming the option", async () => {
    const layout = await makeLayout({ manager: "manager" });
    expect(() => new ClusterNode({ layout, name: "manager", options: { xpub_sndhwm: -1 } })).toThrow(OptionsError);
    expect(() => new ClusterNode({ layout, name: "manager", options: { proxy_io_threads: 0 } })).toThrow(/proxy_io_threads/);
    expect(() => new ClusterNode({ layout, name: "manager", options: { linger_ms: 1.5 } })).toThrow(/linger_ms/);
    expect(() => new ClusterNode({ layout, name: "manager", options: { connect_xpub_endpoint: "127.0.0.1:5556" } })).toThrow(
      /connect_xpub_endpoint/,
    );
    expect(() => new ClusterNode({ layout, name: "manager", options: { no_such_option: 1 } as never })).toThrow(/no_such_option/);
  });

  it("start() twice rejects; terminate() is idempotent and works before start()", async () => {
    const layout = await makeLayout({ manager: "manager" });
    const fresh = t.node({ layout, name: "manager" });
    await fresh.terminate();
    await expect(fresh.start()).rejects.toThrow(/already started/);
    const node = await t.start({ layout, name: "manager" });
    await expect(node.start()).rejects.toThrow(/already started/);
    const a = node.terminate();
    expect(node.terminate()).toBe(a);
    await a;
    expect(node.running).toBe(false);
    await expect(fresh.ready).rejects.toThrow(/stopped before it started/);
  });

  it("terminate() during start() waits for the start, then stops everything", async () => {
    const layout = await makeLayout({ manager: "manager" });
    const node = t.node({ layout, name: "manager" });
    const started = node.start();
    const stopped = node.terminate();
    await started;
    await stopped;
    expect(node.running).toBe(false);
    // The broker's ports are free again.
    const again = await t.start({ layout, name: "manager" });
    expect(again.running).toBe(true);
  });
});

describe("start and stop order", () => {
  it("starts broker, then sockets, then start-up subscriptions; stops logs, sockets, broker (debug_flags=2 trace)", async () => {
    const layout = await makeLayout({ manager: "manager" }, { managerPort: true });
    const lines = await stderrOf(async () => {
      const node = await t.start({ layout, name: "manager", options: { debug_flags: 2 } });
      await node.ready;
      await node.terminate();
    });
    const order = [
      "broker (",
      "xsub connected to",
      "pull bound to",
      "subscribing to start-up topics",
      "ready to publish",
      "stopping: flushing logs",
      "closing sockets",
      "stopping broker",
      "node manager stopped",
    ].map((what) => lines.findIndex((l) => l.startsWith("[zeromq] debug:") && l.includes(what)));
    expect(order.every((i) => i >= 0), lines.join("\n")).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("events published right before terminate() still reach their subscriber (drain before close)", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    const manager = t.node({ layout, name: "manager" });
    const got: number[] = [];
    manager.onEvent("Test::last", (n: bigint) => got.push(Number(n)));
    manager.subscribe("test.last");
    await manager.start();
    const worker = await t.start({ layout, name: "worker-1" });
    // Handshake done: no hello of its own is still due when it stops.
    await waitAllUp([manager, worker]);
    await worker.ready;
    for (let i = 0; i < 500; i++) worker.publish("test.last", "Test::last", count(i));
    await worker.terminate();
    await waitFor(manager, "event", () => got.length === 500, 10_000, "500 events", () => got.length);
    expect(got).toEqual([...Array(500).keys()]);
    expect(worker.counters().xpub_drops).toBe(0);
  });

  it("a stopped manager is seen going down by the others (its sockets close before the broker stops)", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker", "worker-2": "worker" });
    const manager = await t.start({ layout, name: "manager" });
    const w1 = await t.start({ layout, name: "worker-1" });
    const w2 = await t.start({ layout, name: "worker-2" });
    await waitAllUp([manager, w1, w2]);
    const downs: string[] = [];
    w1.on("node_down", (name: string) => downs.push(name));
    await manager.terminate();
    await waitFor(w1, "node_down", () => downs.includes("manager"), 10_000, "node_down manager", () => downs);
    expect(downs[0]).toBe("manager");
  });
});

describe("sends never throw and never block", () => {
  it("a burst of 100k publishes with default options returns promptly; every event is delivered or counted", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    const manager = t.node({ layout, name: "manager" });
    let received = 0;
    manager.onEvent("Test::burst", () => received++);
    manager.subscribe("test.burst");
    await manager.start();
    const worker = t.node({ layout, name: "worker-1" });
    const seen = subscriptionSeen(worker, "test.burst");
    await worker.start();
    await worker.ready;
    await seen;
    const payload = "p".repeat(50);
    const t0 = performance.now();
    let accepted = 0;
    for (let i = 0; i < 100_000; i++) if (worker.publish("test.burst", "Test::burst", payload)) accepted++;
    const elapsed = performance.now() - t0;
    expect(accepted).toBe(100_000);
    expect(elapsed).toBeLessThan(20_000);
    // The event loop is not blocked: a timer still fires.
    await new Promise((r) => setTimeout(r, 0));
    const c = worker.counters();
    expect(c.events_published).toBeGreaterThanOrEqual(100_000);
    expect(c.xpub_drops).toBeGreaterThan(0);
    const delivered = 100_000 - c.xpub_drops;
    await waitFor(manager, "event", () => received + manager.counters().onloop_drops === delivered, 20_000, "every event not dropped", () => [
      received,
      manager.counters().onloop_drops,
      delivered,
    ]);
    // And the node still works afterwards.
    worker.publish("test.burst", "Test::burst", "after");
    await waitFor(manager, "event", () => received + manager.counters().onloop_drops === delivered + 1, 10_000, "one more");
  });

  it("a burst of log writes with default options never throws; records are sent or counted", async () => {
    const layout = await makeLayout({ logger: "logger", "worker-1": "worker" }, { zeromq: { write_buffer_size: 10 } });
    const logger = await t.start({ layout, name: "logger" });
    const worker = await t.start({ layout, name: "worker-1" });
    for (let i = 0; i < 50_000; i++) worker.log("Test::LOG", { n: count(i) });
    await worker.terminate();
    const c = worker.counters();
    expect(c.log_records_sent + c.log_drops).toBe(50_000);
    await waitFor(logger, "log", () => logger.counters().log_records_received === c.log_records_sent, 20_000, "every sent record", () => [
      logger.counters().log_records_received,
      c,
    ]);
  });
});
