// The bench's child processes: `node dist/bench.mjs --role <name> <json>`.
// Each reports with `BENCH {json}` lines on stdout (bench/lib.ts reads them).
//
//   broker      startBroker() of the chosen engine, until SIGTERM
//   event-sub   a ClusterNode that handles Bench::event and acknowledges
//   event-pub   a ClusterNode that publishes Bench::event (max rate or paced)
//   log-worker  a ClusterNode that logs 10-field records to the logger

import { Buffer } from "node:buffer";
import { getHeapSpaceStatistics } from "node:v8";
import { ClusterNode, resolveOptions, startBroker, type ClusterLayoutInput } from "../adapters/node/index";
import { count, time, type ZeekValue } from "../adapters/node/codec/index";
import { codec } from "../adapters/node/wire";
import { coreOps } from "./core-ops";
import { monoS, rssMb } from "./lib";
import { CONN_SCHEMA, connRecord } from "./records";
import type { BrokerEngine } from "../adapters/node/index";

export const EVENT_NAME = "Bench::event";
export const ACK_NAME = "Bench::ack";

function report(m: Record<string, unknown>): void {
  process.stdout.write(`BENCH ${JSON.stringify(m)}\n`);
}

function onTerm(fn: () => Promise<void> | void): void {
  let once = false;
  const go = () => {
    if (once) return;
    once = true;
    void Promise.resolve(fn()).then(() => process.exit(0));
  };
  process.on("SIGTERM", go);
  process.on("SIGINT", go);
}

const gc = (globalThis as { gc?: () => void }).gc;

async function settledRss(): Promise<number> {
  // RSS after a full collection and a quiet moment: what the process keeps,
  // not garbage that has not been collected yet.
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  return rssMb();
}

/** V8's young generation as committed now (both semi-spaces), MB: what a high allocation rate grows. */
function youngMb(): number {
  const s = getHeapSpaceStatistics().find((x) => x.space_name === "new_space");
  return (s?.space_size ?? 0) / 1048576;
}

/** Every V8 heap space's committed size (MB, one decimal) and what is outside the heap: where RSS went. */
function spacesMb(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of getHeapSpaceStatistics()) if (s.space_size > 0) out[s.space_name] = Math.round(s.space_size / 104857.6) / 10;
  const m = process.memoryUsage();
  out.external = Math.round(m.external / 104857.6) / 10;
  out.rss_outside_heap = Math.round((m.rss - m.heapTotal) / 104857.6) / 10;
  return out;
}

// ---------------------------------------------------------------- broker

async function broker(a: { engine: BrokerEngine; xsub: string; xpub: string }): Promise<void> {
  const b = await startBroker({
    ...resolveOptions({ listen_xsub_endpoint: a.xsub, listen_xpub_endpoint: a.xpub }),
    engine: a.engine,
  });
  onTerm(async () => {
    // After stop: the forwarder thread has finished, so its counters are final.
    await b.stop();
    report({ stopped: true, stats: b.stats() });
  });
  report({ ready: true, engine: b.engine });
}

// ---------------------------------------------------------------- events

interface EventArgs {
  layout: ClusterLayoutInput;
  name: string;
  topic: string;
  ackTopic: string;
  count: number;
  /** Acknowledge every this many events (event-sub). */
  ackEvery: number;
  /** Keep at most this many events unacknowledged (event-pub). */
  window: number;
  /** Events per second, 0 = as fast as the window allows (event-pub). */
  rate: number;
  /** Record one-way latency (event-sub), skipping the first `skip` events. */
  latency: boolean;
  skip: number;
  /** Measure RSS idle and after the run (event-sub; needs --expose-gc). */
  rss: boolean;
  timeoutMs: number;
}

