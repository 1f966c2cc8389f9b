// Topic helpers (zeek-zeromq.md §6): node and node-id topics end in a dot so
// that prefix matching never confuses worker-1 with worker-10 (upstream PR
// #4283); node ids may contain dots (FQDN host names).

import { beforeAll, describe, expect, it } from "vitest";
import { CORE_BUILDS, loadBuild, type CoreApi } from "./builds";

const NODE_MANAGER = 1;
const NODE_LOGGER = 2;
const NODE_PROXY = 3;
const NODE_WORKER = 4;

describe.each(CORE_BUILDS)("topics (%s build)", (build) => {
  let api: CoreApi;
  let h: number;
  beforeAll(async () => {
    api = await loadBuild(build);
    h = api.coreCreate("manager", "zeromq_manager_host_1_NA");
    return () => api.coreDestroy(h);
  });

  it("nodeTopic and nodeidTopic end in a dot", () => {
    expect(api.nodeTopic(h, "worker-1")).toBe("zeek.cluster.node.worker-1.");
    expect(api.nodeidTopic(h, "zeromq_worker-1_host_2_NB")).toBe("zeek.cluster.nodeid.zeromq_worker-1_host_2_NB.");
  });

  it("isolates worker-1 from worker-10 under prefix matching", () => {
    const t1 = api.nodeTopic(h, "worker-1");
    const t10 = api.nodeTopic(h, "worker-10");
    expect(t10.startsWith(t1)).toBe(false);
    expect(t1.startsWith(t10)).toBe(false);
    const i1 = api.nodeidTopic(h, "zeromq_worker-1_h_7_N1");
    const i10 = api.nodeidTopic(h, "zeromq_worker-1_h_7_N10");
    expect(i10.startsWith(i1)).toBe(false);
  });

  it("parseNodeidTopic inverts nodeidTopic, dots in the id included", () => {
    for (const id of [
      "zeromq_worker-1_host_4711_NwrZBf1q3FkxySjt2a",
      "zeromq_worker-2_w2.dc1.example.org_31337_NqW3",
      "zeromq__host_1_N",
      "a.b.c.",
      "x",
    ]) {
      expect(api.parseNodeidTopic(h, api.nodeidTopic(h, id))).toBe(id);
    }
  });

  it("parseNodeidTopic drops the last character like upstream's [:-1]", () => {
    expect(api.parseNodeidTopic(h, "zeek.cluster.nodeid.abc")).toBe("ab");
    expect(api.parseNodeidTopic(h, "zeek.cluster.nodeid.a")).toBe("");
    expect(api.parseNodeidTopic(h, "zeek.cluster.nodeid.")).toBe("");
  });

  it("parseNodeidTopic is empty for other topics", () => {
    for (const t of [
      "zeek.cluster.nodeid",
      "zeek.cluster.nodeidx.abc.",
      "zeek.cluster.node.worker-1.",
      "zeek.cluster.worker",
      "zeek/cluster/nodeid/abc/",
      "xzeek.cluster.nodeid.abc.",
      "",
    ]) {
      expect(api.parseNodeidTopic(h, t), t).toBe("");
    }
  });

  it("role and pool topics", () => {
    expect(api.roleTopicOf(NODE_MANAGER)).toBe("zeek.cluster.manager");
    expect(api.roleTopicOf(NODE_LOGGER)).toBe("zeek.cluster.logger");
    expect(api.roleTopicOf(NODE_PROXY)).toBe("zeek.cluster.proxy");
    expect(api.roleTopicOf(NODE_WORKER)).toBe("zeek.cluster.worker");
    expect(api.roleTopicOf(0)).toBe("");
    expect(api.poolTopicOf(NODE_MANAGER)).toBe("");
    expect(api.poolTopicOf(NODE_LOGGER)).toBe("zeek.cluster.pool.logger");
    expect(api.poolTopicOf(NODE_PROXY)).toBe("zeek.cluster.pool.proxy");
    expect(api.poolTopicOf(NODE_WORKER)).toBe("zeek.cluster.pool.worker");
  });

  it("readyProbeTopic is <internal prefix><node id>.<n>.", () => {
    expect(api.readyProbeTopic(h, 1)).toBe("zeek.zeromq.internal.zeromq_manager_host_1_NA.1.");
    expect(api.readyProbeTopic(h, 42)).toBe("zeek.zeromq.internal.zeromq_manager_host_1_NA.42.");
  });

  it("custom prefixes apply to every helper of that instance only", () => {
    const c = api.coreCreate("worker-1", "W1");
    try {
      api.setTopicPrefixes(c, "acme.node", "acme.nodeid");
      expect(api.nodeTopic(c, "worker-1")).toBe("acme.node.worker-1.");
      expect(api.nodeidTopic(c, "W1")).toBe("acme.nodeid.W1.");
      expect(api.parseNodeidTopic(c, "acme.nodeid.W2.")).toBe("W2");
      expect(api.parseNodeidTopic(c, "zeek.cluster.nodeid.W2.")).toBe("");
      expect(api.nodeTopic(h, "worker-1")).toBe("zeek.cluster.node.worker-1.");
      // The node prefixes leave the probe's prefix alone.
      expect(api.readyProbeTopic(c, 1)).toBe("zeek.zeromq.internal.W1.1.");
    } finally {
      api.coreDestroy(c);
    }
  });

  it("a custom internal_topic_prefix is used as is by readyProbeTopic, for that instance only", () => {
    const c = api.coreCreate("worker-1", "W1");
    try {
      // Upstream concatenates the option verbatim: no dot is added.
      api.setInternalTopicPrefix(c, "acme.internal/");
      expect(api.readyProbeTopic(c, 7)).toBe("acme.internal/W1.7.");
      api.setInternalTopicPrefix(c, "acme.internal.");
      expect(api.readyProbeTopic(c, 7)).toBe("acme.internal.W1.7.");
      // The other prefixes and instances keep theirs.
      expect(api.nodeTopic(c, "worker-1")).toBe("zeek.cluster.node.worker-1.");
      expect(api.nodeidTopic(c, "W1")).toBe("zeek.cluster.nodeid.W1.");
      expect(api.readyProbeTopic(h, 1)).toBe("zeek.zeromq.internal.zeromq_manager_host_1_NA.1.");
    } finally {
      api.coreDestroy(c);
    }
  });
});
