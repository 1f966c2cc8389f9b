// build/core.wasm runs AssemblyScript's minimal runtime, which collects only
// at safe points (core/abi.ts, "garbage collection": the entry of every
// zc_* export and of every all-number export of the flat API). No host
// helps: the bindings host (wasm), the raw-ABI host from Node (wasm-abi)
// and the C host (wasm2c) just drive the core. A long workload of peers
// coming and going (subscriptions, hellos, unsubscriptions), log writes,
// timeouts and polls must leave linear memory where it was early on, while
// the garbage it makes is many times that size (so without collections
// memory would have grown past the bound).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZcHostProcess } from "../../adapters/c/c-host";
import { createLine, fields, stepLine } from "../../adapters/c/vector-lines";
import type { VectorInput } from "../../adapters/vectors/format";
import { abiCoreApi } from "../../adapters/wasm/abi-core";
import { loadZcModule } from "../../adapters/wasm/load-node";
import type { CoreApi } from "../core/builds";
import { loadBuild } from "../core/builds";

const TOTAL = 200_000;
const EARLY = 20_000;
const PEERS = 32;
/** 1 MiB: memory may end a little above where it was after EARLY ops, not double. */
const SLACK_PAGES = 16;
/** Collections the run must have needed: each follows at least 1 MiB of new garbage. */
const MIN_COLLECTIONS = 10;

const WORKER_TOPIC = "zeek.cluster.worker";
const ZEROMQ_HELLO = "Cluster::Backend::ZeroMQ::hello";
const CLUSTER_HELLO = "Cluster::hello";
const STREAM = ["Conn::LOG", "default", "conn", "Log::WRITER_ASCII"] as const;

/**
 * Op i of the workload. Every 8 ops one of PEERS workers comes up and goes
 * again (its node-id topic subscribed, its ZeroMQ hello, its Cluster::hello:
 * node_up; the topic unsubscribed: node_down) under a fresh id per round,
 * so the strings are new and the peer table stays the same size; between
 * those, a pool-topic subscribe/unsubscribe, a timeout and a log write.
 */
type Op = VectorInput | { kind: "hello"; event: string; name: string; id: string };

function opAt(i: number): Op {
  const peer = (i >> 3) % PEERS;
  const id = `W${peer}R${Math.floor(i / (8 * PEERS))}`;
  const topic = `zeek.cluster.nodeid.${id}.`;
  switch (i & 7) {
    case 0:
      return { kind: "subscription", topic };
    case 1:
      return { kind: "hello", event: ZEROMQ_HELLO, name: `worker-${peer}`, id };
    case 2:
      return { kind: "hello", event: CLUSTER_HELLO, name: `worker-${peer}`, id };
    case 3:
      return { kind: "subscription", topic: WORKER_TOPIC };
    case 4:
      return { kind: "unsubscription", topic: WORKER_TOPIC };
    case 5:
      return { kind: "unsubscription", topic };
    case 6:
      return { kind: "timeout" };
    default:
      return { kind: "log_write", stream: STREAM[0], filter: STREAM[1], path: STREAM[2], writer: STREAM[3], record: { i } };
  }
}

interface Tally {
  up: number;
  down: number;
  batches: number;
}

/** Drive a flat-API core through the workload; memory in pages after EARLY and TOTAL ops. */
function runFlat(api: CoreApi, pages: () => number): { early: number; late: number; tally: Tally } {
  const h = api.coreCreate("manager", "M1");
  api.addNode(h, "manager", 1, "", 0);
  for (let p = 0; p < PEERS; p++) api.addNode(h, `worker-${p}`, 4, "", 0);
  const key = api.registerLogStream(h, ...STREAM);
  const tally: Tally = { up: 0, down: 0, batches: 0 };
  let early = 0;
  for (let i = 0; i < TOTAL; i++) {
    const now = i; // one op per millisecond
    const op = opAt(i);
    if (op.kind === "subscription") api.handleSubscription(h, op.topic, now);
    else if (op.kind === "unsubscription") api.handleUnsubscription(h, op.topic, now);
    else if (op.kind === "hello") api.handleHelloEvent(h, op.event, op.name, op.id, now);
    else if (op.kind === "timeout") api.handleTimeout(h, now);
    else api.logWrite(h, key, now);
    for (const o of api.pollOutputs(h)) {
      if (o.kind === 4) tally.up++;
      else if (o.kind === 5) tally.down++;
      else if (o.kind === 9) tally.batches++;
    }
    api.pollTimeout(h);
    if (i + 1 === EARLY) early = pages();
  }
  api.coreDestroy(h);
  return { early, late: pages(), tally };
}

