// The bench stages. Each returns numbers for the result object; run.ts
// checks that every one is finite.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchPeer, profFlags, buildC, CLI_JS, median, monoS, Peer, PYTHON, ROOT, tcp, freePort, type Msg } from "./lib";
import { logCodecBaseline } from "./codec-baseline";
import { simConverge } from "./sim";
import { DEFAULT_NODE_SEMI_SPACE_MB, nodeV8Flags } from "../app/node-flags";
import type { BrokerEngine } from "../adapters/node/index";

export type Mode = "quick" | "full";
export type Results = Record<string, number>;
type Say = (line: string) => void;

export interface Stage {
  name: string;
  title: string;
  /** Only with --only (profiling helpers). */
  dev?: boolean;
  run(mode: Mode, say: Say): Promise<Results>;
}

const TOPIC = "zeek.bench.events.";
const ACK_TOPIC = "zeek.bench.ack.";
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
/** Frame sizes of our events (set by the events stage; a typical event otherwise). */
let lastFrames = [TOPIC.length, 44, 22, 41];

// ------------------------------------------------------------------ events

/**
 * The event stages' pacing: the subscriber acknowledges every ACK_EVERY
 * events, the publisher keeps at most ACK_WINDOW unacknowledged. Each
 * acknowledgement is a lone XPUB send on a busy subscriber (tens of us,
 * bench/README.md); one per 1000 events costs ~0.1% of the messages. With
 * the default xpub_sndhwm (1000) the window could not pass ~500 without
 * drops (libzmq's pipe learns what its reader took every half HWM), which
 * kept acknowledgements at one per 100 events and cost ours ~10-30%.
 */
const ACK_EVERY = 1000;
const ACK_WINDOW = 4000;

function eventLayout(xsub: string, xpub: string) {
  return {
    manager_is_logger: false,
    nodes: { "bench-pub": { node_type: "worker" as const }, "bench-sub": { node_type: "worker" as const } },
    // xpub_sndhwm 0: the publisher never drops, as the baselines' blocking
    // XPUB_NODROP publishers never do; the acknowledgement window bounds
    // what is in flight instead (ACK_WINDOW).
    zeromq: { connect_xpub_endpoint: xsub, connect_xsub_endpoint: xpub, connect_log_endpoints: [], run_proxy_thread: false, xpub_sndhwm: 0 },
  };
}

interface OursRun {
  rate: number;
  frames: number[];
  sub: Msg;
  pub: Msg;
  broker: Msg;
}

/** Our nodes: publisher node -> our broker (its own process) -> subscriber node. */
async function runOurs(
  o: {
    count: number;
    rate?: number;
    latency?: boolean;
    rss?: boolean;
    engine?: "native" | "counting";
    skip?: number;
    /** V8's semi-space cap of both node processes; default: what `zmq-cluster cluster` gives its nodes. */
    semiSpaceMb?: number;
  },
): Promise<OursRun> {
  const xsub = await tcp();
  const xpub = await tcp();
  const broker = benchPeer("broker", "broker", { engine: o.engine ?? "native", xsub, xpub });
  let sub: Peer | undefined;
  let pub: Peer | undefined;
  try {
    await broker.next(20_000, "broker ready");
    const base = {
      layout: eventLayout(xsub, xpub),
      topic: TOPIC,
      ackTopic: ACK_TOPIC,
      count: o.count,
      ackEvery: ACK_EVERY,
      window: ACK_WINDOW,
      rate: o.rate ?? 0,
      latency: o.latency ?? false,
      skip: o.skip ?? 0,
      rss: o.rss ?? false,
      timeoutMs: 10_000,
    };
    // The node processes run as `zmq-cluster cluster` runs its nodes (app/node-flags.ts).
    const v8 = nodeV8Flags(o.semiSpaceMb ?? DEFAULT_NODE_SEMI_SPACE_MB);
    sub = benchPeer("event-sub", "event-sub", { ...base, name: "bench-sub" }, [...v8, ...(o.rss ? ["--expose-gc"] : [])]);
    const subReady = await sub.next(30_000, "subscriber ready");
    pub = benchPeer("event-pub", "event-pub", { ...base, name: "bench-pub" }, v8);
    const pubReady = await pub.next(30_000, "publisher ready");
    const subDone = await sub.next(300_000, "subscriber result");
    const pubDone = await pub.next(30_000, "publisher result");
    await Promise.all([sub.exited, pub.exited]);
    await broker.stop();
    const brokerDone = await broker.next(5000, "broker stats").catch(() => ({}));
    if (subDone.received !== o.count) {
      throw new Error(`our subscriber handled ${subDone.received} of ${o.count} events (publisher: ${JSON.stringify(pubDone)})`);
    }
    if (subDone.bad) throw new Error(`our subscriber got ${subDone.bad} events with wrong argument types`);
    return {
      rate: (subDone.received - 1) / subDone.elapsed_s,
      frames: pubReady.frames,
      sub: { ...subDone, idle_rss_mb: subReady.idle_rss_mb, idle_heap_mb: subReady.idle_heap_mb, idle_young_mb: subReady.idle_young_mb, idle_spaces_mb: subReady.idle_spaces_mb },
      pub: pubDone,
      broker: brokerDone,
    };
  } finally {
    await Promise.all([sub?.stop(), pub?.stop(), broker.stop()]);
  }
}

