// Property tests over simulated clusters (test/sim/cluster.ts): 2..8 cores per
// build behind a libzmq-like fake broker, with fast-check choosing the start
// order, which in-flight message is delivered next and when the virtual
// clock jumps (firing hello expiries).
//
// (a) the JS and Wasm builds produce identical output sequences for the
//     same schedule;
// (b) a peer whose Cluster::hello reached a node (it completed both halves
//     of the handshake) is node_up exactly once there, with its id, and no
//     other peer is; expiries are the only warnings;
// (c) with no expiry before completion, the cluster converges to a full
//     mesh (N*(N-1) node_ups, nothing left pending), and a node that leaves
//     and comes back as a new instance goes down and up again everywhere.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { runScenario as run, scenarioArb } from "../sim/schedule";
import { loadBuild, type CoreApi } from "./builds";

const EXPIRY = /^Expired (subscription|hello) from nodeid zeromq_/;

describe("simulated clusters", () => {
  let js: CoreApi;
  let wasm: CoreApi;
  beforeAll(async () => {
    js = await loadBuild("js");
    wasm = await loadBuild("wasm");
  });

  it("(a) JS and Wasm builds produce identical outputs for the same schedule", () => {
    fc.assert(
      fc.property(scenarioArb({ maxTick: 4000, maxActions: 150, expirations: [1000, 3000, 10000] }), (s) => {
        const a = run(js, s);
        const b = run(wasm, s);
        try {
          expect(b.nodes.map((n) => n.log)).toEqual(a.nodes.map((n) => n.log));
          expect(b.stats).toEqual(a.stats);
          expect(a.nodes.some((n) => n.log.length > 0)).toBe(true);
        } finally {
          a.destroy();
          b.destroy();
        }
      }),
      { numRuns: 150 },
    );
  });

  describe.each([
    ["js", () => js],
    ["wasm", () => wasm],
  ] as const)("%s build", (_build, getApi) => {
    it("(b) a peer is node_up exactly once where its Cluster::hello arrived, and nowhere else", () => {
      fc.assert(
        fc.property(scenarioArb({ maxTick: 6000, maxActions: 150, expirations: [1000, 3000, 10000] }), (s) => {
          const sim = run(getApi(), s);
          try {
            let warnings = 0;
            for (const node of sim.nodes) {
              expect(node.errors).toEqual([]);
              for (const w of node.warnings) expect(w).toMatch(EXPIRY);
              warnings += node.warnings.length;
              expect(node.nodeDowns.size).toBe(0);
              for (const peer of sim.nodes) {
                if (peer === node) continue;
                const hellos = node.clusterHellosFrom.get(peer.name) ?? 0;
                const ups = node.nodeUps.get(peer.name) ?? 0;
                expect(hellos).toBeLessThanOrEqual(1);
                expect(ups).toBe(hellos);
                expect(sim.api.peerId(node.handle, peer.name)).toBe(ups ? peer.id : "");
                const upLog = node.log.filter((o) => o.kind === "node_up" && o.name === peer.name);
                expect(upLog.map((o) => o.id)).toEqual(ups ? [peer.id] : []);
              }
              expect(node.nodeUps.has(node.name)).toBe(false);
            }
            // No expiry before completion: nothing may be missing.
            if (warnings === 0) expect(sim.totalNodeUps()).toBe(sim.nodes.length * (sim.nodes.length - 1));
          } finally {
            sim.destroy();
          }
        }),
        { numRuns: 150 },
      );
    });

    it("(c) without expiry the cluster converges to a full mesh, and a restarted node goes down and up again", () => {
      // 60 actions of at most 100 ms stay far below hello_expiration.
      fc.assert(
        fc.property(scenarioArb({ maxTick: 100, maxActions: 60, expirations: [10000] }), fc.nat(), (s, victimPick) => {
          const sim = run(getApi(), s);
          const api = sim.api;
          const n = sim.nodes.length;
          try {
            expect(sim.fullMesh()).toBe(true);
            expect(sim.totalNodeUps()).toBe(n * (n - 1));
            for (const node of sim.nodes) {
              expect(node.warnings).toEqual([]);
              expect(node.errors).toEqual([]);
              expect(api.peersUp(node.handle)).toBe(n - 1);
              // Every handshake half was matched: no deadline left.
              expect(api.pollTimeout(node.handle)).toBe(-1);
              const published = node.log.filter((o) => o.kind === "publish");
              expect(published.filter((o) => o.event === "Cluster::Backend::ZeroMQ::hello")).toHaveLength(n - 1);
              expect(published.filter((o) => o.event === "Cluster::hello")).toHaveLength(n - 1);
              const gotHello = node.log.filter((o) => o.kind === "cluster_log" && String(o.message).startsWith("got hello from "));
              expect(gotHello).toHaveLength(n - 1);
            }

            // One node exits (its connections drop) and comes back as a new instance.
            const victim = sim.nodes[victimPick % n];
            const oldId = victim.id;
            sim.stop(victim.name);
            sim.drain();
            for (const node of sim.nodes) {
              if (node === victim) continue;
              expect(node.nodeDowns.get(victim.name)).toBe(1);
              expect(node.log.filter((o) => o.kind === "node_down")).toEqual([{ now: sim.now, kind: "node_down", name: victim.name, id: oldId }]);
              expect(node.log.filter((o) => o.kind === "cluster_log" && o.message === `node down: ${victim.name}`)).toHaveLength(1);
              expect(api.peersUp(node.handle)).toBe(n - 2);
            }
            sim.start(victim.name);
            sim.drain();
            expect(sim.fullMesh()).toBe(true);
            for (const node of sim.nodes) {
              // A clean exit never looks like "never said goodbye".
              expect(node.warnings).toEqual([]);
              expect(node.errors).toEqual([]);
              expect(api.peersUp(node.handle)).toBe(n - 1);
              if (node !== victim) expect(node.nodeUps.get(victim.name)).toBe(2);
            }
          } finally {
            sim.destroy();
          }
        }),
        { numRuns: 150 },
      );
    });
  });
});
