// The byte records of the core's Wasm ABI (docs/wasm-abi.md), for hosts
// written in TypeScript: numbering, encoders for configs, options, inputs
// and queries, and decoders for outputs and replies. Platform-neutral (Node
// and browsers); the numbers mirror core/abi.ts and core/kinds.ts.

/** The ABI version these records follow (zc_abi_version). */
export const ZC_ABI_VERSION = 1;

/** Negative return codes of the zc_* exports. */
export const ZcErr = {
  HANDLE: -1,
  RECORD: -2,
  UTF8: -3,
  KIND: -4,
  VALUE: -5,
  POINTER: -6,
} as const;

export const ZcIn = {
  SUBSCRIPTION: 1,
  UNSUBSCRIPTION: 2,
  EVENT: 3,
  TIMEOUT: 4,
  LOG_WRITE: 5,
  FLUSH: 6,
  REGISTER_LOG_STREAM: 7,
  CHECK_FRAMES: 8,
  REPORT_MALFORMED: 9,
  ADMIT_EVENT: 10,
  EVENTS_DELIVERED: 11,
  XPUB_DROPPED: 12,
} as const;

export const ZcOpt = {
  NODE: 1,
  MANAGER_IS_LOGGER: 2,
  HELLO_EXPIRATION_MS: 3,
  LOG_BATCHING: 4,
  TOPIC_PREFIXES: 5,
  ONLOOP_QUEUE_HWM: 6,
  INTERNAL_TOPIC_PREFIX: 7,
} as const;

export const ZcQuery = {
  STARTUP_TOPICS: 1,
  CONNECT_LOG_ENDPOINTS: 2,
  LISTEN_LOG_ENDPOINT: 3,
  RUN_PROXY_THREAD_DEFAULT: 4,
  IS_LOG_RECEIVER: 5,
  NODE_TYPE: 6,
  NODE_TOPIC: 7,
  NODEID_TOPIC: 8,
  PARSE_NODEID_TOPIC: 9,
  READY_PROBE_TOPIC: 10,
  ROLE_TOPIC: 11,
  POOL_TOPIC: 12,
  NODE_ID_FOR: 13,
  PEER_ID: 14,
  PEERS_UP: 15,
  LOG_STREAM_FIELD: 16,
  CORE_API_VERSION: 17,
} as const;

/** Output kinds (core/kinds.ts OUT_*). */
export const ZcOut = {
  SUBSCRIPTION: 1,
  UNSUBSCRIPTION: 2,
  PUBLISH: 3,
  NODE_UP: 4,
  NODE_DOWN: 5,
  CLUSTER_LOG: 6,
  WARNING: 7,
  ERROR: 8,
  LOG_BATCH: 9,
  DIAGNOSTIC: 10,
} as const;

export type ZcOption =
  | { tag: "node"; name: string; nodeType: number; ip: string; port: number }
  | { tag: "manager_is_logger"; value: boolean }
  | { tag: "hello_expiration_ms"; ms: number }
  | { tag: "log_batching"; writeBufferSize: number; flushIntervalMs: number }
  | { tag: "topic_prefixes"; node: string; nodeid: string }
  | { tag: "onloop_queue_hwm"; hwm: number }
  | { tag: "internal_topic_prefix"; prefix: string };

export type ZcInput =
  | { kind: "subscription" | "unsubscription"; topic: string }
  | { kind: "event"; topic: string; name: string; args: string[] }
  | { kind: "timeout" | "flush" | "admit_event" | "xpub_dropped" }
  | { kind: "log_write"; key: number }
  | { kind: "register_log_stream"; stream: string; filter: string; path: string; writer: string }
  | { kind: "check_frames"; channel: number; frames: number }
  | { kind: "report_malformed"; channel: number; reason: number; detail: string; ownFormat: string }
  | { kind: "events_delivered"; n: number };

/** One decoded output record; which fields are set depends on `kind` (ZcOut). */
export interface ZcOutput {
  kind: number;
  topic?: string;
  event?: string;
  args?: string[];
  name?: string;
  id?: string;
  message?: string;
  key?: number;
  count?: number;
  stream?: string;
  filter?: string;
  path?: string;
  writer?: string;
}

const utf8 = new TextEncoder();
// fatal: the ABI promises valid UTF-8 out; anything else is a module bug worth an exception.
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