type Flavour = "c" | "python" | "zeromq.js";

/** Peers of one flavour: publisher -> broker -> SUB. `broker` overrides the flavour's proxy with one of our engines. */
async function runPeers(
  flavour: Flavour,
  count: number,
  frames: number[],
  broker?: BrokerEngine,
): Promise<{ rate: number; stats?: Msg; engine?: string }> {
  const xsub = await tcp();
  const xpub = await tcp();
  const c = flavour === "c" ? buildC() : undefined;
  const py = (f: string) => join(ROOT, "bench", "python", f);
  const cmd = (name: "proxy" | "pub" | "sub", args: string[]): Peer => {
    if (c) return new Peer(`C ${name}`, c[name], args);
    if (flavour === "python") return new Peer(`python ${name}`, PYTHON, [py(`${name}.py`), ...args]);
    // zeromq.js peers take the C peers' arguments as JSON; its proxy is libzmq's (the C one).
    if (name === "proxy") return new Peer("C proxy", buildC().proxy, args);
    const [endpoint, n, topic, x, y, z] = args;
    return name === "pub"
      ? benchPeer("zeromq.js pub", "raw-pub", { endpoint, count: Number(n), topic, sizes: [x, y, z].map(Number) })
      : benchPeer("zeromq.js sub", "raw-sub", { endpoint, count: Number(n), topic, timeoutMs: Number(x) });
  };
  const proxy = broker ? benchPeer("broker", "broker", { engine: broker, xsub, xpub }) : cmd("proxy", [xsub, xpub]);
  let sub: Peer | undefined;
  let pub: Peer | undefined;
  try {
    const ready = await proxy.next(20_000, "proxy ready");
    sub = cmd("sub", [xpub, String(count), TOPIC, "10000"]);
    await sub.next(20_000, "subscriber ready");
    // Frame 0 is the topic itself; frames 1-3 take the sizes our events have.
    pub = cmd("pub", [xsub, String(count), TOPIC, String(frames[1]), String(frames[2]), String(frames[3])]);
    const done = await sub.next(300_000, "subscriber result");
    await pub.next(30_000, "publisher result");
    await proxy.stop();
    const stats = broker ? await proxy.next(5000, "broker stats").catch(() => undefined) : undefined;
    if (done.received !== count || done.bad) {
      throw new Error(`${flavour} subscriber got ${done.received} of ${count} messages (${done.bad} malformed)`);
    }
    return { rate: (done.received - 1) / done.elapsed_s, stats, engine: ready.engine as string | undefined };
  } finally {
    await Promise.all([sub?.stop(), pub?.stop(), proxy.stop()]);
  }
}

