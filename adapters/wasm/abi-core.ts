// The core through its raw Wasm ABI (docs/wasm-abi.md), for JS hosts.
//
// Instantiates build/core.wasm with plain WebAssembly.instantiate and speaks
// only the zc_* exports: no AssemblyScript bindings, no __new/__pin, no
// string lifting. `ZcModule` is the ABI itself (records in, records out);
// `abiCoreApi` dresses it as the flat CoreApi so the Node adapter and the
// vector driver can use it like the js and wasm builds. Platform-neutral:
// the caller brings the module bytes (Node reads a file, a page fetches).

import type { CoreApi } from "../core-api";
import type { Output } from "../../core/outputs";
import {
  readOutputs,
  RecordReader,
  RecordWriter,
  writeConfig,
  writeInput,
  writeOptions,
  ZC_ABI_VERSION,
  ZcErr,
  ZcIn,
  ZcQuery,
  type ZcInput,
  type ZcOption,
  type ZcOutput,
} from "./abi-records";

/** The exports the ABI promises (everything else in the module is ignored). */
export interface ZcExports {
  memory: WebAssembly.Memory;
  zc_abi_version(): number;
  zc_alloc(size: number): number;
  zc_free(ptr: number): number;
  zc_result_ptr(): number;
  zc_result_len(): number;
  zc_create(ptr: number, len: number): number;
  zc_configure(h: number, ptr: number, len: number): number;
  zc_destroy(h: number): number;
  zc_input(h: number, ptr: number, len: number, now: number): number;
  zc_poll(h: number): number;
  zc_next_timeout(h: number): number;
  zc_counter(h: number, which: number): number;
  zc_query(h: number, ptr: number, len: number): number;
}

const REQUIRED: readonly (keyof ZcExports)[] = [
  "memory",
  "zc_abi_version",
  "zc_alloc",
  "zc_free",
  "zc_result_ptr",
  "zc_result_len",
  "zc_create",
  "zc_configure",
  "zc_destroy",
  "zc_input",
  "zc_poll",
  "zc_next_timeout",
  "zc_counter",
  "zc_query",
];

/** A zc_* call returned an error code; `message` is the module's text. */
export class ZcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "ZcError";
  }
}

/** The module trapped (a core bug or a bad pointer): this instance is dead. */
export class ZcTrap extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZcTrap";
  }
}

const utf16 = new TextDecoder("utf-16le");
const utf8 = new TextDecoder("utf-8");

export class ZcModule {
  private x: ZcExports;
  /** Set when the module trapped; every later call throws it. */
  private dead: ZcTrap | null = null;
  /** The last env.abort message, to explain the trap that follows it. */
  private abortText = "";
  /** A zc_alloc block reused for every record (grown on demand). */
  private scratch = 0;
  private scratchSize = 0;
  private w = new RecordWriter();

  private constructor() {
    this.x = undefined as unknown as ZcExports;
  }

  /** Instantiate the core module from its bytes (or a compiled module). */
  static async instantiate(source: BufferSource | WebAssembly.Module): Promise<ZcModule> {
    const m = new ZcModule();
    // The one import: AssemblyScript's abort(message, file, line, column),
    // called right before the trap on a failed assertion or a throw in the core.
    const imports = {
      env: {
        abort: (msg: number, file: number, line: number, col: number) => {
          if (!m.x) return; // during the start function: nothing to read yet
          m.abortText = `${m.asString(msg)} in ${m.asString(file)}:${line >>> 0}:${col >>> 0}`;
        },
      },
    };
    const instance =
      source instanceof WebAssembly.Module
        ? await WebAssembly.instantiate(source, imports)
        : (await WebAssembly.instantiate(source, imports)).instance;
    const x = instance.exports as unknown as ZcExports;
    for (const name of REQUIRED) {
      if (!(name in x)) throw new Error(`not a zmq-cluster core module: export ${name} is missing`);
    }
    const v = x.zc_abi_version();
    if (v !== ZC_ABI_VERSION) throw new Error(`zmq-cluster core ABI version ${v}, this host speaks ${ZC_ABI_VERSION}`);
    m.x = x;
    return m;
  }

  /** Linear memory's size in bytes now (it grows, never shrinks). */
  get memoryBytes(): number {
    return this.x.memory.buffer.byteLength;
  }

  /**
   * Collections the module ran by itself so far: build/core.wasm exports
   * gcCollections() outside the ABI (core/abi.ts); undefined for a module
   * without it. The host never has to collect (docs/wasm-abi.md §6).
   */
  get collections(): number | undefined {
    const f = (this.x as unknown as { gcCollections?: () => number }).gcCollections;
    return typeof f === "function" ? f() : undefined;
  }

