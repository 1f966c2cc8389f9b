// Pub/sub through the central broker with real sockets: typed arguments,
// publishes right after start(), no self-delivery, node-topic isolation and
// subscriptions made before start().
import { describe, expect, it } from "vitest";
import { addr, count, int, interval, port, record, set, subnet, table, time } from "../../adapters/node/codec/index";
import { codec } from "../../adapters/node/wire";
import { makeLayout } from "../helpers/cluster";
import { subscriptionSeen, trackNodes, waitAllUp } from "../helpers/nodes";
import { nextEvent, waitFor } from "../helpers/wait";

const t = trackNodes();

describe("pub/sub across the broker", () => {
  it("an event published on one node reaches an onEvent handler on another with its typed args", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker", "worker-2": "worker" });
    const manager = await t.start({ layout, name: "manager" });
    const w1 = await t.start({ layout, name: "worker-1" });
    const w2 = t.node({ layout, name: "worker-2" });
    const got: unknown[][] = [];
    w2.onEvent("Test::typed", (...args: unknown[]) => got.push(args));
    await w2.start();
    await waitAllUp([manager, w1, w2]);

    const seen = subscriptionSeen(w1, "test.typed");
    w2.subscribe("test.typed");
    await seen;
    const args = [
      "text",
      2.5,
      true,
      count(42),
      int(-3),
      addr("10.0.0.1"),
      addr("2001:db8::1"),
      subnet("192.168.0.0/16"),
      port(443, "tcp"),
      time(1_700_000_000.25),
      interval(1.5),
      ["a", "b"],
      set(["x", "y"]),
      table([["k", count(1)]]),
      record({ name: "n", size: count(7) }),
    ];
    expect(w1.publish("test.typed", "Test::typed", ...args)).toBe(true);
    await waitFor(w2, "event", () => got.length === 1, 10_000, "the typed event on worker-2");
    // Decoding gives the normalized value model; encoding what came back must
    // give the same bytes as what was sent.
    expect(codec.encodeEvent("Test::typed", got[0] as never[])).toEqual(codec.encodeEvent("Test::typed", args));
    expect((got[0][3] as bigint).toString()).toBe("42");
    expect(String(got[0][5])).toBe("10.0.0.1");
    expect(String(got[0][8])).toBe("443/tcp");
    expect(w2.counters().events_received).toBe(1);
    expect(w1.counters().events_published).toBeGreaterThanOrEqual(1);
  });

  // Without the hold (Sender not paused until the probe returns) this test
  // fails: the XPUB has not yet heard the manager's subscription and libzmq
  // discards the event (sender-side filtering).
  it("a publish made right after start() is not lost: the ready probe holds it until subscriptions are known", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    const manager = t.node({ layout, name: "manager" });
    const got: string[] = [];
    manager.onEvent("Test::early", (s: string) => got.push(s));
    manager.subscribe("test.early");
    await manager.start();
    await manager.ready;

    const worker = await t.start({ layout, name: "worker-1" });
    expect(worker.publish("test.early", "Test::early", "node")).toBe(true);
    await waitFor(manager, "event", () => got.includes("node"), 10_000, "the early publish on the manager", () => got);
    await worker.ready;
    expect(got).toEqual(["node"]);
    expect(worker.counters().xpub_drops).toBe(0);
  });

  it("a node subscribed to its own publish topic never receives its own event", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    const a = t.node({ layout, name: "manager" });
    const b = t.node({ layout, name: "worker-1" });
    const atA: string[] = [];
    const atB: string[] = [];
    a.onEvent("Test::self", (s: string) => atA.push(s));
    b.onEvent("Test::self", (s: string) => {
      atB.push(s);
      if (s === "from-a") b.publish("test.self", "Test::self", "from-b");
    });
    a.subscribe("test.self");
    b.subscribe("test.self");
    await a.start();
    await b.start();
    await waitAllUp([a, b]);
    await a.ready;
    expect(a.publish("test.self", "Test::self", "from-a")).toBe(true);
    // b's reply leaves the broker after a's own event would have been
    // forwarded to a on the same connection: FIFO, so had a's event looped
    // back it would be in atA before "from-b".
    await waitFor(a, "event", () => atA.includes("from-b"), 10_000, "b's reply on a", () => atA);
    expect(atA).toEqual(["from-b"]);
    expect(atB).toEqual(["from-a"]);
  });

  it("worker-1 never receives a message for worker-10 (node topics end with a dot)", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker", "worker-10": "worker" });
    const manager = await t.start({ layout, name: "manager" });
    const w1 = t.node({ layout, name: "worker-1" });
    const w10 = t.node({ layout, name: "worker-10" });
    const at1: string[] = [];
    const at10: string[] = [];
    w1.onEvent("Test::ping", (to: string) => at1.push(to));
    w10.onEvent("Test::ping", (to: string) => at10.push(to));
    await w1.start();
    await w10.start();
    await waitAllUp([manager, w1, w10]);
    expect(manager.nodeTopic("worker-1")).toBe("zeek.cluster.node.worker-1.");
    // To worker-10 first: on worker-1's connection it would come before the
    // ping meant for worker-1.
    manager.publish(manager.nodeTopic("worker-10"), "Test::ping", "worker-10");
    manager.publish(manager.nodeTopic("worker-1"), "Test::ping", "worker-1");
    await waitFor(w1, "event", () => at1.length > 0, 10_000, "worker-1's ping");
    await waitFor(w10, "event", () => at10.length > 0, 10_000, "worker-10's ping");
    expect(at1).toEqual(["worker-1"]);
    expect(at10).toEqual(["worker-10"]);
  });

  it("a subscription made before start() takes effect (subscribe-before-init)", async () => {
    const layout = await makeLayout({ manager: "manager", "worker-1": "worker" });
    const manager = t.node({ layout, name: "manager" });
    manager.subscribe("test.before-init");
    const worker = t.node({ layout, name: "worker-1" });
    const seen = subscriptionSeen(worker, "test.before-init");
    await manager.start();
    await worker.start();
    await seen;
    worker.publish("test.before-init", "Test::early", count(42));
    const [ev] = await nextEvent<[{ name: string; args: unknown[] }]>(manager, "event");
    expect(ev.name).toBe("Test::early");
    expect(ev.args).toEqual([42n]);
  });
});