const events: Stage = {
  name: "events",
  title: "events through the broker: our nodes vs pyzmq vs C (libzmq's proxy)",
  async run(mode, say) {
    const rounds = mode === "quick" ? 1 : 3;
    const n = mode === "quick" ? { ours: 200_000, c: 500_000, py: 150_000 } : { ours: 300_000, c: 1_000_000, py: 300_000 };
    const ours: number[] = [];
    const cs: number[] = [];
    const pys: number[] = [];
    const raws: number[] = [];
    let frames: number[] = [];
    let m: OursRun | undefined;
    for (let r = 1; r <= rounds; r++) {
      // Round 1 also measures one node's memory: idle, then after handling
      // a million events (so a quick run needs no separate memory run).
      const o = r === 1 ? (m = await runOurs({ count: 1_000_000, rss: true })) : await runOurs({ count: n.ours });
      frames = lastFrames = o.frames;
      ours.push(o.rate);
      const c = await runPeers("c", n.c, frames);
      cs.push(c.rate);
      const p = await runPeers("python", n.py, frames);
      pys.push(p.rate);
      const j = await runPeers("zeromq.js", n.ours, frames);
      raws.push(j.rate);
      say(`round ${r}/${rounds}: ours ${fmt(o.rate)}/s, pyzmq ${fmt(p.rate)}/s, C ${fmt(c.rate)}/s, bare zeromq.js ${fmt(j.rate)}/s (frames ${frames.join("+")} bytes)`);
    }
    if (!m) throw new Error("no memory run");
    say(
      `rss: idle ${m.sub.idle_rss_mb.toFixed(1)} MB, after 1M events ${m.sub.rss_after_mb.toFixed(1)} MB (${fmt(m.rate)}/s); ` +
        `JS heap ${m.sub.idle_heap_mb.toFixed(1)} -> ${m.sub.heap_after_mb.toFixed(1)} MB, young generation ${m.sub.idle_young_mb.toFixed(1)} -> ${m.sub.young_after_mb.toFixed(1)} MB ` +
        `(node flags: ${nodeV8Flags().join(" ") || "none"}); MB by space, idle ${JSON.stringify(m.sub.idle_spaces_mb)}, after ${JSON.stringify(m.sub.spaces_after_mb)}`,
    );
    const e = median(ours);
    const b = median(pys);
    const lim = median(cs);
    return {
      events_per_s: e,
      events_baseline_per_s: b,
      events_ratio: e / b,
      events_c_limit_per_s: lim,
      events_vs_c_limit: e / lim,
      events_zeromqjs_per_s: median(raws),
      events_vs_zeromqjs: e / median(raws),
      idle_rss_mb: m.sub.idle_rss_mb,
      rss_growth_mb_1m_events: m.sub.rss_after_mb - m.sub.idle_rss_mb,
      event_frames_bytes: frames.reduce((x, y) => x + y, 0),
    };
  },
};

// ------------------------------------------------------------------ memory

/** The semi-space cap the memory stage tries (BENCH_SEMI_SPACE=MB to try another). */
const MEMORY_CAP_MB = Number(process.env.BENCH_SEMI_SPACE ?? 2);

/**
 * Our nodes as `zmq-cluster cluster` runs them by default (V8's young
 * generation) against `--node-semi-space MEMORY_CAP_MB`, in the same run:
 * pairs of 1M-event runs, the order alternating per round; RSS growth and
 * events/s of each, medians.
 */
