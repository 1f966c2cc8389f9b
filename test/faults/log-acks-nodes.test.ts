// Acknowledged log delivery between real nodes in this process: the
// decisions a sender makes about a logger that stops first, a logger that
// never acknowledges, and a logger that comes back. (Killing a logger -9 and
// restarting it from its journal is the fault suite's logger-kill scenario.)
import * as zmq from "zeromq";
import { describe, expect, it } from "vitest";
import type { ClusterNode, NodeCounters } from "../../adapters/node/index";
import { codec } from "../../adapters/node/wire";
import { makeLayout } from "../helpers/cluster";
import { logsUntil, trackNodes } from "../helpers/nodes";
import { freePorts } from "../helpers/ports";
import { waitFor } from "../helpers/wait";

const t = trackNodes();

/** Poll `check` every 20 ms until it holds; reject after `ms` saying what was seen. */
async function until(check: () => boolean, what: string, seen: () => unknown, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; seen: ${JSON.stringify(seen())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A worker whose handshake (and so its cluster.log records) is done and acknowledged: the counters to subtract. */
async function settledWorker(w: ClusterNode, peers: string[]): Promise<NodeCounters> {
  await until(() => peers.every((p) => w.peerId(p) !== undefined), "the handshake", () => peers.map((p) => w.peerId(p)));
  await until(() => w.counters().log_records_acked === w.counters().log_records_sent, "the cluster.log records acknowledged", () => w.counters());
  return w.counters();
}
const mine = (batches: { header: { stream: string }; records: unknown[][] }[]) => batches.filter((b) => b.header.stream === "Test::LOG").flatMap((b) => b.records);

describe("acknowledged log delivery between nodes", () => {
  it("everything a live logger wrote is acknowledged; the numbers add up", async () => {
    const layout = await makeLayout({ manager: "manager", logger: "logger", "worker-1": "worker" }, { zeromq: { write_buffer_size: 10, flush_interval: 0, log_acks: true } });
    const logger = await t.start({ layout, name: "logger" });
    await t.start({ layout, name: "manager" });
    const w = await t.start({ layout, name: "worker-1" });
    const base = await settledWorker(w, ["logger", "manager"]);
    for (let i = 0; i < 1000; i++) w.log("Test::LOG", { n: i });
    await logsUntil(logger, () => mine(t.reports(logger).logs).length === 1000, 10_000, "1000 records");
    await until(() => w.counters().log_records_acked - base.log_records_acked >= 1000, "the acknowledgements", () => w.counters());
    expect(w.logReceivers()).toEqual([
      { endpoint: expect.stringMatching(/^tcp:\/\/127\.0\.0\.1:\d+$/), connected: true, acknowledging: true, stopped: false, unacknowledged: 0 },
    ]);
    await w.terminate();
    const c = w.counters();
    expect(c.log_records_unconfirmed).toBe(0);
    expect(c.log_drops).toBe(0);
    expect(c.log_records_acked).toBe(c.log_records_sent);
    expect(c.log_records_acked - base.log_records_acked).toBeGreaterThanOrEqual(1000);
    expect(t.reports(w).errors).toEqual([]);
  });

  it("a logger that stops first says so: what it did not write is dropped and counted, without a line, and nobody waits", async () => {
    const layout = await makeLayout({ manager: "manager", logger: "logger", "worker-1": "worker" }, { zeromq: { write_buffer_size: 1, flush_interval: 0, log_acks: true } });
    const logger = await t.start({ layout, name: "logger" });
    await t.start({ layout, name: "manager" });
    const w = await t.start({ layout, name: "worker-1", options: { log_ack_timeout: 20 } });
    const base = await settledWorker(w, ["logger", "manager"]);
    w.log("Test::LOG", { n: 0 });
    await until(() => w.counters().log_records_acked === base.log_records_acked + 1, "the first record acknowledged", () => w.counters());
    await logger.terminate();
    // The logger's last word (its final acknowledgement) travels through the
    // broker; until it arrives the worker cannot know, and what it hands to
    // libzmq meanwhile is unconfirmed, not dropped.
    await until(() => w.logReceivers().some((r) => r.stopped), "the worker to hear that the logger stopped", () => w.logReceivers());
    for (let i = 1; i <= 5; i++) w.log("Test::LOG", { n: i });
    const t0 = performance.now();
    await w.terminate();
    // log_ack_timeout is 20 s: the stop did not wait for a logger that said it is gone.
    expect(performance.now() - t0).toBeLessThan(5000);
    const c = w.counters();
    // Its cluster.log "node down: logger" record is among the dropped ones.
    expect(c.log_records_acked - base.log_records_acked).toBe(1);
    expect(c.log_drops).toBeGreaterThanOrEqual(5);
    expect(c.log_records_acked + c.log_drops).toBe(c.log_records_sent + (c.log_drops - (c.log_records_sent - c.log_records_acked)));
    expect(c.log_records_sent - c.log_records_acked).toBe(c.log_drops);
    expect(c.log_records_unconfirmed).toBe(0);
    expect(t.reports(w).errors).toEqual([]);
    expect(mine(t.reports(logger).logs)).toHaveLength(1);
  });

  it("an endpoint that never acknowledges (a foreign logger) is served fire-and-forget after log_ack_timeout", async () => {
    const [port] = await freePorts(1);
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" }, { zeromq: { write_buffer_size: 1, flush_interval: 0, log_acks: true } });
    const pull = new zmq.Pull({ linger: 0 });
    t.cleanup(() => pull.close());
    await pull.bind(`tcp://127.0.0.1:${port}`);
    await t.start({ layout, name: "manager" });
    const w = await t.start({ layout, name: "worker-1", options: { connect_log_endpoints: [`tcp://127.0.0.1:${port}`], log_ack_timeout: 0.3, log_ack_window: 4 } });
    const got: number[] = [];
    void (async () => {
      try {
        for await (const frames of pull) {
          const b = codec.decodeLogBatch(frames[3]!);
          if (b.header.stream === "Test::LOG") for (const r of b.records) got.push(Number(r[0]));
        }
      } catch {
        /* closed */
      }
    })();
    for (let i = 0; i < 20; i++) w.log("Test::LOG", { n: i });
    await waitFor(w, "diagnostic", () => t.reports(w).diagnostics.some((d) => /has not acknowledged a log batch .* fire-and-forget/.test(d)), 10_000, "the fallback");
    await until(() => got.length >= 20, "20 records at the foreign logger", () => got);
    expect(got).toEqual([...Array(20).keys()]);
    await w.terminate();
    expect(w.counters()).toMatchObject({ log_drops: 0, log_records_unconfirmed: 0, log_records_acked: 0 });
  });

  it("log_acks=F: upstream's single PUSH, no numbers in the header", async () => {
    const [port] = await freePorts(1);
    const layout = await makeLayout({ "worker-1": "worker" }, { zeromq: { write_buffer_size: 1, flush_interval: 0, log_acks: false } });
    const pull = new zmq.Pull({ linger: 0 });
    t.cleanup(() => pull.close());
    await pull.bind(`tcp://127.0.0.1:${port}`);
    const w = await t.start({ layout, name: "worker-1", options: { connect_log_endpoints: [`tcp://127.0.0.1:${port}`] } });
    w.log("Test::LOG", { n: 1 });
    const frames = await pull.receive();
    expect(codec.decodeLogBatch(frames[3]!).delivery).toBeUndefined();
  });
});
