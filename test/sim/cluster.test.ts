// The simulator's broker must behave like libzmq where the core depends on
// it, or the property test and the convergence benchmark prove nothing.
// These pin down each modelled rule on the JS build.

import { beforeAll, describe, expect, it } from "vitest";
import { loadBuild, type CoreApi } from "../core/builds";
import { SimCluster, XPUB_DOWN, XPUB_UP, XSUB_DOWN, XSUB_UP } from "./cluster";

let api: CoreApi;
beforeAll(async () => {
  api = await loadBuild("js");
});

const subs = (sim: SimCluster, name: string) => sim.node(name).log.filter((o) => o.kind === "subscription").map((o) => o.topic);
const unsubs = (sim: SimCluster, name: string) => sim.node(name).log.filter((o) => o.kind === "unsubscription").map((o) => o.topic);

describe("SimCluster", () => {
  it("brings two nodes up in either start order", () => {
    for (const order of [["manager", "worker-1"], ["worker-1", "manager"]]) {
      const sim = new SimCluster(api, [{ name: "manager", type: "manager" }, { name: "worker-1", type: "worker" }]);
      for (const n of order) sim.start(n);
      sim.drain();
      expect(sim.fullMesh()).toBe(true);
      expect(sim.node("manager").nodeUps).toEqual(new Map([["worker-1", 1]]));
      expect(sim.node("worker-1").nodeUps).toEqual(new Map([["manager", 1]]));
      sim.destroy();
    }
  });

  it("delivers every subscribe to every node, its own included, and replays to late joiners", () => {
    const sim = new SimCluster(api, [{ name: "worker-1", type: "worker" }, { name: "worker-2", type: "worker" }]);
    const w1 = sim.start("worker-1");
    sim.drain();
    expect(subs(sim, "worker-1")).toEqual(["zeek.cluster.pool.worker", "zeek.cluster.worker", `zeek.cluster.nodeid.${w1}.`, "zeek.cluster.node.worker-1."]);
    const w2 = sim.start("worker-2");
    sim.drain();
    // worker-2 got worker-1's topics replayed, then its own; the shared ones only once (core de-duplication).
    expect(subs(sim, "worker-2")).toEqual([
      "zeek.cluster.pool.worker",
      "zeek.cluster.worker",
      `zeek.cluster.nodeid.${w1}.`,
      "zeek.cluster.node.worker-1.",
      `zeek.cluster.nodeid.${w2}.`,
      "zeek.cluster.node.worker-2.",
    ]);
    sim.destroy();
  });

  it("passes an unsubscribe on only when the last subscriber anywhere leaves", () => {
    const sim = new SimCluster(api, [{ name: "a", type: "worker" }, { name: "b", type: "worker" }]);
    sim.start("a");
    sim.start("b");
    sim.drain();
    sim.subscribe("a", "t.");
    sim.subscribe("b", "t.");
    sim.drain();
    sim.unsubscribe("a", "t.");
    sim.drain();
    expect(unsubs(sim, "a")).toEqual([]); // b still subscribes
    sim.unsubscribe("b", "t.");
    sim.drain();
    expect(unsubs(sim, "a")).toEqual(["t."]);
    expect(unsubs(sim, "b")).toEqual(["t."]);
    sim.destroy();
  });

  it("counts references in each node's XSUB, as libzmq does", () => {
    const sim = new SimCluster(api, [{ name: "a", type: "worker" }]);
    sim.start("a");
    sim.drain();
    sim.subscribe("a", "u.");
    sim.subscribe("a", "u.");
    sim.drain();
    sim.unsubscribe("a", "u."); // swallowed by a's XSUB
    expect(sim.busyChannels()).toEqual([]);
    sim.unsubscribe("a", "u.");
    expect(sim.busyChannels()).toEqual([0 * 4 + XSUB_UP]);
    sim.drain();
    // Both subscribes went upstream but one unsubscribe did: the broker
    // XSUB still counts one, so nobody hears of the unsubscription.
    expect(unsubs(sim, "a")).toEqual([]);
    sim.destroy();
  });

  it("a stopped node's topics are unsubscribed and it goes down everywhere", () => {
    const sim = new SimCluster(api, ["manager", "w1", "w2"].map((name, i) => ({ name, type: i ? "worker" : "manager" })));
    sim.startAll();
    sim.drain();
    const id = sim.node("w2").id;
    sim.stop("w2");
    expect(sim.busyChannels().every((c) => (c & 3) === XPUB_DOWN)).toBe(true);
    sim.drain();
    for (const n of ["manager", "w1"]) {
      expect(unsubs(sim, n)).toEqual([`zeek.cluster.nodeid.${id}.`, "zeek.cluster.node.w2."]);
      expect(sim.node(n).nodeDowns).toEqual(new Map([["w2", 1]]));
      expect(sim.node(n).log.filter((o) => o.kind === "node_down")).toEqual([{ now: 0, kind: "node_down", name: "w2", id }]);
    }
    const id2 = sim.start("w2");
    sim.drain();
    expect(id2).not.toBe(id);
    expect(sim.fullMesh()).toBe(true);
    expect(sim.node("w1").warnings).toEqual([]);
    sim.destroy();
  });

  it("routes by prefix, never back to the sender, and filters on both sides", () => {
    const sim = new SimCluster(api, [{ name: "a", type: "worker" }, { name: "b", type: "worker" }, { name: "c", type: "proxy" }]);
    sim.startAll();
    sim.drain();
    const before = { ...sim.stats };
    // Every worker subscribes zeek.cluster.worker; c does not, and a never gets its own.
    sim.publish("a", "zeek.cluster.worker.extra", "Test::ping", ["x"]);
    sim.drain();
    expect(sim.node("b").otherEvents).toBe(1);
    expect(sim.node("a").otherEvents).toBe(0);
    expect(sim.node("c").otherEvents).toBe(0);
    // Nobody subscribes this: dropped by a's XPUB before it leaves.
    sim.publish("a", "nobody.listens", "Test::ping", ["x"]);
    expect(sim.idle()).toBe(true);
    expect(sim.stats.senderFiltered).toBe(before.senderFiltered + 1);
    // worker-1 vs worker-10 style: node topics end in a dot.
    sim.publish("c", "zeek.cluster.node.a.", "Test::ping", []);
    sim.drain();
    expect(sim.node("a").otherEvents).toBe(1);
    expect(sim.node("b").otherEvents).toBe(1);
    sim.destroy();
  });

  it("keeps a message routed to several nodes when one of them stops, and reuses message slots safely", () => {
    const sim = new SimCluster(api, [{ name: "a", type: "worker" }, { name: "b", type: "worker" }, { name: "c", type: "worker" }]);
    sim.startAll();
    sim.drain();
    sim.publish("a", "zeek.cluster.worker.x", "Test::ping", ["1", "2", "3"]);
    // The broker routes it to b and c (one shared message), then c stops with it queued.
    sim.deliver(0 * 4 + XPUB_UP);
    expect([...sim.busyChannels()].sort((x, y) => x - y)).toEqual([1 * 4 + XSUB_DOWN, 2 * 4 + XSUB_DOWN]);
    sim.stop("c");
    sim.drain();
    expect(sim.node("b").otherEvents).toBe(1);
    // c comes back: a full handshake again, through reused message slots.
    sim.start("c");
    sim.drain();
    expect(sim.fullMesh()).toBe(true);
    for (const n of ["a", "b", "c"]) expect(sim.node(n).warnings).toEqual([]);
    expect(sim.node("a").nodeUps).toEqual(new Map([["b", 1], ["c", 2]]));
    sim.publish("b", "zeek.cluster.worker", "Test::ping", []);
    sim.drain();
    expect([sim.node("a").otherEvents, sim.node("b").otherEvents, sim.node("c").otherEvents]).toEqual([1, 1, 1]);
    sim.destroy();
  });

  it("fires timers on the virtual clock", () => {
    const sim = new SimCluster(api, [{ name: "manager", type: "manager" }, { name: "w1", type: "worker" }], { helloExpirationMs: 500 });
    sim.start("manager");
    sim.start("w1");
    // Deliver only the subscription frames: no hello gets through before expiry.
    while (sim.busyChannels().some((c) => (c & 3) === XSUB_UP || (c & 3) === XPUB_DOWN)) {
      sim.deliver(sim.busyChannels().find((c) => (c & 3) === XSUB_UP || (c & 3) === XPUB_DOWN)!);
    }
    expect(sim.nextDeadline()).toBe(500);
    sim.advance(499);
    expect(sim.node("manager").warnings).toEqual([]);
    sim.advance(1);
    expect(sim.node("manager").warnings).toEqual([`Expired subscription from nodeid ${sim.node("w1").id}`]);
    expect(sim.node("w1").warnings).toEqual([`Expired subscription from nodeid ${sim.node("manager").id}`]);
    sim.drain();
    // The hellos arrive too late: each side now holds an unmatched hello, and nobody is up.
    expect(sim.totalNodeUps()).toBe(0);
    sim.advance(500);
    expect(sim.node("manager").warnings[1]).toBe(`Expired hello from nodeid ${sim.node("w1").id}`);
    sim.destroy();
  });
});
