// The log path's options, each by its effect on real sockets: linger_ms at
// stop, log_immediate, the PUSH and PULL HWMs, and the kernel buffers
// (read back). write_buffer_size and flush_interval are in logging.test.ts.
import * as zmq from "zeromq";
import { describe, expect, it } from "vitest";
import type { ClusterLayoutInput } from "../../adapters/node/index";
import { codec } from "../../adapters/node/wire";
import { makeLayout } from "../helpers/cluster";
import { pushFloodSync } from "../helpers/flood";
import { trackNodes, waitForAny, type Reports } from "../helpers/nodes";
import { freePorts } from "../helpers/ports";
import { waitFor } from "../helpers/wait";

const t = trackNodes();

/** Values of field 0 of every Test::LOG record a node received. */
const got = (r: Reports) => r.logs.filter((b) => b.header.stream === "Test::LOG").flatMap((b) => b.records.map((rec) => String(rec[0])));

/** Loggers and workers with no manager (no broker: logs do not need one). */
function logLayout(loggers: string[], workers: string[]): Promise<ClusterLayoutInput> {
  const nodes: Record<string, "logger" | "worker"> = {};
  for (const l of loggers) nodes[l] = "logger";
  for (const w of workers) nodes[w] = "worker";
  return makeLayout(nodes, { zeromq: { write_buffer_size: 1, flush_interval: 0 } });
}