async function eventSub(a: EventArgs): Promise<void> {
  const node = new ClusterNode({ layout: a.layout, name: a.name });
  node.subscribe(a.topic);
  let got = 0;
  let first = 0;
  let last = 0;
  let bad = 0;
  const lat = a.latency ? new Float64Array(a.count) : undefined;
  let nlat = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  node.onEvent(EVENT_NAME, (label: ZeekValue, sent: ZeekValue, at: ZeekValue) => {
    const now = process.hrtime.bigint();
    if (typeof label !== "string" || typeof sent !== "bigint" || at === undefined) bad++;
    else if (lat && got >= a.skip) lat[nlat++] = Number(now - sent) / 1000;
    last = Number(now) / 1e9;
    if (got === 0) first = last;
    got++;
    if (got % a.ackEvery === 0 || got === a.count) node.publish(a.ackTopic, ACK_NAME, count(got));
    if (got === a.count) done();
  });
  await node.start();
  await node.ready;
  const idle = a.rss ? await settledRss() : 0;
  const heapIdle = process.memoryUsage().heapUsed / 1048576;
  report({ ready: true, idle_rss_mb: idle, idle_heap_mb: heapIdle, idle_young_mb: youngMb(), idle_spaces_mb: spacesMb() });
  let timer: NodeJS.Timeout | undefined;
  // Give up when no event arrives for timeoutMs: report what we have.
  let seen = -1;
  await Promise.race([
    finished,
    new Promise<void>((r) => {
      timer = setInterval(() => {
        if (got === seen) r();
        seen = got;
      }, a.timeoutMs);
    }),
  ]);
  clearInterval(timer);
  const after = a.rss ? await settledRss() : 0;
  const out: Record<string, unknown> = {
    received: got,
    bad,
    elapsed_s: last - first,
    rss_after_mb: after,
    heap_after_mb: process.memoryUsage().heapUsed / 1048576,
    young_after_mb: youngMb(),
    spaces_after_mb: spacesMb(),
    memory: process.memoryUsage(),
    counters: node.counters(),
  };
  if (lat) {
    const l = lat.subarray(0, nlat).sort();
    out.latency_us = { n: nlat, p50: l[Math.ceil(0.5 * nlat) - 1], p99: l[Math.ceil(0.99 * nlat) - 1], max: l[nlat - 1] };
  }
  report(out);
  await node.terminate();
}