function expectWorkDone(tally: Tally): void {
  const rounds = TOTAL / 8;
  expect(tally.up).toBe(rounds);
  expect(tally.down).toBe(rounds);
  // One op per virtual millisecond: the 1 s flush timer sends about one batch per second.
  expect(tally.batches).toBeGreaterThanOrEqual(TOTAL / 1000 - 2);
}

describe("linear memory stays bounded over a long run, with no help from the host", () => {
  it("through the bindings (wasm)", async () => {
    const api = await loadBuild("wasm");
    const raw = api as CoreApi & { memory: WebAssembly.Memory; gcCollections(): number };
    const before = raw.gcCollections();
    const { early, late, tally } = runFlat(api, () => raw.memory.buffer.byteLength >> 16);
    expectWorkDone(tally);
    expect(late).toBeLessThanOrEqual(early + SLACK_PAGES);
    expect(raw.gcCollections() - before).toBeGreaterThanOrEqual(MIN_COLLECTIONS);
  });

  it("through the raw ABI from Node (wasm-abi)", async () => {
    const m = await loadZcModule();
    const { early, late, tally } = runFlat(abiCoreApi(m), () => m.memoryBytes >> 16);
    expectWorkDone(tally);
    expect(late).toBeLessThanOrEqual(early + SLACK_PAGES);
    expect(m.collections).toBeGreaterThanOrEqual(MIN_COLLECTIONS);
  });

  describe("through the C host (wasm2c)", () => {
    let p: ZcHostProcess;
    beforeAll(async () => {
      p = new ZcHostProcess();
      expect(await p.ready()).toBe(1);
    });
    afterAll(async () => {
      await p?.close();
    });

    const memory = async () => {
      p.send("memory");
      const f = fields(await p.next());
      expect(f[0]).toBe("memory");
      return { pages: Number(f[1]), collections: Number(f[2]) };
    };

    it("keeps its pages", async () => {
      const nodes: Record<string, { node_type: "manager" | "worker" }> = { manager: { node_type: "manager" } };
      for (let q = 0; q < PEERS; q++) nodes[`worker-${q}`] = { node_type: "worker" };
      p.send(createLine({ node: "manager", node_id: "M1", nodes }));
      expect(fields(await p.next())).toEqual(["ok", "0"]);
      const tally: Tally = { up: 0, down: 0, batches: 0 };
      let early = 0;
      const BATCH = 1000; // lines in flight: the host answers in order
      for (let i = 0; i < TOTAL; i += BATCH) {
        const lines: string[] = [];
        for (let j = i; j < i + BATCH; j++) {
          const op = opAt(j);
          const input: VectorInput =
            op.kind === "hello" ? { kind: "event", topic: "", name: op.event, args: [op.name, op.id] } : op;
          lines.push(stepLine(0, input, j));
        }
        p.send(lines.join("\n"));
        for (let ends = 0; ends < BATCH; ) {
          const line = await p.next();
          if (line === "end") ends++;
          else if (line.startsWith("node_up\t")) tally.up++;
          else if (line.startsWith("node_down\t")) tally.down++;
          else if (line.startsWith("log_batch\t")) tally.batches++;
          else if (line.startsWith("fail\t")) throw new Error(line);
        }
        if (i + BATCH === EARLY) early = (await memory()).pages;
      }
      const late = await memory();
      expectWorkDone(tally);
      expect(late.pages).toBeLessThanOrEqual(early + SLACK_PAGES);
      expect(late.collections).toBeGreaterThanOrEqual(MIN_COLLECTIONS);
    }, 120_000);
  });
});