  /** An AS string (UTF-16LE, byte length at ptr-4) from abort's arguments; 0 is null. */
  private asString(ptr: number): string {
    ptr >>>= 0;
    if (ptr === 0) return "(null)";
    const mem = new Uint8Array(this.x.memory.buffer);
    const len = new DataView(mem.buffer).getUint32(ptr - 4, true);
    return utf16.decode(mem.subarray(ptr, ptr + len));
  }

  /**
   * Run code that calls into the module: a trap marks the instance dead and
   * becomes a ZcTrap (with env.abort's text when there was one), thrown
   * again by every later call.
   */
  guard<T>(f: () => T): T {
    if (this.dead) throw this.dead;
    try {
      return f();
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) {
        const why = this.abortText || err.message;
        this.dead = new ZcTrap(`zmq-cluster core trapped (${why}); the instance is unusable, instantiate a new one`);
        throw this.dead;
      }
      throw err;
    }
  }

  /** A view of all of memory, renewed when memory.grow replaces the buffer. */
  private heap(): Uint8Array {
    const buf = this.x.memory.buffer;
    if (this.heapView.buffer !== buf) this.heapView = new Uint8Array(buf);
    return this.heapView;
  }
  private heapView = new Uint8Array(0);

  private resultBytes(): Uint8Array {
    const ptr = this.x.zc_result_ptr() >>> 0;
    const len = this.x.zc_result_len();
    return this.heap().subarray(ptr, ptr + len);
  }

  private check(rc: number): number {
    if (rc < 0) throw new ZcError(rc, utf8.decode(this.resultBytes()));
    return rc;
  }

  /** Copy the writer's record into module memory; returns its address. */
  private place(): [number, number] {
    const rec = this.w.finish();
    if (rec.length > this.scratchSize) this.grow(rec.length * 2);
    this.heap().set(rec, this.scratch);
    return [this.scratch, rec.length];
  }

  private grow(want: number): void {
    if (this.scratch) this.x.zc_free(this.scratch);
    const size = Math.max(256, want);
    const p = this.x.zc_alloc(size) >>> 0;
    if (p === 0) throw new RangeError(`zc_alloc(${size}) failed`);
    this.scratch = p;
    this.scratchSize = size;
  }

  private fresh(): RecordWriter {
    this.w.length = 0;
    return this.w;
  }

  create(node: string, nodeId: string, options: readonly ZcOption[] = []): number {
    return this.guard(() => {
      writeConfig(this.fresh(), node, nodeId, options);
      const [p, n] = this.place();
      return this.check(this.x.zc_create(p, n));
    });
  }

  configure(h: number, options: readonly ZcOption[]): void {
    this.guard(() => {
      writeOptions(this.fresh(), options);
      const [p, n] = this.place();
      this.check(this.x.zc_configure(h, p, n));
    });
  }

  destroy(h: number): void {
    this.guard(() => this.check(this.x.zc_destroy(h)));
  }

  /**
   * The hot path for inputs made of 1-3 u32s (timeout, flush, log_write,
   * admit_event, ...): written straight into the scratch block, no record
   * builder. Same result as input().
   */
  inputWords(h: number, now: number, kind: number, a?: number, b?: number): number {
    return this.guard(() => {
      if (this.scratchSize < 12) this.grow(256);
      const buf = this.x.memory.buffer;
      if (this.words.buffer !== buf) this.words = new DataView(buf);
      const p = this.scratch;
      this.words.setUint32(p, kind, true);
      let n = 4;
      // Out-of-range numbers wrap here and the module answers E_VALUE.
      if (a !== undefined) {
        this.words.setUint32(p + 4, a, true);
        n = 8;
        if (b !== undefined) {
          this.words.setUint32(p + 8, b, true);
          n = 12;
        }
      }
      return this.check(this.x.zc_input(h, p, n, now));
    });
  }
  private words = new DataView(new ArrayBuffer(0));

  /** Feed one input; returns its value (see docs/wasm-abi.md). */
  input(h: number, input: ZcInput, now: number): number {
    return this.guard(() => {
      writeInput(this.fresh(), input);
      const [p, n] = this.place();
      return this.check(this.x.zc_input(h, p, n, now));
    });
  }

  poll(h: number): ZcOutput[] {
    return this.guard(() => {
      // 4 bytes = just the count, 0: the common case, decoded for free.
      if (this.check(this.x.zc_poll(h)) === 4) return [];
      return readOutputs(this.resultBytes());
    });
  }

  /** The next deadline in ms, -1 for none. */
  nextTimeout(h: number): number {
    return this.guard(() => {
      const t = this.x.zc_next_timeout(h);
      if (Number.isNaN(t)) this.check(ZcErr.HANDLE);
      return t;
    });
  }

  counter(h: number, which: number): number {
    return this.guard(() => {
      const v = this.x.zc_counter(h, which);
      if (Number.isNaN(v)) this.check(which >= 0 && which <= 4 ? ZcErr.HANDLE : ZcErr.KIND);
      return v;
    });
  }

  /** zc_query with a record built by `args`; returns a reader over the reply. */
  query(h: number, op: number, args?: (w: RecordWriter) => void): RecordReader {
    return this.guard(() => {
      const w = this.fresh().u32(op);
      args?.(w);
      const [p, n] = this.place();
      this.check(this.x.zc_query(h, p, n));
      return new RecordReader(this.resultBytes().slice());
    });
  }

  /** The raw exports, for tests that poke the ABI directly. */
  get exports(): ZcExports {
    return this.x;
  }
}

