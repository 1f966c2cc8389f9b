// testing/btest/cluster/zeromq/ipv6-error.zeek: manager and logger on ::1
// with ipv6=F (the default). Binding an IPv6 endpoint without ZMQ_IPV6
// fails, with upstream's two lines on stderr: the manager's broker cannot
// bind its XPUB, the logger cannot bind its log PULL.
//
// Upstream starts each node on its own (btest-bg-run, not a supervisor), so
// this runs `zmq-cluster run --node <name>` per node: a supervisor would
// restart a failing node, which is not what upstream's test looks at.
import { createServer } from "node:net";
import { expect, it } from "vitest";
import { SIMPLE, layout } from "./harness/layouts";
import { ClusterRun } from "./harness/run";

const hasIpv6Loopback = await new Promise<boolean>((resolve) => {
  const srv = createServer();
  srv.once("error", () => resolve(false));
  srv.listen(0, "::1", () => srv.close(() => resolve(true)));
});
if (!hasIpv6Loopback) console.log("ipv6-error: SKIPPED — this machine cannot listen on ::1 (upstream requires can-listen-tcp 6 ::1)");

// Upstream's canonifier: the endpoint, libzmq's message and errno become "...".
const canonify = (lines: string[]) =>
  lines.map((l) => l.replace(/^error: ZeroMQ: Failed to bind (\S+) socket tcp:\/\/\[::1\]:\d+:.*$/, "error: ZeroMQ: Failed to bind $1 socket..."));

it.skipIf(!hasIpv6Loopback)("ipv6-error", async () => {
  const lay = await layout(
    { manager: SIMPLE.manager, logger: SIMPLE.logger },
    { ip: "::1", managerIsLogger: false, zeromq: { ipv6: false } },
  );
  const manager = await ClusterRun.start({ name: "ipv6-error", command: "run", node: "manager", layout: lay });
  const logger = await ClusterRun.start({ name: "ipv6-error", command: "run", node: "logger", layout: lay, dir: manager.dir });
  const [managerExit, loggerExit] = await Promise.all([manager.waitForExit(), logger.waitForExit()]);

  // Upstream's lines end "fatal error in <...>/main.zeek, line xxx: ..."
  // (Reporter::fatal in a script); ours come from the command, with no
  // script location to give.
  expect(canonify(manager.unprefixed("err"))).toEqual([
    "error: ZeroMQ: Failed to bind xpub socket...",
    "fatal error: Failed to spawn ZeroMQ proxy thread",
  ]);
  expect(canonify(logger.unprefixed("err"))).toEqual([
    "error: ZeroMQ: Failed to bind pull socket...",
    "fatal error: Failed initialize ZeroMQ backend",
  ]);
  expect(managerExit).toEqual({ code: 1, signal: null });
  expect(loggerExit).toEqual({ code: 1, signal: null });
});
