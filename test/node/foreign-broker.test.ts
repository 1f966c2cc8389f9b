// Our nodes through a broker that is not ours: libzmq's own zmq_proxy in a
// Python process (tools/python/proxy.py, pyzmq over Debian's libzmq 4.3.4),
// bound as Zeek's proxy thread binds (XPUB VERBOSER + NODROP).
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { count } from "../../adapters/node/codec/index";
import { makeLayout } from "../helpers/cluster";
import { PYTHON } from "../helpers/flood";
import { subscriptionSeen, trackNodes, waitAllUp } from "../helpers/nodes";
import { waitFor } from "../helpers/wait";

const t = trackNodes();
const proxyPy = fileURLToPath(new URL("../../tools/python/proxy.py", import.meta.url));

/** Start proxy.py; resolves once it printed "ready"; stopped with SIGTERM after the test. */
async function foreignProxy(xsub: string, xpub: string): Promise<ChildProcess> {
  const child = spawn(PYTHON, [proxyPy, xsub, xpub], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  t.cleanup(async () => {
    if (child.exitCode === null) child.kill("SIGTERM"); // default action: the process ends at once
    await exited;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy.py not ready after 10 s: ${err}`)), 10_000);
    child.stdout!.on("data", (d) => {
      if (String(d).includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`proxy.py exited ${code}: ${err}`));
    });
  });
  return child;
}

describe("a foreign broker (libzmq's zmq_proxy via pyzmq)", () => {
  it("two nodes reach node_up both ways, exchange events and see node_down through it", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" }, { zeromq: { run_proxy_thread: false } });
    const z = layout.zeromq!;
    const proxy = await foreignProxy(z.listen_xsub_endpoint!, z.listen_xpub_endpoint!);
    const manager = t.node({ layout, name: "manager" });
    const worker = t.node({ layout, name: "worker-1" });
    const got: bigint[] = [];
    manager.onEvent("Test::foreign", (n: bigint) => got.push(n));
    manager.subscribe("test.foreign");
    const seen = subscriptionSeen(worker, "test.foreign");
    await manager.start();
    await worker.start();
    await waitAllUp([manager, worker]);
    await seen;
    for (let i = 0; i < 100; i++) worker.publish("test.foreign", "Test::foreign", count(i));
    await waitFor(manager, "event", () => got.length === 100, 10_000, "100 events through the foreign proxy", () => got.length);
    expect(got.map(Number)).toEqual([...Array(100).keys()]);

    const downs: string[] = [];
    manager.on("node_down", (name: string) => downs.push(name));
    await worker.terminate();
    await waitFor(manager, "node_down", () => downs.includes("worker-1"), 10_000, "node_down worker-1");
    expect(proxy.exitCode).toBeNull();
  });
});
