import { afterEach, describe, expect, it } from "vitest";
import { ClusterNode, startNode } from "../../adapters/node/index";
import { makeLayout } from "../helpers/cluster";
import { waitFor } from "../helpers/wait";

const nodes: ClusterNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.terminate()));
});

describe.each(["js", "wasm"] as const)("two nodes (%s core)", (core) => {
  it("reach node_up both ways, then node_down after one exits", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    const ups: string[] = [];
    const manager = new ClusterNode({ layout, name: "manager", core });
    const worker = new ClusterNode({ layout, name: "worker-1", core });
    nodes.push(manager, worker);
    manager.on("node_up", (name) => ups.push(`manager saw ${name}`));
    worker.on("node_up", (name) => ups.push(`worker-1 saw ${name}`));
    await manager.start();
    await worker.start();
    const has = (line: string) => () => ups.includes(line);
    await waitFor(manager, "node_up", has("manager saw worker-1"), 10_000, "manager's node_up", () => ups);
    await waitFor(worker, "node_up", has("worker-1 saw manager"), 10_000, "worker-1's node_up", () => ups);
    expect(ups.sort()).toEqual(["manager saw worker-1", "worker-1 saw manager"]);
    expect(manager.peerId("worker-1")).toBe(worker.nodeId);

    const downs: string[] = [];
    manager.on("node_down", (name, id) => downs.push(`${name} ${id}`));
    await worker.terminate();
    await waitFor(manager, "node_down", () => downs.length === 1, 10_000, "node_down", () => downs);
    expect(downs).toEqual([`worker-1 ${worker.nodeId}`]);
  });
});
