// The rest of the flat API that vectors do not reach: instance handles,
// peer queries, which events the core takes, and the log stream registry.

import { beforeAll, describe, expect, it } from "vitest";
import { CORE_BUILDS, loadBuild, type CoreApi } from "./builds";
import { drain } from "./outputs";

describe.each(CORE_BUILDS)("core API (%s build)", (build) => {
  let api: CoreApi;
  beforeAll(async () => {
    api = await loadBuild(build);
  });

  it("reports API version 1", () => {
    expect(api.coreApiVersion()).toBe(1);
  });

  it("keeps instances apart and reuses released handles", () => {
    const a = api.coreCreate("manager", "A");
    const b = api.coreCreate("manager", "B");
    expect(a).not.toBe(b);
    api.handleSubscription(a, "zeek.cluster.worker", 0);
    expect(drain(api, b)).toEqual([]);
    expect(drain(api, a)).toEqual([{ kind: "subscription", topic: "zeek.cluster.worker" }]);
    api.coreDestroy(a);
    const c = api.coreCreate("manager", "C");
    expect(c).toBe(a);
    // A fresh instance: the topic is new to it.
    api.handleSubscription(c, "zeek.cluster.worker", 0);
    expect(drain(api, c)).toEqual([{ kind: "subscription", topic: "zeek.cluster.worker" }]);
    api.coreDestroy(b);
    api.coreDestroy(c);
  });

  it("handleHelloEvent takes exactly the two hello events", () => {
    const h = api.coreCreate("manager", "M");
    api.addNode(h, "worker-1", 4, "", 0);
    expect(api.handleHelloEvent(h, "Cluster::Backend::ZeroMQ::hello", "worker-1", "W1", 0)).toBe(true);
    expect(api.handleHelloEvent(h, "Cluster::hello", "worker-1", "W1", 0)).toBe(true);
    expect(api.handleHelloEvent(h, "Cluster::node_up", "worker-1", "W1", 0)).toBe(false);
    expect(api.handleHelloEvent(h, "Cluster::Backend::ZeroMQ::subscription", "worker-1", "W1", 0)).toBe(false);
    expect(drain(api, h)).toEqual([
      { kind: "node_up", name: "worker-1", id: "W1" },
      { kind: "cluster_log", message: "got hello from worker-1 (W1)" },
    ]);
    api.coreDestroy(h);
  });

  it("peerId and peersUp follow node_up and node_down", () => {
    const h = api.coreCreate("manager", "M");
    for (const [n, t] of [["manager", 1], ["worker-1", 4], ["worker-2", 4]] as const) api.addNode(h, n, t, "", 0);
    expect(api.peersUp(h)).toBe(0);
    api.handleHelloEvent(h, "Cluster::hello", "worker-1", "W1", 0);
    api.handleHelloEvent(h, "Cluster::hello", "worker-2", "W2", 0);
    expect(api.peersUp(h)).toBe(2);
    expect(api.peerId(h, "worker-1")).toBe("W1");
    expect(api.peerId(h, "manager")).toBe("");
    expect(api.peerId(h, "nope")).toBe("");
    api.handleUnsubscription(h, "zeek.cluster.nodeid.W1.", 1);
    expect(api.peersUp(h)).toBe(1);
    expect(api.peerId(h, "worker-1")).toBe("");
    // A node added after start-up still takes part.
    api.addNode(h, "worker-3", 4, "", 0);
    api.handleHelloEvent(h, "Cluster::hello", "worker-3", "W3", 2);
    expect(api.peerId(h, "worker-3")).toBe("W3");
    expect(api.peersUp(h)).toBe(2);
    api.coreDestroy(h);
  });

  it("registers one buffer per (stream, filter, path, writer)", () => {
    const h = api.coreCreate("worker-1", "W1");
    const a = api.registerLogStream(h, "Conn::LOG", "default", "conn", "Log::WRITER_ASCII");
    const b = api.registerLogStream(h, "Conn::LOG", "default", "conn", "Log::WRITER_ASCII");
    const c = api.registerLogStream(h, "Conn::LOG", "default", "conn-2", "Log::WRITER_ASCII");
    const d = api.registerLogStream(h, "Conn::LOG", "other", "conn", "Log::WRITER_ASCII");
    const e = api.registerLogStream(h, "Conn::LOG", "default", "conn", "Log::WRITER_NONE");
    expect(a).toBe(b);
    expect(new Set([a, c, d, e]).size).toBe(4);
    expect([0, 1, 2, 3].map((f) => api.logStreamField(h, c, f))).toEqual(["Conn::LOG", "default", "conn-2", "Log::WRITER_ASCII"]);
    expect(api.logStreamField(h, 99, 0)).toBe("");
    api.coreDestroy(h);
  });

  it("logWrite refuses unknown keys and counts written records", () => {
    const h = api.coreCreate("worker-1", "W1");
    api.setLogBatching(h, 2, 1000);
    const k = api.registerLogStream(h, "Conn::LOG", "default", "conn", "Log::WRITER_ASCII");
    expect(api.logWrite(h, k + 1, 0)).toBe(false);
    expect(api.logWrite(h, -1, 0)).toBe(false);
    expect(drain(api, h)).toEqual([]);
    expect(api.logWrite(h, k, 0)).toBe(true);
    expect(api.logWrite(h, k, 1)).toBe(true);
    expect(api.logWrite(h, k, 2)).toBe(true);
    expect(api.counter(h, 4)).toBe(3);
    expect(drain(api, h)).toEqual([{ kind: "log_batch", key: k, count: 2 }]);
    api.coreDestroy(h);
  });
});
