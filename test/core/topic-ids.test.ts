// Interned topic ids and settleTimeout: the numbers-only hot path a host
// may use instead of passing topic strings (adapters/node/core-host.ts).
// They must act exactly like the string inputs, on every build, including
// the raw-ABI one (which interns on the host side).

import { beforeAll, describe, expect, it } from "vitest";
import { loadCore, type CoreChoice } from "../../adapters/core-api";
import { CoreHost, MAX_INTERNED_TOPICS, MAX_INTERNED_TOPIC_LENGTH } from "../../adapters/node/core-host";
import type { Output } from "../../core/outputs";
import { assertFresh, type CoreApi } from "./builds";
import { drain } from "./outputs";

const CHOICES: CoreChoice[] = ["js", "wasm", "wasm-abi"];

describe.each(CHOICES)("topic ids (%s)", (build) => {
  let api: CoreApi;
  beforeAll(async () => {
    assertFresh(build === "js" ? "dist/core.js" : "build/core.wasm", ["core"]);
    api = await loadCore(build);
  });

  it("gives each topic one id and de-duplicates like the string input", () => {
    const h = api.coreCreate("manager", "M");
    const a = api.topicId(h, "zeek.cluster.worker");
    const b = api.topicId(h, "zeek.cluster.proxy");
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).not.toBe(a);
    expect(api.topicId(h, "zeek.cluster.worker")).toBe(a);
    expect(api.handleSubscriptionById(h, a, 0)).toBe(true);
    expect(api.handleSubscriptionById(h, a, 0)).toBe(true);
    // The string input sees the same set: already there.
    api.handleSubscription(h, "zeek.cluster.worker", 0);
    expect(drain(api, h)).toEqual([{ kind: "subscription", topic: "zeek.cluster.worker" }]);
    // Seen first by string, then by id: still once.
    api.handleSubscription(h, "zeek.cluster.proxy", 0);
    expect(api.handleSubscriptionById(h, b, 0)).toBe(true);
    expect(drain(api, h)).toEqual([{ kind: "subscription", topic: "zeek.cluster.proxy" }]);
    api.coreDestroy(h);
  });

  it("forgets a topic on unsubscription by string or by id", () => {
    const h = api.coreCreate("manager", "M");
    const a = api.topicId(h, "t.");
    api.handleSubscriptionById(h, a, 0);
    api.handleUnsubscription(h, "t.", 0);
    api.handleSubscriptionById(h, a, 0);
    expect(api.handleUnsubscriptionById(h, a, 0)).toBe(true);
    api.handleSubscriptionById(h, a, 0);
    expect(drain(api, h)).toEqual([
      { kind: "subscription", topic: "t." },
      { kind: "unsubscription", topic: "t." },
      { kind: "subscription", topic: "t." },
      { kind: "unsubscription", topic: "t." },
      { kind: "subscription", topic: "t." },
    ]);
    api.coreDestroy(h);
  });

  it("runs the handshake for an interned node-id topic", () => {
    const h = api.coreCreate("manager", "M");
    api.addNode(h, "manager", 1, "", 0);
    api.addNode(h, "worker-1", 4, "", 0);
    api.handleSubscriptionById(h, api.topicId(h, "zeek.cluster.nodeid.W1."), 0);
    expect(drain(api, h)).toEqual([
      { kind: "subscription", topic: "zeek.cluster.nodeid.W1." },
      { kind: "publish", topic: "zeek.cluster.nodeid.W1.", event: "Cluster::Backend::ZeroMQ::hello", args: ["manager", "M"] },
    ]);
    expect(api.pollTimeout(h)).toBe(10000);
    api.coreDestroy(h);
  });

  it("refuses ids it did not hand out", () => {
    const h = api.coreCreate("manager", "M");
    expect(api.handleSubscriptionById(h, 0, 0)).toBe(false);
    expect(api.handleUnsubscriptionById(h, -1, 0)).toBe(false);
    expect(api.handleSubscriptionById(h, api.topicId(h, "x") + 1, 0)).toBe(false);
    expect(drain(api, h)).toEqual([]);
    api.coreDestroy(h);
  });

  it("settleTimeout is -2 while outputs are pending, else pollTimeout", () => {
    const h = api.coreCreate("worker-1", "W");
    api.setLogBatching(h, 2, 1000);
    const key = api.registerLogStream(h, "conn", "default", "conn", "ascii");
    expect(api.settleTimeout(h)).toBe(-1);
    api.logWrite(h, key, 5);
    expect(api.settleTimeout(h)).toBe(1005);
    api.logWrite(h, key, 6);
    expect(api.settleTimeout(h)).toBe(-2);
    expect(drain(api, h)).toEqual([{ kind: "log_batch", key, count: 2 }]);
    expect(api.settleTimeout(h)).toBe(-1);
    api.coreDestroy(h);
  });

  it("CoreHost interns up to its cap, then passes strings, with the same outputs", () => {
    const h = api.coreCreate("manager", "M");
    const seen: Output[] = [];
    const host = new CoreHost(api, h, (o) => seen.push(o));
    for (let i = 0; i < MAX_INTERNED_TOPICS + 3; i++) host.subscriptionFrame(true, `t${i}.`, 0);
    host.subscriptionFrame(true, "t0.", 0);
    host.subscriptionFrame(true, `t${MAX_INTERNED_TOPICS + 1}.`, 0);
    host.subscriptionFrame(false, `t${MAX_INTERNED_TOPICS + 2}.`, 0);
    host.subscriptionFrame(false, "t1.", 0);
    host.settle();
    expect(seen.filter((o) => o.kind === 1)).toHaveLength(MAX_INTERNED_TOPICS + 3);
    expect(seen.filter((o) => o.kind === 2).map((o) => o.topic)).toEqual([`t${MAX_INTERNED_TOPICS + 2}.`, "t1."]);
    // Past the cap nothing more was interned.
    expect(api.topicId(h, "new")).toBe(MAX_INTERNED_TOPICS);
    host.close();
  });

  it("CoreHost passes a topic longer than MAX_INTERNED_TOPIC_LENGTH by string, with the same outputs, and does not intern it", () => {
    const h = api.coreCreate("manager", "M");
    const seen: Output[] = [];
    const host = new CoreHost(api, h, (o) => seen.push(o));
    const long = "t".repeat(MAX_INTERNED_TOPIC_LENGTH) + ".";
    host.subscriptionFrame(true, "short.", 0);
    host.subscriptionFrame(true, long, 0);
    host.subscriptionFrame(false, long, 0);
    host.settle();
    expect(seen.filter((o) => o.kind === 1)).toHaveLength(2);
    expect(seen.filter((o) => o.kind === 2).map((o) => o.topic)).toEqual([long]);
    expect(api.topicId(h, "next")).toBe(1); // only "short." was given an id
    host.close();
  });
});