function toOutput(o: ZcOutput): Output {
  return {
    kind: o.kind,
    topic: o.topic ?? "",
    event: o.event ?? "",
    name: o.name ?? o.args?.[0] ?? "",
    id: o.id ?? o.args?.[1] ?? "",
    message: o.message ?? "",
    key: o.key ?? -1,
    count: o.count ?? 0,
  };
}

function wholeMs(what: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new RangeError(`${what} must be a whole number of ms in 0..2^31-1, got ${v}`);
  return v;
}

/**
 * The flat CoreApi over the raw ABI: the same functions, names and results
 * as dist/core.js and build/core.js, each call one zc_* export.
 */
export function abiCoreApi(m: ZcModule): CoreApi {
  const str = (h: number, op: number, args?: (w: RecordWriter) => void) => m.query(h, op, args).str();
  const u32 = (h: number, op: number, args?: (w: RecordWriter) => void) => m.query(h, op, args).u32();
  const held = new Map<number, Output[]>();
  // topicId over ABI v1, which has no interning: ids name topics on this
  // side (per handle, dropped with it) and the *ById inputs send the topic.
  const interned = new Map<number, { ids: Map<string, number>; topics: string[] }>();
  const internOf = (h: number) => {
    let t = interned.get(h);
    if (!t) interned.set(h, (t = { ids: new Map(), topics: [] }));
    return t;
  };
  const api: CoreApi = {
    coreApiVersion: () => u32(-1, ZcQuery.CORE_API_VERSION),
    coreCreate: (node, nodeId) => m.create(node, nodeId),
    coreDestroy: (h) => {
      held.delete(h);
      interned.delete(h);
      // The flat API ignores unknown handles here.
      try {
        m.destroy(h);
      } catch (err) {
        if (!(err instanceof ZcError)) throw err;
      }
    },
    addNode: (h, name, nodeType, ip, port) => m.configure(h, [{ tag: "node", name, nodeType, ip, port }]),
    setManagerIsLogger: (h, value) => m.configure(h, [{ tag: "manager_is_logger", value }]),
    setTopicPrefixes: (h, node, nodeid) => m.configure(h, [{ tag: "topic_prefixes", node, nodeid }]),
    setInternalTopicPrefix: (h, prefix) => m.configure(h, [{ tag: "internal_topic_prefix", prefix }]),
    setHelloExpiration: (h, ms) => m.configure(h, [{ tag: "hello_expiration_ms", ms: wholeMs("hello_expiration", ms) }]),
    setLogBatching: (h, writeBufferSize, flushIntervalMs) =>
      m.configure(h, [{ tag: "log_batching", writeBufferSize, flushIntervalMs: wholeMs("flush_interval", flushIntervalMs) }]),
    setOnloopQueueHwm: (h, hwm) => m.configure(h, [{ tag: "onloop_queue_hwm", hwm }]),
    nodeType: (h, name) => u32(h, ZcQuery.NODE_TYPE, (w) => w.str(name)),
    startupTopics: (h) => m.query(h, ZcQuery.STARTUP_TOPICS).list(),
    runProxyThreadDefault: (h) => u32(h, ZcQuery.RUN_PROXY_THREAD_DEFAULT) === 1,
    listenLogEndpoint: (h) => str(h, ZcQuery.LISTEN_LOG_ENDPOINT),
    connectLogEndpoints: (h) => m.query(h, ZcQuery.CONNECT_LOG_ENDPOINTS).list(),
    isLogReceiver: (h) => u32(h, ZcQuery.IS_LOG_RECEIVER) === 1,
    nodeTopic: (h, name) => str(h, ZcQuery.NODE_TOPIC, (w) => w.str(name)),
    nodeidTopic: (h, id) => str(h, ZcQuery.NODEID_TOPIC, (w) => w.str(id)),
    parseNodeidTopic: (h, topic) => str(h, ZcQuery.PARSE_NODEID_TOPIC, (w) => w.str(topic)),
    readyProbeTopic: (h, counter) => str(h, ZcQuery.READY_PROBE_TOPIC, (w) => w.u32(counter)),
    roleTopicOf: (nodeType) => str(-1, ZcQuery.ROLE_TOPIC, (w) => w.u32(nodeType)),
    poolTopicOf: (nodeType) => str(-1, ZcQuery.POOL_TOPIC, (w) => w.u32(nodeType)),
    nodeIdFor: (node, host, pid, entropy) =>
      str(-1, ZcQuery.NODE_ID_FOR, (w) => w.str(node).str(host).u32(pid).bytes(entropy)),
    handleSubscription: (h, topic, now) => void m.input(h, { kind: "subscription", topic }, now),
    handleUnsubscription: (h, topic, now) => void m.input(h, { kind: "unsubscription", topic }, now),
    topicId: (h, topic) => {
      m.counter(h, 0); // throws for a handle that is not live, as the flat API does
      const t = internOf(h);
      let id = t.ids.get(topic);
      if (id === undefined) {
        id = t.topics.push(topic) - 1;
        t.ids.set(topic, id);
      }
      return id;
    },
    handleSubscriptionById: (h, id, now) => {
      const topic = interned.get(h)?.topics[id];
      if (topic === undefined) return false;
      m.input(h, { kind: "subscription", topic }, now);
      return true;
    },
    handleUnsubscriptionById: (h, id, now) => {
      const topic = interned.get(h)?.topics[id];
      if (topic === undefined) return false;
      m.input(h, { kind: "unsubscription", topic }, now);
      return true;
    },
    settleTimeout: (h) => (api.outputCount(h) > 0 ? -2 : m.nextTimeout(h)),
    handleHelloEvent: (h, event, name, id, now) => m.input(h, { kind: "event", topic: "", name: event, args: [name, id] }, now) === 1,
    handleTimeout: (h, now) => void m.inputWords(h, now, ZcIn.TIMEOUT),
    peerId: (h, name) => str(h, ZcQuery.PEER_ID, (w) => w.str(name)),
    peersUp: (h) => u32(h, ZcQuery.PEERS_UP),
    registerLogStream: (h, stream, filter, path, writer) =>
      m.input(h, { kind: "register_log_stream", stream, filter, path, writer }, 0),
    logWrite: (h, key, now) => {
      // The flat API answers false for an unknown key; the ABI says E_VALUE.
      if (key < 0) return false;
      try {
        m.inputWords(h, now, ZcIn.LOG_WRITE, key);
        return true;
      } catch (err) {
        if (err instanceof ZcError && err.code === ZcErr.VALUE) return false;
        throw err;
      }
    },
    flushLogs: (h) => void m.inputWords(h, 0, ZcIn.FLUSH),
    logStreamField: (h, key, field) => {
      if (key < 0 || field < 0) return "";
      return str(h, ZcQuery.LOG_STREAM_FIELD, (w) => w.u32(key).u32(Math.min(field, 3)));
    },
    checkFrames: (h, channel, frames) => m.inputWords(h, 0, ZcIn.CHECK_FRAMES, channel, frames) === 1,
    reportMalformed: (h, channel, reason, detail, ownFormat) =>
      void m.input(h, { kind: "report_malformed", channel, reason, detail, ownFormat }, 0),
    admitEvent: (h) => m.inputWords(h, 0, ZcIn.ADMIT_EVENT) === 1,
    eventsDelivered: (h, n) => void m.inputWords(h, 0, ZcIn.EVENTS_DELIVERED, n),
    xpubDropped: (h) => void m.inputWords(h, 0, ZcIn.XPUB_DROPPED),
    counter: (h, which) => (which < 0 || which > 4 ? 0 : m.counter(h, which)),
    // The ABI has no "peek": outputCount takes what is pending and holds it
    // for the next pollOutputs, so order and content stay the same.
    pollOutputs: (h) => {
      const earlier = held.get(h);
      held.delete(h);
      const now = m.poll(h).map(toOutput);
      return earlier ? earlier.concat(now) : now;
    },
    outputCount: (h) => {
      const now = m.poll(h).map(toOutput);
      const earlier = held.get(h);
      const all = earlier ? earlier.concat(now) : now;
      if (all.length > 0) held.set(h, all);
      return all.length;
    },
    pollTimeout: (h) => m.nextTimeout(h),
  };
  return api;
}
