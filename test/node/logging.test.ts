// Remote logging with real sockets: workers' PUSH to loggers' PULL, batched
// by Log::write_buffer_size and Log::flush_interval, round-robin across
// loggers, and flushed by an orderly stop.
import { describe, expect, it } from "vitest";
import { count } from "../../adapters/node/codec/index";
import { makeLayout } from "../helpers/cluster";
import { logsUntil, records, trackNodes, waitForAny } from "../helpers/nodes";

const t = trackNodes();

describe("remote logging", () => {
  it("logs from two workers reach the logger, batched by write_buffer_size", async () => {
    const layout = await makeLayout(
      { manager: "manager", logger: "logger", "worker-1": "worker", "worker-2": "worker" },
      { zeromq: { write_buffer_size: 5, flush_interval: 0 } },
    );
    const logger = await t.start({ layout, name: "logger" });
    await t.start({ layout, name: "manager" });
    const w1 = await t.start({ layout, name: "worker-1" });
    const w2 = await t.start({ layout, name: "worker-2" });
    const r = t.reports(logger);
    const mine = () => r.logs.filter((b) => b.header.stream === "Test::LOG");
    for (let i = 0; i < 10; i++) {
      w1.log("Test::LOG", { n: count(i), who: "worker-1" });
      w2.log("Test::LOG", { n: count(i), who: "worker-2" });
    }
    await logsUntil(logger, () => mine().length === 4, 10_000, "4 batches of Test::LOG", () => mine().length);
    expect(mine().map((b) => b.records.length)).toEqual([5, 5, 5, 5]);
    const rows = mine().flatMap((b) => b.records.map((rec) => `${b.sender === w1.nodeId ? "w1" : "w2"} ${rec[1]} ${rec[0]}`));
    for (const who of ["worker-1", "worker-2"]) {
      const n = rows.filter((row) => row.includes(` ${who} `)).map((row) => Number(row.split(" ")[2]));
      expect(n.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(mine()[0].header).toMatchObject({ stream: "Test::LOG", path: "test", filter: "default", writer: "Log::WRITER_ASCII" });
    expect(mine()[0].header.fields.map((f) => `${f.name}:${f.type}`)).toEqual(["n:count", "who:string"]);
    expect(logger.counters().log_records_received).toBeGreaterThanOrEqual(20);
    expect(w1.counters().log_records_sent).toBeGreaterThanOrEqual(10);
  });

  it("write_buffer_size=10 sends batches of 10 (the rest at shutdown)", async () => {
    const layout = await makeLayout(
      { logger: "logger", "worker-1": "worker" },
      { zeromq: { write_buffer_size: 10, flush_interval: 0 } },
    );
    const logger = await t.start({ layout, name: "logger" });
    const worker = await t.start({ layout, name: "worker-1" });
    const r = t.reports(logger);
    const mine = () => r.logs.filter((b) => b.header.stream === "Test::LOG");
    for (let i = 0; i < 25; i++) worker.log("Test::LOG", { n: count(i) });
    await logsUntil(logger, () => mine().length === 2, 10_000, "two full batches", () => mine().map((b) => b.records.length));
    // With no flush timer, the last 5 wait for a full batch or the stop.
    await worker.terminate();
    await logsUntil(logger, () => mine().length === 3, 10_000, "the shutdown batch", () => mine().map((b) => b.records.length));
    expect(mine().map((b) => b.records.length)).toEqual([10, 10, 5]);
    expect(mine().flatMap((b) => b.records.map((rec) => Number(rec[0])))).toEqual([...Array(25).keys()]);
  });

  it("flush_interval sends a partial batch once the interval has passed", async () => {
    const layout = await makeLayout({ logger: "logger", "worker-1": "worker" }, { zeromq: { write_buffer_size: 1000, flush_interval: 0.3 } });
    const logger = await t.start({ layout, name: "logger" });
    const worker = await t.start({ layout, name: "worker-1" });
    const r = t.reports(logger);
    const mine = () => r.logs.filter((b) => b.header.stream === "Test::LOG");
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) worker.log("Test::LOG", { n: count(i) });
    await logsUntil(logger, () => mine().length === 1, 10_000, "the timed batch");
    const elapsed = performance.now() - t0;
    expect(mine()[0].records.length).toBe(3);
    // Not before the interval (the timer is the only reason it was sent).
    expect(elapsed).toBeGreaterThanOrEqual(290);
  });

  it("two loggers share the load (PUSH round-robin) and together get every record", async () => {
    const layout = await makeLayout(
      { "logger-1": "logger", "logger-2": "logger", "worker-1": "worker" },
      { zeromq: { write_buffer_size: 1, flush_interval: 0 } },
    );
    const l1 = await t.start({ layout, name: "logger-1" });
    const l2 = await t.start({ layout, name: "logger-2" });
    const worker = await t.start({ layout, name: "worker-1" });
    const got = (n: typeof l1) => records(t.reports(n)).map((rec) => Number(rec[0]));
    const total = () => got(l1).length + got(l2).length;
    for (let i = 0; i < 40; i++) worker.log("Test::LOG", { n: count(i) });
    await waitForAny([l1, l2], "log", () => total() === 40, 10_000, "40 records over both loggers", () => [got(l1), got(l2)]);
    expect(total()).toBe(40);
    expect(got(l1).length).toBeGreaterThan(0);
    expect(got(l2).length).toBeGreaterThan(0);
    expect([...got(l1), ...got(l2)].sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
  });

  it("terminate() flushes pending log batches: the logger gets every record written before it", async () => {
    const layout = await makeLayout({ logger: "logger", "worker-1": "worker" }, { zeromq: { write_buffer_size: 1000, flush_interval: 0 } });
    const logger = await t.start({ layout, name: "logger" });
    const worker = await t.start({ layout, name: "worker-1" });
    for (let i = 0; i < 123; i++) worker.log("Test::LOG", { n: count(i), s: "x".repeat(100) });
    for (let i = 0; i < 7; i++) worker.log("Other::LOG", { m: count(i) });
    await worker.terminate();
    const r = t.reports(logger);
    const of = (s: string) => r.logs.filter((b) => b.header.stream === s).flatMap((b) => b.records.map((rec) => Number(rec[0])));
    await logsUntil(logger, () => of("Test::LOG").length === 123 && of("Other::LOG").length === 7, 10_000, "every record", () => [
      of("Test::LOG").length,
      of("Other::LOG").length,
    ]);
    expect(of("Test::LOG")).toEqual([...Array(123).keys()]);
    expect(of("Other::LOG")).toEqual([...Array(7).keys()]);
    expect(worker.counters()).toMatchObject({ log_records_sent: 130, log_drops: 0 });
  });

  it("with manager_is_logger the manager receives the logs (and logs locally)", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" }, { managerPort: true, zeromq: { flush_interval: 0.05 } });
    const manager = await t.start({ layout, name: "manager" });
    const worker = await t.start({ layout, name: "worker-1" });
    worker.log("Test::LOG", { from: "worker" });
    manager.log("Test::LOG", { from: "manager" });
    const r = t.reports(manager);
    const from = () => r.logs.filter((b) => b.header.stream === "Test::LOG").flatMap((b) => b.records.map((rec) => rec[0]));
    await logsUntil(manager, () => from().length === 2, 10_000, "both records on the manager", from);
    expect(from().sort()).toEqual(["manager", "worker"]);
  });
});