describe("log options", () => {
  it("linger_ms=-1: terminate() waits until a logger that binds late has the last batch", async () => {
    const layout = await logLayout(["logger"], ["worker-1"]);
    const worker = await t.start({ layout, name: "worker-1", options: { linger_ms: -1 } });
    worker.log("Test::LOG", { s: "last words" });
    let stopped = false;
    const stopping = worker.terminate().then(() => (stopped = true));
    // Several event-loop turns: a terminate() that did not wait would be done.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    const logger = await t.start({ layout, name: "logger" });
    await waitFor(logger, "log", () => got(t.reports(logger)).length === 1, 10_000, "the late batch");
    await stopping;
    expect(got(t.reports(logger))).toEqual(["last words"]);
  });

  it("linger_ms=500: with nobody to take it, terminate() gives the batch 500 ms, then drops it", async () => {
    const layout = await logLayout(["logger"], ["worker-1"]);
    const worker = await t.start({ layout, name: "worker-1", options: { linger_ms: 500 } });
    worker.log("Test::LOG", { s: "lost" });
    const t0 = performance.now();
    await worker.terminate();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(480);
  });

  it("linger_ms=0: the queued batch is dropped at close; a logger that binds afterwards never gets it", async () => {
    const layout = await logLayout(["logger"], ["worker-1", "worker-2"]);
    const w1 = await t.start({ layout, name: "worker-1", options: { linger_ms: 0 } });
    w1.log("Test::LOG", { s: "dropped" });
    await w1.terminate();
    // w1's socket is destroyed now (terminate waited for it): nothing of it
    // can arrive any more. A live node's record shows the logger works.
    const logger = await t.start({ layout, name: "logger" });
    const w2 = await t.start({ layout, name: "worker-2" });
    w2.log("Test::LOG", { s: "delivered" });
    await waitFor(logger, "log", () => got(t.reports(logger)).length > 0, 10_000, "w2's record");
    expect(got(t.reports(logger))).toEqual(["delivered"]);
  });

  it("log_immediate=true: batches are not queued for a logger that is not up; they all go to the one that is", async () => {
    const layout = await logLayout(["logger-1", "logger-2"], ["worker-1"]);
    const l1 = await t.start({ layout, name: "logger-1" });
    const worker = await t.start({ layout, name: "worker-1", options: { log_immediate: true } });
    // The first batch waits for a completed connection: logger-1's.
    worker.log("Test::LOG", { s: "r0" });
    await waitFor(l1, "log", () => got(t.reports(l1)).length === 1, 10_000, "r0 on logger-1");
    for (let i = 1; i <= 10; i++) worker.log("Test::LOG", { s: `r${i}` });
    await waitFor(l1, "log", () => got(t.reports(l1)).length === 11, 10_000, "all 11 on logger-1", () => got(t.reports(l1)));
    const l2 = await t.start({ layout, name: "logger-2" });
    // Once logger-2 is up, new batches are shared again.
    for (let i = 11; i < 21; i++) worker.log("Test::LOG", { s: `r${i}` });
    await waitForAny([l1, l2], "log", () => got(t.reports(l1)).length + got(t.reports(l2)).length === 21, 10_000, "21 records");
    expect(got(t.reports(l1)).slice(0, 11)).toEqual([...Array(11).keys()].map((i) => `r${i}`));
    expect(got(t.reports(l2)).every((s) => Number(s.slice(1)) >= 11)).toBe(true);
  });

  it("log_immediate=false: batches are queued for a logger that is not up and delivered once it binds", async () => {
    const layout = await logLayout(["logger-1", "logger-2"], ["worker-1"]);
    const l1 = await t.start({ layout, name: "logger-1" });
    const worker = await t.start({ layout, name: "worker-1", options: { log_immediate: false } });
    for (let i = 0; i < 10; i++) worker.log("Test::LOG", { s: `r${i}` });
    // Round-robin over both pipes, connected or not: half wait for logger-2.
    await waitFor(l1, "log", () => got(t.reports(l1)).length === 5, 10_000, "5 on logger-1", () => got(t.reports(l1)));
    const l2 = await t.start({ layout, name: "logger-2" });
    await waitFor(l2, "log", () => got(t.reports(l2)).length === 5, 10_000, "the 5 queued for logger-2", () => got(t.reports(l2)));
    expect([...got(t.reports(l1)), ...got(t.reports(l2))].sort()).toEqual([...Array(10).keys()].map((i) => `r${i}`).sort());
  });

  it("log_sndhwm: a small HWM bounds what is queued for a logger that is not up; the rest is dropped and counted (log_drops)", async () => {
    const layout = await logLayout(["logger"], ["worker-1"]);
    const worker = await t.start({ layout, name: "worker-1", options: { log_sndhwm: 5 } });
    for (let i = 0; i < 50; i++) worker.log("Test::LOG", { s: `r${i}` });
    const c = worker.counters();
    // libzmq holds 5, the JS queue 5 more, one send is in flight.
    expect(c.log_drops).toBeGreaterThanOrEqual(50 - 11);
    expect(c.log_drops).toBeLessThan(50);
    expect(t.reports(worker).errors).toContain("Failed to send log write. HWM reached?");
    const logger = await t.start({ layout, name: "logger" });
    await waitFor(logger, "log", () => got(t.reports(logger)).length === 50 - c.log_drops, 10_000, "every record not dropped", () =>
      got(t.reports(logger)),
    );
    expect(worker.counters().log_records_sent).toBe(50 - c.log_drops);
  });

  it("log_rcvhwm: a stalled logger with a small receive HWM pushes back on the sender; 0 (unbounded) takes the whole flood in", async () => {
    const header = { stream: "Test::LOG", writer: "Log::WRITER_ASCII", filter: "default", path: "test", fields: [{ name: "s", type: "string", optional: false }] };
    const frames = ["log-write", "zeromq_flood_host_1_Nflood", codec.logFormat, codec.encodeLogBatch(header, [["x".repeat(2000)]])];
    for (const hwm of [10, 0]) {
      const layout = await logLayout(["logger"], []);
      const logger = await t.start({ layout, name: "logger", options: { log_rcvhwm: hwm } });
      expect(logger.socketOptions().pull!.log_rcvhwm).toBe(hwm);
      const res = pushFloodSync({ endpoint: `tcp://127.0.0.1:${layout.nodes.logger.p}`, frames, count: 12_000, quietMs: 700 });
      if (hwm === 0) {
        expect(res).toMatchObject({ sent: 12_000, stalled: false });
        const received = () => logger.counters().log_records_received;
        await waitFor(logger, "log", () => received() === 12_000, 15_000, "every batch", received);
      } else {
        // The sender could not get rid of the flood (it gave up with its
        // own queue full; what it still held is gone with it). The logger
        // then reads the backlog it had let in.
        expect(res.stalled).toBe(true);
        expect(res.sent).toBeLessThan(12_000);
        await waitFor(logger, "log", () => got(t.reports(logger)).length > 0, 15_000, "the backlog");
      }
      await logger.terminate();
    }
  });

  it("connect_log_endpoints: an explicit list replaces the layout's loggers; the frames are upstream's four", async () => {
    const layout = await logLayout(["logger"], ["worker-1"]);
    const logger = await t.start({ layout, name: "logger" });
    const [port] = await freePorts(1);
    const pull = new zmq.Pull({ linger: 0 });
    t.cleanup(() => pull.close());
    await pull.bind(`tcp://127.0.0.1:${port}`);
    const worker = await t.start({ layout, name: "worker-1", options: { connect_log_endpoints: [`tcp://127.0.0.1:${port}`] } });
    worker.log("Test::LOG", { s: "elsewhere" });
    const frames = await pull.receive();
    expect(frames.map((f, i) => (i < 3 ? f.toString() : "payload"))).toEqual(["log-write", worker.nodeId, codec.logFormat, "payload"]);
    expect(codec.decodeLogBatch(frames[3]).records).toEqual([["elsewhere"]]);
    expect(got(t.reports(logger))).toEqual([]);
  });

  it("connect_log_endpoints empty with several nodes: upstream's error, and writes are counted as dropped", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    const worker = await t.start({ layout, name: "worker-1" });
    expect(t.reports(worker).errors).toContain("No ZeroMQ connect_log_endpoints configured");
    worker.log("Test::LOG", { s: "nowhere" });
    await worker.terminate();
    expect(worker.counters()).toMatchObject({ log_drops: 1, log_records_sent: 0 });
  });

  it("listen_log_endpoint: a log receiver binds where the option says, not where the layout says", async () => {
    const layout = await logLayout(["logger"], ["worker-1"]);
    const [port] = await freePorts(1);
    const endpoint = `tcp://127.0.0.1:${port}`;
    const logger = await t.start({ layout, name: "logger", options: { listen_log_endpoint: endpoint } });
    const worker = await t.start({ layout, name: "worker-1", options: { connect_log_endpoints: [endpoint] } });
    worker.log("Test::LOG", { s: "custom port" });
    await waitFor(logger, "log", () => got(t.reports(logger)).length === 1, 10_000, "the record on the custom port");
    // Nothing listens on the layout's port: binding it succeeds.
    const probe = new zmq.Pull({ linger: 0 });
    t.cleanup(() => probe.close());
    await probe.bind(`tcp://127.0.0.1:${layout.nodes.logger.p}`);
  });

  it.each([
    ["log_sndbuf", "push"],
    ["log_rcvbuf", "pull"],
  ] as const)("%s is set on the log socket (read back; the effect is kernel-side)", async (option, role) => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" }, { managerPort: true });
    const name = role === "push" ? "worker-1" : "manager";
    const dflt = await t.start({ layout, name, options: { run_proxy_thread: false } });
    expect(dflt.socketOptions()[role]![option]).toBe(-1);
    await dflt.terminate();
    const node = await t.start({ layout, name, options: { run_proxy_thread: false, [option]: 262144 } });
    expect(node.socketOptions()[role]![option]).toBe(262144);
  });
});