/** Builds one record: little-endian u32s and length-prefixed UTF-8. */
export class RecordWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`not a u32: ${v}`);
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
    return this;
  }

  bool(v: boolean): this {
    return this.u32(v ? 1 : 0);
  }

  bytes(b: Uint8Array): this {
    this.u32(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  str(s: string): this {
    return this.bytes(utf8.encode(s));
  }

  /** The record so far (a view; copy it before writing more). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Reads a record produced by the module; throws on anything malformed. */
export class RecordReader {
  private view: DataView;
  pos = 0;

  constructor(private bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u32(): number {
    if (this.pos + 4 > this.bytes.length) throw new Error(`zc record: ends inside a u32 at byte ${this.pos}`);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  str(): string {
    const n = this.u32();
    if (this.pos + n > this.bytes.length) throw new Error(`zc record: string of ${n} bytes runs past the end`);
    const s = utf8Strict.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  list(): string[] {
    const n = this.u32();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.str());
    return out;
  }

  get done(): boolean {
    return this.pos === this.bytes.length;
  }
}

function writeOption(w: RecordWriter, o: ZcOption): void {
  switch (o.tag) {
    case "node":
      w.u32(ZcOpt.NODE).str(o.name).u32(o.nodeType).str(o.ip).u32(o.port);
      break;
    case "manager_is_logger":
      w.u32(ZcOpt.MANAGER_IS_LOGGER).bool(o.value);
      break;
    case "hello_expiration_ms":
      w.u32(ZcOpt.HELLO_EXPIRATION_MS).u32(o.ms);
      break;
    case "log_batching":
      w.u32(ZcOpt.LOG_BATCHING).u32(o.writeBufferSize).u32(o.flushIntervalMs);
      break;
    case "topic_prefixes":
      w.u32(ZcOpt.TOPIC_PREFIXES).str(o.node).str(o.nodeid);
      break;
    case "onloop_queue_hwm":
      w.u32(ZcOpt.ONLOOP_QUEUE_HWM).u32(o.hwm);
      break;
    case "internal_topic_prefix":
      w.u32(ZcOpt.INTERNAL_TOPIC_PREFIX).str(o.prefix);
      break;
  }
}

/** zc_configure's record: u32 count + options. */
export function writeOptions(w: RecordWriter, options: readonly ZcOption[]): RecordWriter {
  w.u32(options.length);
  for (const o of options) writeOption(w, o);
  return w;
}

/** zc_create's record: str node, str node_id, options. */
export function writeConfig(w: RecordWriter, node: string, nodeId: string, options: readonly ZcOption[]): RecordWriter {
  return writeOptions(w.str(node).str(nodeId), options);
}

/** zc_input's record. */
export function writeInput(w: RecordWriter, input: ZcInput): RecordWriter {
  switch (input.kind) {
    case "subscription":
      return w.u32(ZcIn.SUBSCRIPTION).str(input.topic);
    case "unsubscription":
      return w.u32(ZcIn.UNSUBSCRIPTION).str(input.topic);
    case "event":
      w.u32(ZcIn.EVENT).str(input.topic).str(input.name).u32(input.args.length);
      for (const a of input.args) w.str(a);
      return w;
    case "timeout":
      return w.u32(ZcIn.TIMEOUT);
    case "flush":
      return w.u32(ZcIn.FLUSH);
    case "admit_event":
      return w.u32(ZcIn.ADMIT_EVENT);
    case "xpub_dropped":
      return w.u32(ZcIn.XPUB_DROPPED);
    case "log_write":
      return w.u32(ZcIn.LOG_WRITE).u32(input.key);
    case "register_log_stream":
      return w.u32(ZcIn.REGISTER_LOG_STREAM).str(input.stream).str(input.filter).str(input.path).str(input.writer);
    case "check_frames":
      return w.u32(ZcIn.CHECK_FRAMES).u32(input.channel).u32(input.frames);
    case "report_malformed":
      return w.u32(ZcIn.REPORT_MALFORMED).u32(input.channel).u32(input.reason).str(input.detail).str(input.ownFormat);
    case "events_delivered":
      return w.u32(ZcIn.EVENTS_DELIVERED).u32(input.n);
  }
}

/** zc_poll's result: u32 count, then per output u32 kind, u32 body length, body. */
export function readOutputs(bytes: Uint8Array): ZcOutput[] {
  const r = new RecordReader(bytes);
  const n = r.u32();
  const out: ZcOutput[] = [];
  for (let i = 0; i < n; i++) {
    const kind = r.u32();
    const len = r.u32();
    const end = r.pos + len;
    if (end > bytes.length) throw new Error(`zc output ${i}: body of ${len} bytes runs past the end`);
    const o: ZcOutput = { kind };
    switch (kind) {
      case ZcOut.SUBSCRIPTION:
      case ZcOut.UNSUBSCRIPTION:
        o.topic = r.str();
        break;
      case ZcOut.PUBLISH:
        o.topic = r.str();
        o.event = r.str();
        o.args = r.list();
        break;
      case ZcOut.NODE_UP:
      case ZcOut.NODE_DOWN:
        o.name = r.str();
        o.id = r.str();
        break;
      case ZcOut.LOG_BATCH:
        o.key = r.u32();
        o.count = r.u32();
        o.stream = r.str();
        o.filter = r.str();
        o.path = r.str();
        o.writer = r.str();
        break;
      case ZcOut.CLUSTER_LOG:
      case ZcOut.WARNING:
      case ZcOut.ERROR:
      case ZcOut.DIAGNOSTIC:
        o.message = r.str();
        break;
      default:
        // A kind from a newer module: the body length lets us skip it.
        r.pos = end;
    }
    if (r.pos !== end) throw new Error(`zc output ${i} (kind ${kind}): body is ${len} bytes, fields used ${len - (end - r.pos)}`);
    out.push(o);
  }
  if (!r.done) throw new Error("zc outputs: bytes left over after the last record");
  return out;
}