async function eventPub(a: EventArgs): Promise<void> {
  const node = new ClusterNode({ layout: a.layout, name: a.name });
  node.subscribe(a.ackTopic);
  let acked = 0;
  let wake: (() => void) | undefined;
  node.onEvent(ACK_NAME, (n: ZeekValue) => {
    acked = Number(n as bigint);
    const w = wake;
    wake = undefined;
    w?.();
  });
  await node.start();
  await node.ready;
  // The subscriber's subscription reached this node before its ready probe
  // came back (the broker replays in order), so nothing below is filtered.
  const label = "bench";
  const at = time(Date.now() / 1000);
  const payload = codec.encodeEvent(EVENT_NAME, [label, count(process.hrtime.bigint()), at]);
  report({
    ready: true,
    frames: [Buffer.byteLength(a.topic), Buffer.byteLength(node.nodeId), Buffer.byteLength(codec.eventFormat), payload.length],
  });
  let sent = 0;
  const t0 = monoS();
  const waitAck = () => new Promise<void>((r) => (wake = r));
  if (a.rate <= 0) {
    while (sent < a.count) {
      while (sent < a.count && sent - acked < a.window) {
        node.publish(a.topic, EVENT_NAME, label, count(process.hrtime.bigint()), at);
        sent++;
      }
      if (sent < a.count) await waitAck();
    }
  } else {
    // Paced: every tick, publish what is due by now (a steady rate, in
    // bursts of about rate/1000 per 1 ms timer turn).
    while (sent < a.count) {
      const due = Math.min(a.count, Math.floor((monoS() - t0) * a.rate) + 1);
      while (sent < due) {
        node.publish(a.topic, EVENT_NAME, label, count(process.hrtime.bigint()), at);
        sent++;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  const sendS = monoS() - t0;
  // Wait for the last acknowledgement (bounded) so the publisher's counters are final.
  const deadline = Date.now() + a.timeoutMs;
  while (acked < sent && Date.now() < deadline) await Promise.race([waitAck(), new Promise((r) => setTimeout(r, 100))]);
  report({ sent, send_s: sendS, acked, counters: node.counters() });
  await node.terminate();
}

// ---------------------------------------------------------------- logs

async function logWorker(a: { layout: ClusterLayoutInput; name: string; count: number; chunk: number }): Promise<void> {
  const node = new ClusterNode({ layout: a.layout, name: a.name });
  await node.start();
  report({ ready: true });
  const records = Array.from({ length: 1000 }, (_, i) => connRecord(i));
  const t0 = monoS();
  for (let i = 0; i < a.count; ) {
    const end = Math.min(a.count, i + a.chunk);
    for (; i < end; i++) node.log("Bench::LOG", records[i % 1000], { path: "bench", schema: CONN_SCHEMA });
    // Let the PUSH sender hand batches to libzmq between chunks.
    await new Promise((r) => setImmediate(r));
  }
  const logS = monoS() - t0;
  await node.terminate();
  report({ t0, log_s: logS, counters: node.counters() });
}

export async function runRole(role: string, json: string): Promise<void> {
  const a = JSON.parse(json);
  switch (role) {
    case "broker":
      return broker(a);
    case "event-sub":
      return eventSub(a);
    case "event-pub":
      return eventPub(a);
    case "log-worker":
      return logWorker(a);
    case "core-ops":
      // One build per process: timed after the other build in the same
      // process, the shared host code is already shaped (JIT) for it.
      return report({ ops_per_s: await coreOps(a.build, a.ms) });
    default: {
      const raw = rawRole(role);
      if (!raw) throw new Error(`unknown role ${role}`);
      return raw(a);
    }
  }
}

// ---------------------------------------------------------------- raw zeromq.js

// The binding's floor: the same peers as bench/c and bench/python, written
// against zeromq.js directly (no node, no codec), so the table can tell the
// binding's per-message cost from ours.
async function rawPub(a: { endpoint: string; count: number; topic: string; sizes: number[] }): Promise<void> {
  const zmq = await import("zeromq");
  const pub = new zmq.XPublisher({ noDrop: true });
  pub.connect(a.endpoint);
  await pub.receive(); // the subscription, through the proxy
  const msg = [Buffer.from(a.topic), ...a.sizes.map((n, i) => Buffer.alloc(n, 0x61 + i))];
  const t0 = monoS();
  for (let i = 0; i < a.count; ) {
    try {
      await pub.send(msg);
      i++;
    } catch (err) {
      // XPUB_NODROP refuses at the HWM with EAGAIN at once (toolchain.md).
      if ((err as { code?: string }).code !== "EAGAIN") throw err;
      await new Promise((r) => setImmediate(r));
    }
  }
  const sendS = monoS() - t0;
  pub.linger = -1;
  pub.close();
  report({ sent: a.count, send_s: sendS });
}

async function rawSub(a: { endpoint: string; count: number; topic: string; timeoutMs: number }): Promise<void> {
  const zmq = await import("zeromq");
  const sub = new zmq.Subscriber({ receiveTimeout: a.timeoutMs });
  sub.subscribe(a.topic);
  sub.connect(a.endpoint);
  report({ ready: true });
  let got = 0;
  let bad = 0;
  let first = 0;
  let last = 0;
  try {
    while (got < a.count) {
      const parts = await sub.receive();
      last = monoS();
      if (got === 0) first = last;
      if (parts.length !== 4) bad++;
      got++;
    }
  } catch (err) {
    if ((err as { code?: string }).code !== "EAGAIN") throw err;
  }
  report({ received: got, bad, elapsed_s: last - first });
  sub.close();
}

const RAW_ROLES: Record<string, (a: any) => Promise<void>> = { "raw-pub": rawPub, "raw-sub": rawSub };
export function rawRole(role: string): ((a: any) => Promise<void>) | undefined {
  return RAW_ROLES[role];
}
