// testing/btest/cluster/zeromq/ipv6-logging.zeek: logging.zeek with every
// node on ::1 and ipv6=T, so the broker, connect and log endpoints are all
// tcp://[::1]:port (regression #4586). Same baselines as logging.
import { createServer } from "node:net";
import { expect, it } from "vitest";
import { SIMPLE, layout } from "./harness/layouts";
import { expectLoggingBaseline } from "./harness/logging-baseline";
import { ClusterRun } from "./harness/run";

// Upstream: @TEST-REQUIRES: can-listen-tcp 6 ::1. The only reason to skip.
const hasIpv6Loopback = await new Promise<boolean>((resolve) => {
  const srv = createServer();
  srv.once("error", () => resolve(false));
  srv.listen(0, "::1", () => srv.close(() => resolve(true)));
});
if (!hasIpv6Loopback) console.log("ipv6-logging: SKIPPED — this machine cannot listen on ::1 (upstream requires can-listen-tcp 6 ::1)");

it.skipIf(!hasIpv6Loopback)("ipv6-logging", async () => {
  const lay = await layout(SIMPLE, { ip: "::1", zeromq: { ipv6: true, flush_interval: 0.01 } });
  expect(lay.zeromq?.listen_xpub_endpoint).toMatch(/^tcp:\/\/\[::1\]:\d+$/);
  const run = await ClusterRun.start({ name: "ipv6-logging", layout: lay, scripts: ["logging.mjs"] });
  const exit = await run.waitForExit();
  expectLoggingBaseline(run);
  expect(exit).toEqual({ code: 0, signal: null });
});