const memory: Stage = {
  name: "memory",
  title: `one node's RSS growth over 1M events: V8's default young generation vs --max-semi-space-size=${MEMORY_CAP_MB}`,
  async run(mode, say) {
    if (!(Number.isInteger(MEMORY_CAP_MB) && MEMORY_CAP_MB > 0)) throw new Error(`BENCH_SEMI_SPACE must be a whole number of MB > 0, not ${process.env.BENCH_SEMI_SPACE}`);
    const rounds = mode === "quick" ? 1 : 3;
    const capped = { growth: [] as number[], rate: [] as number[] };
    const dflt = { growth: [] as number[], rate: [] as number[] };
    const one = async (semiSpaceMb: number, into: typeof capped) => {
      const o = await runOurs({ count: 1_000_000, rss: true, semiSpaceMb });
      into.growth.push(o.sub.rss_after_mb - o.sub.idle_rss_mb);
      into.rate.push(o.rate);
      return (
        `${semiSpaceMb ? `semi-space ${semiSpaceMb} MB` : "V8 default"}: ${fmt(o.rate)}/s, RSS ${o.sub.idle_rss_mb.toFixed(1)} -> ${o.sub.rss_after_mb.toFixed(1)} MB ` +
        `(MB by space ${JSON.stringify(o.sub.idle_spaces_mb)} -> ${JSON.stringify(o.sub.spaces_after_mb)})`
      );
    };
    for (let r = 1; r <= rounds; r++) {
      const a = r % 2 ? await one(MEMORY_CAP_MB, capped) : await one(0, dflt);
      const b = r % 2 ? await one(0, dflt) : await one(MEMORY_CAP_MB, capped);
      say(`round ${r}/${rounds}: ${a}; ${b}`);
    }
    return {
      rss_growth_mb_1m_events_capped: median(capped.growth),
      rss_growth_mb_1m_events_v8_default: median(dflt.growth),
      events_1m_capped_per_s: median(capped.rate),
      events_1m_v8_default_per_s: median(dflt.rate),
      events_1m_capped_vs_v8_default: median(capped.rate) / median(dflt.rate),
    };
  },
};

// ------------------------------------------------------------------ broker

const broker: Stage = {
  name: "broker",
  title: "raw frames C -> broker -> C: zeromq's native proxy vs our counting broker (C forwarder; and the JavaScript one)",
  async run(mode, say) {
    const rounds = mode === "quick" ? 1 : 3;
    const count = mode === "quick" ? 200_000 : 500_000;
    const frames = lastFrames;
    const native: number[] = [];
    const ours: number[] = [];
    const js: number[] = [];
    const counted = (b: { stats?: Msg }, n: number) => {
      const st = b.stats?.stats as Record<string, number> | undefined;
      if (!st || st.backend_messages_sent < n * 4) throw new Error(`the counting broker's counters do not add up: ${JSON.stringify(st)}`);
    };
    for (let r = 1; r <= rounds; r++) {
      const a = await runPeers("c", count, frames, "native");
      const b = await runPeers("c", count, frames, "counting");
      if (b.engine !== "counting") throw new Error(`the C counting broker is not built (engine ${b.engine}): apt-get install -y libzmq3-dev, npm run build`);
      counted(b, count);
      // The JavaScript forwarder is ~5x slower: a fifth of the messages.
      const c = await runPeers("c", count / 5, frames, "counting-js");
      counted(c, count / 5);
      native.push(a.rate);
      ours.push(b.rate);
      js.push(c.rate);
      say(`round ${r}/${rounds}: native ${fmt(a.rate)}/s, counting (C) ${fmt(b.rate)}/s (${(b.rate / a.rate).toFixed(2)}x), counting-js ${fmt(c.rate)}/s (${(c.rate / a.rate).toFixed(2)}x)`);
    }
    const a = median(native);
    const b = median(ours);
    const c = median(js);
    return { broker_native_per_s: a, broker_ours_per_s: b, broker_ratio: b / a, broker_counting_js_per_s: c, broker_counting_js_ratio: c / a };
  },
};

// ------------------------------------------------------------------ latency

const latency: Stage = {
  name: "latency",
  title: "one-way publish -> handler latency at 10k events/s",
  async run(mode, say) {
    const seconds = mode === "quick" ? 5 : 20;
    const rate = 10_000;
    const o = await runOurs({ count: rate * seconds, rate, latency: true, skip: rate / 2 });
    const l = o.sub.latency_us;
    say(`p50 ${l.p50.toFixed(0)} us, p99 ${l.p99.toFixed(0)} us, max ${l.max.toFixed(0)} us over ${fmt(l.n)} events`);
    return { event_latency_p50_us: l.p50, event_latency_p99_us: l.p99, event_latency_max_us: l.max };
  },
};

