// testing/btest/cluster/generic/logging-rr.zeek on ZeroMQ (layout
// two-loggers): log batches are spread round-robin over two loggers. Each
// logger receives more than 10 rr2.log records from each of the two workers,
// and their union is exactly c = 0..99 from both workers.
import { expect, it } from "vitest";
import { layout } from "./harness/layouts";
import { ClusterRun } from "./harness/run";

const WORKERS = ["worker-1", "worker-2"];

it("logging-rr", async () => {
  const run = await ClusterRun.start({
    name: "logging-rr",
    // Upstream's two-loggers layout also lists a proxy the test never starts.
    layout: await layout(
      { manager: "manager", "logger-1": "logger", "logger-2": "logger", "worker-1": "worker", "worker-2": "worker" },
      { zeromq: { write_buffer_size: 7, flush_interval: 0.03 } },
    ),
    scripts: ["logging-rr.mjs"],
  });
  const exit = await run.waitForExit();
  const union: string[] = [];
  for (const logger of ["logger-1", "logger-2"]) {
    const records = run.readLog(`logs/${logger}/rr2.log`);
    for (const w of WORKERS) {
      expect([logger, w, records.filter((r) => r.from === w).length > 10]).toEqual([logger, w, true]);
    }
    union.push(...records.map((r) => `${String(r.c)}\t${String(r.from)}`));
  }
  const all = Array.from({ length: 100 }, (_, c) => WORKERS.map((w) => `${c}\t${w}`)).flat();
  expect(union.sort()).toEqual(all.sort());
  expect(exit).toEqual({ code: 0, signal: null });
});
