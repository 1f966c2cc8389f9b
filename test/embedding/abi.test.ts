// The zc_* ABI of build/core.wasm (docs/wasm-abi.md), through plain
// WebAssembly.instantiate: exports and imports, the documented hex example,
// error codes, strict UTF-8, memory ownership, traps, and the CoreApi facade
// against the js build.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCore, type CoreApi } from "../../adapters/core-api";
import { abiCoreApi, ZcError, ZcModule, ZcTrap } from "../../adapters/wasm/abi-core";
import {
  readOutputs,
  RecordWriter,
  writeConfig,
  writeInput,
  writeOptions,
  ZcErr,
  ZcIn,
  ZcOpt,
  ZcOut,
  ZcQuery,
  type ZcOption,
} from "../../adapters/wasm/abi-records";
import { coreWasmPath } from "../../adapters/wasm/load-node";
import { packageRoot } from "../../adapters/wasm/package-root";

const ROOT = packageRoot();
const wasm = readFileSync(coreWasmPath());
const fresh = (): Promise<ZcModule> => ZcModule.instantiate(wasm);

function rec(build: (w: RecordWriter) => void): Uint8Array {
  const w = new RecordWriter();
  build(w);
  return w.finish().slice();
}

/** Copy bytes into a fresh zc_alloc block. */
function put(m: ZcModule, bytes: Uint8Array): [number, number] {
  const x = m.exports;
  const p = x.zc_alloc(Math.max(1, bytes.length)) >>> 0;
  new Uint8Array(x.memory.buffer, p, bytes.length).set(bytes);
  return [p, bytes.length];
}

function result(m: ZcModule): Uint8Array {
  const x = m.exports;
  return new Uint8Array(x.memory.buffer, x.zc_result_ptr() >>> 0, x.zc_result_len()).slice();
}

const text = (m: ZcModule): string => new TextDecoder().decode(result(m));

function rawCreate(m: ZcModule, options: ZcOption[] = []): number {
  const h = m.exports.zc_create(...put(m, rec((w) => writeConfig(w, "m", "M1", options))));
  expect(h).toBeGreaterThanOrEqual(0);
  return h;
}

function rawInput(m: ZcModule, h: number, bytes: Uint8Array, now = 0): number {
  const [p, n] = put(m, bytes);
  return m.exports.zc_input(h, p, n, now);
}

function rawPoll(m: ZcModule, h: number): ReturnType<typeof readOutputs> {
  const n = m.exports.zc_poll(h);
  expect(n).toBeGreaterThanOrEqual(4);
  return readOutputs(result(m));
}