// ------------------------------------------------------------------ logs

const logs: Stage = {
  name: "logs",
  title: "log records: worker -> logger's file vs msgpackr alone",
  async run(mode, say) {
    const rounds = mode === "quick" ? 1 : 3;
    const count = mode === "quick" ? 200_000 : 500_000;
    const rates: number[] = [];
    const codec: number[] = [];
    for (let r = 1; r <= rounds; r++) {
      rates.push(await logRun(count));
      codec.push(logCodecBaseline(mode === "quick" ? 200 : 500));
      say(`round ${r}/${rounds}: ${fmt(rates[r - 1])} records/s to the file; msgpackr encode+decode ${fmt(codec[r - 1])} records/s`);
    }
    const a = median(rates);
    const b = median(codec);
    return { log_records_per_s: a, log_codec_baseline_per_s: b, log_ratio: a / b };
  },
};

async function logRun(count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "zmq-cluster-bench-"));
  const xsub = await tcp();
  const xpub = await tcp();
  const pull = await freePort();
  const layout = {
    manager_is_logger: false,
    nodes: { logger: { node_type: "logger" as const, p: pull }, "worker-1": { node_type: "worker" as const } },
    zeromq: { connect_xpub_endpoint: xsub, connect_xsub_endpoint: xpub, run_proxy_thread: false },
  };
  const layoutFile = join(dir, "layout.json");
  writeFileSync(layoutFile, JSON.stringify(layout));
  const broker = benchPeer("broker", "broker", { engine: "native", xsub, xpub });
  let logger: Peer | undefined;
  let worker: Peer | undefined;
  try {
    await broker.next(20_000, "broker ready");
    const probe = join(ROOT, "bench", "scripts", "log-probe.mjs");
    logger = new Peer("logger", process.execPath, [...profFlags("logger"), CLI_JS, "run", "--layout", layoutFile, "--node", "logger", "--log-dir", dir, "--script", probe], {
      env: { ...process.env, BENCH_LOG_RECORDS: String(count) },
    });
    await logger.next(30_000, "logger ready");
    worker = benchPeer("log-worker", "log-worker", { layout, name: "worker-1", count, chunk: 1000 });
    await worker.next(30_000, "worker ready");
    const done = await logger.next(300_000, "all records in the file");
    const w = await worker.next(30_000, "worker result");
    if (w.counters.log_drops) throw new Error(`the worker dropped ${w.counters.log_drops} log records`);
    await Promise.all([logger.stop(), worker.exited]);
    const lines = countLines(join(dir, "bench.log"));
    if (lines !== count) throw new Error(`bench.log has ${lines} lines, want ${count}`);
    return count / (done.t1 - w.t0);
  } finally {
    await Promise.all([logger?.stop(), worker?.stop(), broker.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function countLines(file: string): number {
  const b = readFileSync(file);
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

// ------------------------------------------------------------------ converge

const converge: Stage = {
  name: "converge",
  title: "20-node cluster (`zmq-cluster cluster`) from start to full mesh",
  async run(mode, say) {
    const rounds = mode === "quick" ? 1 : 3;
    const times: number[] = [];
    for (let r = 1; r <= rounds; r++) {
      times.push(await convergeRun(20));
      say(`round ${r}/${rounds}: ${times[r - 1].toFixed(2)} s`);
    }
    return { converge_s_20: median(times) };
  },
};

async function convergeRun(size: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "zmq-cluster-bench-"));
  const xsub = await tcp();
  const xpub = await tcp();
  const nodes: Record<string, { node_type: "manager" | "logger" | "proxy" | "worker"; p?: number }> = {
    manager: { node_type: "manager" },
    logger: { node_type: "logger", p: await freePort() },
    "proxy-1": { node_type: "proxy" },
    "proxy-2": { node_type: "proxy" },
  };
  for (let i = 1; Object.keys(nodes).length < size; i++) nodes[`worker-${i}`] = { node_type: "worker" };
  const layout = {
    manager_is_logger: false,
    nodes,
    zeromq: { listen_xsub_endpoint: xsub, listen_xpub_endpoint: xpub, connect_xpub_endpoint: xsub, connect_xsub_endpoint: xpub },
  };
  const layoutFile = join(dir, "layout.json");
  writeFileSync(layoutFile, JSON.stringify(layout));
  const probe = join(ROOT, "bench", "scripts", "converge-probe.mjs");
  const t0 = monoS();
  const sup = new Peer("supervisor", process.execPath, [CLI_JS, "cluster", "--layout", layoutFile, "--log-dir", join(dir, "logs"), "--script", probe]);
  try {
    let last = 0;
    const seen = new Set<string>();
    while (seen.size < size) {
      const m = await sup.next(120_000, `full mesh (${seen.size}/${size} nodes saw every peer)`);
      if (typeof m.node !== "string") continue;
      seen.add(m.node);
      last = Math.max(last, m.t);
    }
    const code = await sup.stop(30_000);
    if (code !== 0) throw new Error(`the supervisor exited with ${code}`);
    return last - t0;
  } finally {
    await sup.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ sim, core

const sim: Stage = {
  name: "sim",
  title: "the core alone: 1,000 simulated nodes to full membership",
  async run(mode, say) {
    const js = await simConverge("js", 1000);
    say(`js: ${js.seconds.toFixed(2)} s, ${fmt(js.deliveries)} deliveries`);
    const out: Results = { sim_converge_s_1000: js.seconds };
    if (mode === "full") {
      const wasm = await simConverge("wasm", 1000);
      say(`wasm: ${wasm.seconds.toFixed(2)} s`);
      out.sim_converge_s_1000_wasm = wasm.seconds;
    }
    return out;
  },
};

const core: Stage = {
  name: "core",
  title: "membership + batching hot path: JS build vs Wasm build (each in its own process, as a host runs one)",
  async run(mode, say) {
    const ms = mode === "quick" ? 1000 : 3000;
    const rounds = mode === "quick" ? 1 : 3;
    const one = async (build: "js" | "wasm") => {
      const p = benchPeer(`core ${build}`, "core-ops", { build, ms });
      try {
        return (await p.next(60_000, "core ops")).ops_per_s as number;
      } finally {
        await p.stop();
      }
    };
    const js: number[] = [];
    const wasm: number[] = [];
    for (let r = 1; r <= rounds; r++) {
      // Alternate which build goes first.
      if (r % 2) js.push(await one("js")), wasm.push(await one("wasm"));
      else wasm.push(await one("wasm")), js.push(await one("js"));
      say(`round ${r}/${rounds}: js ${fmt(js[r - 1]!)} ops/s, wasm ${fmt(wasm[r - 1]!)} ops/s (${(wasm[r - 1]! / js[r - 1]!).toFixed(2)}x)`);
    }
    const a = median(js);
    const b = median(wasm);
    return { core_js_ops_per_s: a, core_wasm_ops_per_s: b, core_wasm_ratio: b / a };
  },
};

// Profiling helper: our nodes alone (BENCH_CPU_PROF=dir writes profiles).
const ours: Stage = {
  name: "ours",
  title: "our nodes only, BENCH_EVENTS events (default 300000)",
  dev: true,
  async run(_mode, say) {
    const o = await runOurs({ count: Number(process.env.BENCH_EVENTS ?? 300_000) });
    say(`${fmt(o.rate)}/s; pub ${JSON.stringify(o.pub.counters)}`);
    return { events_per_s: o.rate };
  },
};

export const STAGES: Stage[] = [ours, events, memory, broker, latency, logs, converge, sim, core];
