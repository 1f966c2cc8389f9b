// Real-socket node tests: create nodes that are always stopped after the
// test, collect what they report, and wait for cluster states with bounded
// timeouts (never sleeps).
import type { EventEmitter } from "node:events";
import { afterEach } from "vitest";
import { ClusterNode, type NodeConfig, type ReceivedEvent, type ReceivedLogBatch } from "../../adapters/node/index";
import { waitFor } from "./wait";

/** What one node reported: reporter warnings/errors and `[zeromq] ...` lines. */
export interface Reports {
  warnings: string[];
  errors: string[];
  diagnostics: string[];
  events: ReceivedEvent[];
  logs: ReceivedLogBatch[];
}

export interface Tracked {
  /** A node that is terminated after the test; reports are collected, not printed. */
  node(config: NodeConfig): ClusterNode;
  /** node() + start(). */
  start(config: NodeConfig): Promise<ClusterNode>;
  /** What `node` reported so far. */
  reports(node: ClusterNode): Reports;
  /** Run `f` after the test, after every node has stopped (last added runs first). */
  cleanup(f: () => unknown): void;
}

/** Call at the top of a test file (registers an afterEach). */
export function trackNodes(): Tracked {
  const nodes: ClusterNode[] = [];
  const cleanups: (() => unknown)[] = [];
  const collected = new WeakMap<ClusterNode, Reports>();
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.terminate()));
    for (const f of cleanups.splice(0).reverse()) await f();
  });
  const t: Tracked = {
    node(config) {
      const n = new ClusterNode(config);
      const r: Reports = { warnings: [], errors: [], diagnostics: [], events: [], logs: [] };
      n.on("warning", (m: string) => r.warnings.push(m));
      n.on("error", (m: string) => r.errors.push(m));
      n.on("diagnostic", (m: string) => r.diagnostics.push(m));
      n.on("event", (e: ReceivedEvent) => r.events.push(e));
      n.on("log", (b: ReceivedLogBatch) => r.logs.push(b));
      collected.set(n, r);
      nodes.push(n);
      return n;
    },
    start(config) {
      return t.node(config).start();
    },
    reports(n) {
      const r = collected.get(n);
      if (!r) throw new Error(`node ${n.name} is not tracked`);
      return r;
    },
    cleanup(f) {
      cleanups.push(f);
    },
  };
  return t;
}

/** Resolve once every node has seen node_up for every other one (full mesh). */
export async function waitAllUp(nodes: ClusterNode[], ms = 10_000): Promise<void> {
  for (const a of nodes) {
    const others = nodes.filter((b) => b !== a);
    const allUp = () => others.every((b) => a.peerId(b.name) === b.nodeId);
    await waitFor(a, "node_up", allUp, ms, `${a.name} to see ${others.map((b) => b.name).join(", ")} up`, () =>
      others.map((b) => `${b.name}: ${a.peerId(b.name) ?? "-"}`),
    );
  }
}

/**
 * Resolve once `node` has raised `subscription` for `topic`. Attach before
 * whatever subscribes, since the event fires once per topic.
 */
export function subscriptionSeen(node: ClusterNode, topic: string, ms = 10_000): Promise<void> {
  let seen = false;
  const on = (t: string) => {
    if (t === topic) seen = true;
  };
  node.on("subscription", on);
  return waitFor(node, "subscription", () => seen, ms, `${node.name} to see a subscription to ${topic}`).finally(() =>
    node.off("subscription", on),
  );
}

/** Resolve once `check()` holds, re-checked on every `log` batch `node` emits. */
export function logsUntil(node: ClusterNode, check: () => boolean, ms = 10_000, what = "log batches", seen?: () => unknown): Promise<void> {
  return waitFor(node, "log", check, ms, what, seen);
}

/** Like waitFor, re-checking on `event` of any of several emitters. */
export function waitForAny(emitters: EventEmitter[], event: string, check: () => boolean, ms = 10_000, what = "condition", seen: () => unknown = () => undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      for (const e of emitters) e.off(event, on);
      if (err) reject(err);
      else resolve();
    };
    const on = () => {
      if (check()) done();
    };
    const timer = setTimeout(() => done(new Error(`timed out after ${ms} ms waiting for ${what}; seen: ${JSON.stringify(seen())}`)), ms);
    for (const e of emitters) e.on(event, on);
    if (check()) done();
  });
}

/** Record values of every batch a node received, flattened. */
export function records(reports: Reports): unknown[][] {
  return reports.logs.flatMap((b) => b.records as unknown[][]);
}
