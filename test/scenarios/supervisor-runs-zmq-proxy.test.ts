// testing/btest/cluster/zeromq/supervisor-runs-zmq-proxy.zeek: the
// supervisor (`cluster --proxy supervisor`) hosts the broker; the five
// supervised nodes run no broker (run_proxy_thread=F). hello_expiration is
// 1 s, so any half-finished handshake — e.g. a supervisor taking part in
// the hello logic — would warn `Expired ...` within the test. Once the
// logger's cluster.log has the 20 `got hello` lines the supervisor is sent
// SIGTERM, and worker-1's stderr holds only `received termination signal`.
import { expect, it } from "vitest";
import { SIMPLE, layout } from "./harness/layouts";
import { FIVE, expectHelloLog } from "./harness/logging-baseline";
import { ClusterRun } from "./harness/run";

const HELLO_EXPIRATION_S = 1;

it("supervisor-runs-zmq-proxy", async () => {
  const run = await ClusterRun.start({
    name: "supervisor-runs-zmq-proxy",
    layout: await layout(SIMPLE, { zeromq: { hello_expiration: HELLO_EXPIRATION_S, flush_interval: 0.01 } }),
    proxy: "supervisor",
  });
  await run.waitForLine("supervisor", /^broker listening: /);
  await run.waitForFile("logs/cluster.log", (t) => (t.match(/"got hello from /g) ?? []).length >= 20, "20 got hello lines");
  // The absence of expiry warnings is only meaningful once every entry that
  // could expire has had the time to: wait (bounded, on the clock, as
  // upstream's check script does with `sleep 1`) until hello_expiration has
  // passed since the last node came up, plus the core's expiry granularity.
  const lastHello = Date.now();
  await run.waitFor(() => Date.now() - lastHello > HELLO_EXPIRATION_S * 1000 + 500, "the hello expiration window to pass");
  run.signal("SIGTERM");
  const exit = await run.waitForExit();

  expectHelloLog(run, FIVE);
  expect(run.stderr("worker-1")).toEqual(["received termination signal"]);
  expect(run.lines.filter((l) => /Expired|warning/i.test(l.text))).toEqual([]);
  for (const n of FIVE) expect(run.stderr(n)).toEqual(["received termination signal"]);
  expect(exit).toEqual({ code: 0, signal: null });
});
