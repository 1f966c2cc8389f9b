// The Node adapter on the raw-ABI core: `core: "wasm-abi"` runs
// build/core.wasm through its zc_* exports only, over real libzmq sockets,
// next to a node on the js core.

import { afterEach, describe, expect, it } from "vitest";
import { ClusterNode } from "../../adapters/node/index";
import { makeLayout } from "../helpers/cluster";
import { waitFor } from "../helpers/wait";

const nodes: ClusterNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.terminate()));
});

describe("a node with core: wasm-abi", () => {
  it("completes the handshake with a js-core node both ways and sees it leave", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    const ups: string[] = [];
    const manager = new ClusterNode({ layout, name: "manager", core: "wasm-abi" });
    const worker = new ClusterNode({ layout, name: "worker-1", core: "js" });
    nodes.push(manager, worker);
    manager.on("node_up", (name) => ups.push(`manager saw ${name}`));
    worker.on("node_up", (name) => ups.push(`worker-1 saw ${name}`));
    await manager.start();
    await worker.start();
    await waitFor(manager, "node_up", () => ups.includes("manager saw worker-1"), 10_000, "manager's node_up", () => ups);
    await waitFor(worker, "node_up", () => ups.includes("worker-1 saw manager"), 10_000, "worker-1's node_up", () => ups);
    expect(manager.peerId("worker-1")).toBe(worker.nodeId);

    const downs: string[] = [];
    manager.on("node_down", (name, id) => downs.push(`${name} ${id}`));
    await worker.terminate();
    await waitFor(manager, "node_down", () => downs.length === 1, 10_000, "node_down", () => downs);
    expect(downs).toEqual([`worker-1 ${worker.nodeId}`]);
  });
});