/** ```hex NAME blocks of docs/wasm-abi.md -> bytes (comments after #). */
function docHexBlocks(): Record<string, Uint8Array> {
  const md = readFileSync(join(ROOT, "docs", "wasm-abi.md"), "utf8");
  const out: Record<string, Uint8Array> = {};
  for (const m of md.matchAll(/```hex (\w+)\n([\s\S]*?)```/g)) {
    const hex = m[2]
      .split("\n")
      .map((l) => l.replace(/#.*/, ""))
      .join(" ")
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    out[m[1]] = Uint8Array.from(hex.map((h) => parseInt(h, 16)));
  }
  return out;
}

describe("module surface", () => {
  it("imports only env.abort and exports every zc_* function of the contract", () => {
    const mod = new WebAssembly.Module(wasm);
    expect(WebAssembly.Module.imports(mod)).toEqual([{ module: "env", name: "abort", kind: "function" }]);
    const exports = new Map(WebAssembly.Module.exports(mod).map((e) => [e.name, e.kind]));
    expect(exports.get("memory")).toBe("memory");
    for (const name of [
      "zc_abi_version",
      "zc_alloc",
      "zc_free",
      "zc_create",
      "zc_configure",
      "zc_destroy",
      "zc_input",
      "zc_poll",
      "zc_next_timeout",
      "zc_counter",
      "zc_query",
      "zc_result_ptr",
      "zc_result_len",
    ]) {
      expect(exports.get(name), name).toBe("function");
    }
  });

  it("reports ABI version 1", async () => {
    expect((await fresh()).exports.zc_abi_version()).toBe(1);
  });

  it("stays within its 64 KiB budget", () => {
    expect(wasm.length).toBeLessThanOrEqual(64 * 1024);
  });

  it("refuses a module that lacks the ABI", async () => {
    const empty = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await expect(ZcModule.instantiate(empty)).rejects.toThrow(/export memory is missing/);
  });
});

describe("the annotated example in docs/wasm-abi.md", () => {
  it("is what the real module reads and writes", async () => {
    const blocks = docHexBlocks();
    expect(Object.keys(blocks).sort()).toEqual(["zc_create", "zc_input", "zc_poll"]);
    expect(blocks.zc_create.length).toBe(57);
    expect(blocks.zc_input.length).toBe(31);
    expect(blocks.zc_poll.length).toBe(124);
    const m = await fresh();
    const x = m.exports;
    expect(x.zc_create(...put(m, blocks.zc_create))).toBe(0);
    expect(x.zc_input(0, ...put(m, blocks.zc_input), 0)).toBe(0);
    const n = x.zc_poll(0);
    expect(n).toBe(blocks.zc_poll.length);
    expect(Array.from(result(m))).toEqual(Array.from(blocks.zc_poll));
  });
});

describe("strings", () => {
  it("round-trips any code point, U+0000 included", async () => {
    const m = await fresh();
    const h = rawCreate(m);
    const topic = "zeek.ü€😀\u0000é.";
    expect(rawInput(m, h, rec((w) => writeInput(w, { kind: "subscription", topic })))).toBe(0);
    expect(rawPoll(m, h)).toEqual([{ kind: ZcOut.SUBSCRIPTION, topic }]);
  });

  const bad: [string, number[]][] = [
    ["a lone continuation byte", [0x61, 0x80]],
    ["an overlong NUL", [0xc0, 0x80]],
    ["an overlong slash (3 bytes)", [0xe0, 0x80, 0xaf]],
    ["a UTF-16 surrogate", [0xed, 0xa0, 0x80]],
    ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["a sequence cut short", [0x61, 0xe2, 0x82]],
    ["a 0xFF byte", [0xff]],
  ];
  it.each(bad)("rejects %s with E_UTF8 and queues nothing", async (_what, bytes) => {
    const m = await fresh();
    const h = rawCreate(m);
    const r = rec((w) => w.u32(ZcIn.SUBSCRIPTION).bytes(Uint8Array.from(bytes)));
    expect(rawInput(m, h, r)).toBe(ZcErr.UTF8);
    expect(text(m)).toMatch(/^topic is not valid UTF-8 \(at byte \d+\)$/);
    expect(rawPoll(m, h)).toEqual([]);
  });

  it("rejects bad UTF-8 in a config record and creates nothing", async () => {
    const m = await fresh();
    const r = rec((w) => w.bytes(Uint8Array.from([0xc3])).str("id").u32(0));
    expect(m.exports.zc_create(...put(m, r))).toBe(ZcErr.UTF8);
    expect(text(m)).toBe("node is not valid UTF-8 (at byte 0)");
  });
});

describe("malformed records", () => {
  const cases: [string, (w: RecordWriter) => void, RegExp][] = [
    ["an empty record", () => {}, /^record ends inside input kind$/],
    ["a record cut inside a field", (w) => w.u32(ZcIn.SUBSCRIPTION), /^record ends inside topic length$/],
    ["a string longer than the record", (w) => w.u32(ZcIn.SUBSCRIPTION).u32(10).u32(0), /^topic \(10 bytes\) runs past the end of the record$/],
    ["bytes left over", (w) => w.u32(ZcIn.TIMEOUT).u32(0), /^4 bytes left over after the record$/],
  ];
  it.each(cases)("rejects %s with E_RECORD", async (_what, build, message) => {
    const m = await fresh();
    const h = rawCreate(m);
    expect(rawInput(m, h, rec(build))).toBe(ZcErr.RECORD);
    expect(text(m)).toMatch(message);
  });

  it("rejects (ptr, len) that wraps around the address space", async () => {
    const m = await fresh();
    const h = rawCreate(m);
    expect(m.exports.zc_input(h, 0xfffffff0 | 0, 0x20, 0)).toBe(ZcErr.RECORD);
  });
});

describe("unknown numbers and out-of-range values", () => {
  it("answers E_KIND for an unknown input kind, option tag, query op and counter", async () => {
    const m = await fresh();
    const x = m.exports;
    const h = rawCreate(m);
    expect(rawInput(m, h, rec((w) => w.u32(99)))).toBe(ZcErr.KIND);
    expect(text(m)).toBe("unknown input kind 99");
    expect(x.zc_configure(h, ...put(m, rec((w) => w.u32(1).u32(99))))).toBe(ZcErr.KIND);
    expect(text(m)).toBe("unknown option tag 99");
    expect(x.zc_query(h, ...put(m, rec((w) => w.u32(99))))).toBe(ZcErr.KIND);
    expect(text(m)).toBe("unknown query op 99");
    expect(x.zc_counter(h, 5)).toBeNaN();
    expect(text(m)).toBe("unknown counter 5");
  });

  const values: [string, (w: RecordWriter) => void, string][] = [
    ["a bool of 2", (w) => w.u32(1).u32(ZcOpt.MANAGER_IS_LOGGER).u32(2), "manager_is_logger 2 is out of range 0..1"],
    ["node type 0", (w) => w.u32(1).u32(ZcOpt.NODE).str("x").u32(0).str("").u32(0), "node type 0 is out of range 1..4"],
    ["node type 5", (w) => w.u32(1).u32(ZcOpt.NODE).str("x").u32(5).str("").u32(0), "node type 5 is out of range 1..4"],
    ["port 65536", (w) => w.u32(1).u32(ZcOpt.NODE).str("x").u32(4).str("").u32(65536), "node port 65536 is out of range 0..65535"],
    ["write_buffer_size 0", (w) => w.u32(1).u32(ZcOpt.LOG_BATCHING).u32(0).u32(0), "write_buffer_size 0 is out of range 1..2147483647"],
    ["a number of 2^31", (w) => w.u32(1).u32(ZcOpt.HELLO_EXPIRATION_MS).u32(2 ** 31), "hello_expiration_ms 2147483648 is out of range 0..2147483647"],
  ];
  it.each(values)("answers E_VALUE for %s", async (_what, build, message) => {
    const m = await fresh();
    const h = rawCreate(m);
    expect(m.exports.zc_configure(h, ...put(m, rec(build)))).toBe(ZcErr.VALUE);
    expect(text(m)).toBe(message);
  });

  it("answers E_VALUE for an unregistered log stream key and a bad channel", async () => {
    const m = await fresh();
    const h = rawCreate(m);
    expect(rawInput(m, h, rec((w) => writeInput(w, { kind: "log_write", key: 3 })))).toBe(ZcErr.VALUE);
    expect(text(m)).toBe("log stream key 3 is not registered");
    expect(rawInput(m, h, rec((w) => writeInput(w, { kind: "check_frames", channel: 3, frames: 4 })))).toBe(ZcErr.VALUE);
    expect(text(m)).toBe("channel 3 is out of range 0..2");
  });

  it("answers E_VALUE for a now that is not a finite number", async () => {
    const m = await fresh();
    const h = rawCreate(m);
    for (const now of [NaN, Infinity, -Infinity]) {
      expect(rawInput(m, h, rec((w) => writeInput(w, { kind: "timeout" })), now)).toBe(ZcErr.VALUE);
      expect(text(m)).toBe("now must be a finite number of milliseconds");
    }
  });

  it("applies none of an options record that fails part-way", async () => {
    const m = await fresh();
    const h = rawCreate(m);
    const r = rec((w) => w.u32(2).u32(ZcOpt.NODE).str("late").u32(4).str("").u32(0).u32(42));
    expect(m.exports.zc_configure(h, ...put(m, r))).toBe(ZcErr.KIND);
    expect(m.query(h, ZcQuery.NODE_TYPE, (w) => w.str("late")).u32()).toBe(0);
    m.configure(h, [{ tag: "node", name: "late", nodeType: 4, ip: "", port: 0 }]);
    expect(m.query(h, ZcQuery.NODE_TYPE, (w) => w.str("late")).u32()).toBe(4);
  });
});

describe("option INTERNAL_TOPIC_PREFIX (tag 7)", () => {
  const probe = (m: ZcModule, h: number, n: number): string => m.query(h, ZcQuery.READY_PROBE_TOPIC, (w) => w.u32(n)).str();

  it("is tag 7 with one str, and sets the ready probe's prefix in zc_create and zc_configure", async () => {
    expect(Array.from(rec((w) => writeOptions(w, [{ tag: "internal_topic_prefix", prefix: "a." }])))).toEqual([
      1, 0, 0, 0, 7, 0, 0, 0, 2, 0, 0, 0, 0x61, 0x2e,
    ]);
    const m = await fresh();
    const byDefault = rawCreate(m);
    expect(probe(m, byDefault, 1)).toBe("zeek.zeromq.internal.M1.1.");
    const h = rawCreate(m, [{ tag: "internal_topic_prefix", prefix: "acme.internal." }]);
    expect(probe(m, h, 2)).toBe("acme.internal.M1.2.");
    expect(m.exports.zc_configure(h, ...put(m, rec((w) => writeOptions(w, [{ tag: "internal_topic_prefix", prefix: "x/" }]))))).toBe(0);
    expect(probe(m, h, 3)).toBe("x/M1.3.");
    // The node prefixes are another option and leave it alone.
    m.configure(h, [{ tag: "topic_prefixes", node: "n", nodeid: "i" }]);
    expect(probe(m, h, 4)).toBe("x/M1.4.");
    expect(probe(m, byDefault, 5)).toBe("zeek.zeromq.internal.M1.5.");
  });

  it("rejects a cut or non-UTF-8 prefix by name and applies none of the record", async () => {
    const m = await fresh();
    const h = rawCreate(m, [{ tag: "internal_topic_prefix", prefix: "p." }]);
    const cut = rec((w) => w.u32(1).u32(ZcOpt.INTERNAL_TOPIC_PREFIX));
    expect(m.exports.zc_configure(h, ...put(m, cut))).toBe(ZcErr.RECORD);
    expect(text(m)).toBe("record ends inside internal_topic_prefix length");
    const bad = rec((w) => w.u32(1).u32(ZcOpt.INTERNAL_TOPIC_PREFIX).bytes(Uint8Array.from([0xc3])));
    expect(m.exports.zc_configure(h, ...put(m, bad))).toBe(ZcErr.UTF8);
    expect(text(m)).toBe("internal_topic_prefix is not valid UTF-8 (at byte 0)");
    // Two options: a good prefix, then an unknown tag.
    const thenUnknown = rec((w) => w.u32(2).u32(ZcOpt.INTERNAL_TOPIC_PREFIX).str("q.").u32(99));
    expect(m.exports.zc_configure(h, ...put(m, thenUnknown))).toBe(ZcErr.KIND);
    expect(probe(m, h, 1)).toBe("p.M1.1.");
  });
});

describe("handles", () => {
  it("answers E_HANDLE (or NaN) for handles that are not live", async () => {
    const m = await fresh();
    const x = m.exports;
    const h = rawCreate(m);
    const [p, n] = put(m, rec((w) => writeInput(w, { kind: "timeout" })));
    for (const bad of [-1, 7]) {
      expect(x.zc_input(bad, p, n, 0)).toBe(ZcErr.HANDLE);
      expect(text(m)).toBe(`no live core instance with handle ${bad}`);
      expect(x.zc_poll(bad)).toBe(ZcErr.HANDLE);
      expect(x.zc_destroy(bad)).toBe(ZcErr.HANDLE);
      expect(x.zc_configure(bad, ...put(m, rec((w) => writeOptions(w, []))))).toBe(ZcErr.HANDLE);
      expect(x.zc_query(bad, ...put(m, rec((w) => w.u32(ZcQuery.PEERS_UP))))).toBe(ZcErr.HANDLE);
      expect(x.zc_next_timeout(bad)).toBeNaN();
      expect(x.zc_counter(bad, 0)).toBeNaN();
    }
    expect(x.zc_destroy(h)).toBe(0);
    expect(x.zc_destroy(h)).toBe(ZcErr.HANDLE);
    expect(x.zc_input(h, p, n, 0)).toBe(ZcErr.HANDLE);
    // The slot is reused by the next instance.
    expect(rawCreate(m)).toBe(h);
  });

  it("pure queries need no live handle", async () => {
    const m = await fresh();
    expect(m.query(-1, ZcQuery.ROLE_TOPIC, (w) => w.u32(4)).str()).toBe("zeek.cluster.worker");
    expect(m.query(-1, ZcQuery.CORE_API_VERSION).u32()).toBe(1);
  });

  it("keeps instances of one module apart", async () => {
    const m = await fresh();
    const a = rawCreate(m, [{ tag: "node", name: "m", nodeType: 1, ip: "", port: 0 }]);
    const b = rawCreate(m);
    rawInput(m, a, rec((w) => writeInput(w, { kind: "subscription", topic: "t." })));
    expect(rawPoll(m, b)).toEqual([]);
    expect(rawPoll(m, a)).toEqual([{ kind: ZcOut.SUBSCRIPTION, topic: "t." }]);
  });
});

describe("memory ownership", () => {
  it("frees only live zc_alloc blocks", async () => {
    const m = await fresh();
    const x = m.exports;
    const p = x.zc_alloc(16);
    expect(x.zc_free(0)).toBe(0);
    expect(x.zc_free(p + 4)).toBe(ZcErr.POINTER);
    expect(text(m)).toBe(`zc_free: ${p + 4} is not a live zc_alloc block`);
    expect(x.zc_free(p)).toBe(0);
    expect(x.zc_free(p)).toBe(ZcErr.POINTER);
    expect(x.zc_alloc(2 ** 30)).toBe(0);
  });

  it("keeps a host block intact while the core churns through garbage", async () => {
    const m = await fresh();
    const x = m.exports;
    const p = x.zc_alloc(4096) >>> 0;
    const pattern = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) & 0xff);
    new Uint8Array(x.memory.buffer, p, 4096).set(pattern);
    const h = rawCreate(m);
    for (let i = 0; i < 5000; i++) {
      m.input(h, { kind: "subscription", topic: `zeek.cluster.nodeid.peer-${i}.` }, i);
      m.poll(h);
    }
    expect(Array.from(new Uint8Array(x.memory.buffer, p, 4096))).toEqual(Array.from(pattern));
  });

  it("survives memory growth (a 4 MiB topic in and out)", async () => {
    const m = await fresh();
    const x = m.exports;
    const before = x.memory.buffer.byteLength;
    const h = rawCreate(m);
    const topic = "t".repeat(4 << 20);
    m.input(h, { kind: "subscription", topic }, 0);
    const out = m.poll(h);
    expect(x.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(out).toHaveLength(1);
    expect(out[0].topic).toBe(topic);
  });

  it("empties the result buffer after a successful call, fills it with the message after an error", async () => {
    const m = await fresh();
    const x = m.exports;
    const h = rawCreate(m);
    expect(rawInput(m, h, rec((w) => w.u32(99)))).toBe(ZcErr.KIND);
    expect(x.zc_result_len()).toBeGreaterThan(0);
    expect(rawInput(m, h, rec((w) => writeInput(w, { kind: "timeout" })))).toBe(0);
    expect(x.zc_result_len()).toBe(0);
  });
});

describe("traps", () => {
  it("an out-of-bounds record kills the instance, and every later call says so", async () => {
    const m = await fresh();
    const h = m.create("m", "M1");
    const x = m.exports;
    const beyond = x.memory.buffer.byteLength + 64;
    expect(() => m.guard(() => x.zc_input(h, beyond, 8, 0))).toThrow(ZcTrap);
    expect(() => m.poll(h)).toThrow(/trapped \(memory access out of bounds\); the instance is unusable/);
    expect(() => m.create("m", "M2")).toThrow(ZcTrap);
  });

  it("reports env.abort's message (an internal error) with the trap", async () => {
    const m = await fresh();
    // peersUp is a bindings export outside the ABI; an unknown handle throws inside the core.
    const raw = m.exports as unknown as { peersUp(h: number): number };
    expect(() => m.guard(() => raw.peersUp(99))).toThrow(/trapped \(Index out of range in ~lib\/array\.ts:\d+:\d+\)/);
    expect(() => m.poll(0)).toThrow(ZcTrap);
  });

  it("a fresh instance of the same module works after another one trapped", async () => {
    const dead = await fresh();
    const raw = dead.exports as unknown as { peersUp(h: number): number };
    expect(() => dead.guard(() => raw.peersUp(99))).toThrow(ZcTrap);
    const m = await fresh();
    const h = m.create("m", "M1");
    m.input(h, { kind: "subscription", topic: "x." }, 0);
    expect(m.poll(h)).toEqual([{ kind: ZcOut.SUBSCRIPTION, topic: "x." }]);
  });
});

describe("the CoreApi facade over the ABI", () => {
  let js: CoreApi;
  let abi: CoreApi;
  beforeAll(async () => {
    js = await loadCore("js", new URL(`file://${ROOT}/`));
    abi = abiCoreApi(await fresh());
  });

  /** Every flat API function, in an order a host would call them; returns everything observed. */
  function script(api: CoreApi): unknown[] {
    const seen: unknown[] = [];
    const note = (label: string, v: unknown): void => void seen.push([label, v]);
    const drain = (label: string): void => note(label, JSON.parse(JSON.stringify(api.pollOutputs(h))));
    note("version", api.coreApiVersion());
    const h = api.coreCreate("worker-1", "zeromq_worker-1_h_2_NB");
    api.addNode(h, "manager", 1, "10.0.0.1", 27761);
    api.addNode(h, "logger-1", 2, "::1", 27762);
    api.addNode(h, "worker-1", 4, "", 0);
    api.setManagerIsLogger(h, false);
    api.setHelloExpiration(h, 5000);
    api.setLogBatching(h, 2, 100);
    api.setOnloopQueueHwm(h, 1);
    note("startup", api.startupTopics(h));
    note("connect", api.connectLogEndpoints(h));
    note("listen", api.listenLogEndpoint(h));
    note("proxy", api.runProxyThreadDefault(h));
    note("receiver", api.isLogReceiver(h));
    note("types", [api.nodeType(h, "manager"), api.nodeType(h, "nobody")]);
    note("topics", [api.nodeTopic(h, "manager"), api.nodeidTopic(h, "X"), api.readyProbeTopic(h, 3)]);
    api.setInternalTopicPrefix(h, "acme.internal.");
    note("probe", api.readyProbeTopic(h, 4));
    note("parse", [api.parseNodeidTopic(h, "zeek.cluster.nodeid.A1."), api.parseNodeidTopic(h, "other")]);
    note("roles", [1, 2, 3, 4, 9].map((t) => [api.roleTopicOf(t), api.poolTopicOf(t)]));
    note("nodeid", api.nodeIdFor("n", "host", 42, Uint8Array.from([0, 61, 62, 255])));
    drain("after start-up");
    api.handleSubscription(h, "zeek.cluster.nodeid.zeromq_manager_h_1_NA.", 10);
    drain("sub");
    note("hello", api.handleHelloEvent(h, "Cluster::Backend::ZeroMQ::hello", "manager", "zeromq_manager_h_1_NA", 11));
    note("other event", api.handleHelloEvent(h, "Site::ping", "a", "b", 11));
    drain("hello");
    note("cluster hello", api.handleHelloEvent(h, "Cluster::hello", "manager", "zeromq_manager_h_1_NA", 12));
    drain("node up");
    note("peer", [api.peerId(h, "manager"), api.peerId(h, "nobody"), api.peersUp(h)]);
    const key = api.registerLogStream(h, "conn", "default", "conn", "Ascii");
    note("key", [key, api.registerLogStream(h, "conn", "default", "conn", "Ascii")]);
    note("write", [api.logWrite(h, key, 20), api.logWrite(h, key + 5, 20), api.logWrite(h, -1, 20)]);
    note("timeout", api.pollTimeout(h));
    api.handleTimeout(h, 200);
    drain("flush by interval");
    note("write2", [api.logWrite(h, key, 300), api.logWrite(h, key, 301)]);
    drain("flush by size");
    note("fields", [0, 1, 2, 3, 4].map((f) => api.logStreamField(h, key, f)).concat(api.logStreamField(h, 9, 0)));
    note("frames", [api.checkFrames(h, 1, 1), api.checkFrames(h, 1, 2), api.checkFrames(h, 0, 3)]);
    for (const reason of [1, 2, 3, 4, 7]) api.reportMalformed(h, reason % 3, reason, "detail", "msgpack");
    note("admit", [api.admitEvent(h), api.admitEvent(h)]);
    api.eventsDelivered(h, 1);
    note("admit again", api.admitEvent(h));
    api.xpubDropped(h);
    api.xpubDropped(h);
    drain("inbound");
    note("counters", [0, 1, 2, 3, 4, 5].map((c) => api.counter(h, c)));
    api.logWrite(h, key, 400);
    api.flushLogs(h);
    drain("shutdown");
    api.handleUnsubscription(h, "zeek.cluster.nodeid.zeromq_manager_h_1_NA.", 500);
    drain("node down");
    note("no timer", api.pollTimeout(h));
    api.coreDestroy(h);
    api.coreDestroy(h);
    return seen;
  }

  it("observes exactly what the js build observes", () => {
    const expected = script(js);
    const actual = script(abi);
    expect(actual).toEqual(expected);
    // The script must have seen real outputs, not just empty polls.
    expect(JSON.stringify(expected)).toContain("got hello from manager");
    expect(JSON.stringify(expected)).toContain('"kind":9');
    expect(expected).toContainEqual(["probe", "acme.internal.zeromq_worker-1_h_2_NB.4."]);
  });

  it("throws the core's message for a handle that is not live, like the flat API", () => {
    expect(() => abi.handleTimeout(77, 0)).toThrow(ZcError);
    expect(() => abi.handleTimeout(77, 0)).toThrow("no live core instance with handle 77");
    expect(() => js.handleTimeout(77, 0)).toThrow(/no instance with handle 77/);
  });

  it("refuses a fractional hello expiration it cannot express", () => {
    const h = abi.coreCreate("m", "M1");
    expect(() => abi.setHelloExpiration(h, 1.5)).toThrow(RangeError);
    abi.coreDestroy(h);
  });
});

// Keep the facade's numbers in step with the module's.
describe("numbering", () => {
  it("input kinds used by the fast path match the record encoder", () => {
    expect(Array.from(rec((w) => writeInput(w, { kind: "admit_event" })))).toEqual([ZcIn.ADMIT_EVENT, 0, 0, 0]);
    expect(Array.from(rec((w) => writeInput(w, { kind: "log_write", key: 2 })))).toEqual([ZcIn.LOG_WRITE, 0, 0, 0, 2, 0, 0, 0]);
  });
});
