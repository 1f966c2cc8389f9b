// The core's language-neutral Wasm ABI (docs/wasm-abi.md is its contract).
//
// AssemblyScript's generated bindings (build/core.js) only serve JavaScript:
// they lift and lower AS strings, arrays and objects with JS code. The `zc_*`
// exports below take and return i32 and f64 only; everything else crosses as
// byte records in linear memory (little-endian u32 integers, UTF-8 strings
// behind a u32 byte length), so any host with a Wasm runtime - wasm2c + C, a
// browser, wasmtime - can drive the core without a JS engine. They wrap the
// flat API of index.ts, so both surfaces share one implementation.
//
// AssemblyScript only (asc compiles it into build/core.wasm next to
// index.ts; esbuild never sees it). It still typechecks with tsc against the
// portable declarations because it uses no AS-only builtins (load, store,
// heap, memory): host memory is read through @unmanaged view classes (a
// field of an unmanaged class at an address is a plain load), results are
// written into an ordinary Uint8Array, and zc_alloc hands out ArrayBuffers
// that a Map keeps alive until zc_free.
//
// Every error is a negative return code plus a UTF-8 message in the result
// buffer; a record that fails to decode changes nothing. Only a bug in the
// core (or a pointer outside memory) traps, via env.abort.

import {
  addNode,
  admitEvent,
  checkFrames,
  connectLogEndpoints,
  coreApiVersion,
  coreCreate,
  coreDestroy,
  counter,
  eventsDelivered,
  flushLogs,
  handleHelloEvent,
  handleSubscription,
  handleTimeout,
  handleUnsubscription,
  isLogReceiver,
  listenLogEndpoint,
  logStreamField,
  logWrite,
  nodeIdFor,
  nodeTopic,
  nodeType,
  nodeidTopic,
  parseNodeidTopic,
  peerId,
  peersUp,
  pollOutputs,
  pollTimeout,
  poolTopicOf,
  readyProbeTopic,
  registerLogStream,
  reportMalformed,
  roleTopicOf,
  runProxyThreadDefault,
  setHelloExpiration,
  setInternalTopicPrefix,
  setLogBatching,
  setManagerIsLogger,
  setOnloopQueueHwm,
  setTopicPrefixes,
  startupTopics,
  xpubDropped,
} from "./index";
import {
  NODE_MANAGER,
  NODE_WORKER,
  OUT_CLUSTER_LOG,
  OUT_DIAGNOSTIC,
  OUT_ERROR,
  OUT_LOG_BATCH,
  OUT_NODE_DOWN,
  OUT_NODE_UP,
  OUT_PUBLISH,
  OUT_SUBSCRIPTION,
  OUT_UNSUBSCRIPTION,
  OUT_WARNING,
} from "./kinds";

/** Bumped on any incompatible change of the zc_* exports or their records. */
const ABI_VERSION: i32 = 1;

// Error codes (negative return values). Never renumber, only append.
const E_HANDLE: i32 = -1; // no live instance with that handle
const E_RECORD: i32 = -2; // record truncated, or bytes left over after it
const E_UTF8: i32 = -3; // a string field is not valid UTF-8
const E_KIND: i32 = -4; // unknown input kind, query op, option tag or counter
const E_VALUE: i32 = -5; // a field is out of range (bool, node type, port, log key, ...)
const E_POINTER: i32 = -6; // zc_free of an address zc_alloc did not return

// Input kinds (zc_input).
const IN_SUBSCRIPTION: u32 = 1;
const IN_UNSUBSCRIPTION: u32 = 2;
const IN_EVENT: u32 = 3;
const IN_TIMEOUT: u32 = 4;
const IN_LOG_WRITE: u32 = 5;
const IN_FLUSH: u32 = 6;
const IN_REGISTER_LOG_STREAM: u32 = 7;
const IN_CHECK_FRAMES: u32 = 8;
const IN_REPORT_MALFORMED: u32 = 9;
const IN_ADMIT_EVENT: u32 = 10;
const IN_EVENTS_DELIVERED: u32 = 11;
const IN_XPUB_DROPPED: u32 = 12;

// Option tags (zc_create, zc_configure).
const OPT_NODE: u32 = 1;
const OPT_MANAGER_IS_LOGGER: u32 = 2;
const OPT_HELLO_EXPIRATION_MS: u32 = 3;
const OPT_LOG_BATCHING: u32 = 4;
const OPT_TOPIC_PREFIXES: u32 = 5;
const OPT_ONLOOP_QUEUE_HWM: u32 = 6;
const OPT_INTERNAL_TOPIC_PREFIX: u32 = 7;

// Query ops (zc_query).
const Q_STARTUP_TOPICS: u32 = 1;
const Q_CONNECT_LOG_ENDPOINTS: u32 = 2;
const Q_LISTEN_LOG_ENDPOINT: u32 = 3;
const Q_RUN_PROXY_THREAD_DEFAULT: u32 = 4;
const Q_IS_LOG_RECEIVER: u32 = 5;
const Q_NODE_TYPE: u32 = 6;
const Q_NODE_TOPIC: u32 = 7;
const Q_NODEID_TOPIC: u32 = 8;
const Q_PARSE_NODEID_TOPIC: u32 = 9;
const Q_READY_PROBE_TOPIC: u32 = 10;
const Q_ROLE_TOPIC: u32 = 11;
const Q_POOL_TOPIC: u32 = 12;
const Q_NODE_ID_FOR: u32 = 13;
const Q_PEER_ID: u32 = 14;
const Q_PEERS_UP: u32 = 15;
const Q_LOG_STREAM_FIELD: u32 = 16;
const Q_CORE_API_VERSION: u32 = 17;

const I32_MAX: u32 = 0x7fffffff;

// ---- reading host memory ----

@unmanaged
class ByteView {
  v: u8 = 0;
}

@unmanaged
class WordView {
  v: u32 = 0;
}

function byteAt(p: usize): u32 {
  return changetype<ByteView>(p).v;
}

/** Unaligned little-endian u32 (Wasm loads need no alignment). */
function wordAt(p: usize): u32 {
  return changetype<WordView>(p).v;
}

/** Scratch for decoded UTF-16 code units (strings are short; reused to spare the GC). */
const units: Array<i32> = [];
/** Offset of the first invalid byte of the last decodeUtf8 call, or -1. */
let utf8Bad: i32 = -1;

/**
 * Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF) to an AS string. AS's own String.UTF8.decode accepts anything,
 * and the ABI promises an error for bad UTF-8, so this validates as it goes.
 */
function decodeUtf8(p: usize, n: usize): string {
  units.length = 0;
  utf8Bad = -1;
  let i: usize = 0;
  while (i < n) {
    const b0 = byteAt(p + i);
    if (b0 < 0x80) {
      units.push(<i32>b0);
      i += 1;
      continue;
    }
    let need: usize = 0;
    let cp: u32 = 0;
    let min: u32 = 0;
    if ((b0 & 0xe0) == 0xc0) {
      need = 1;
      cp = b0 & 0x1f;
      min = 0x80;
    } else if ((b0 & 0xf0) == 0xe0) {
      need = 2;
      cp = b0 & 0x0f;
      min = 0x800;
    } else if ((b0 & 0xf8) == 0xf0) {
      need = 3;
      cp = b0 & 0x07;
      min = 0x10000;
    } else {
      utf8Bad = <i32>i;
      return "";
    }
    if (n - i <= need) {
      utf8Bad = <i32>i;
      return "";
    }
    for (let k: usize = 1; k <= need; k++) {
      const b = byteAt(p + i + k);
      if ((b & 0xc0) != 0x80) {
        utf8Bad = <i32>i;
        return "";
      }
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      utf8Bad = <i32>i;
      return "";
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push(<i32>(0xd800 + (cp >> 10)));
      units.push(<i32>(0xdc00 + (cp & 0x3ff)));
    } else {
      units.push(<i32>cp);
    }
    i += need + 1;
  }
  return String.fromCharCodes(units);
}

/**
 * Decodes one record. The first failure is kept (code + message) and ends
 * the record: later reads return zero values, so callers decode everything
 * first and check `ok` once before acting.
 */
class Reader {
  pos: usize = 0;
  end: usize = 0;
  code: i32 = 0;
  why: string = "";

  /** Start on a new record (one Reader serves every call: an allocation per call costs more than the call). */
  reset(ptr: usize, len: usize): Reader {
    this.pos = ptr;
    this.end = ptr + len;
    this.code = 0;
    this.why = "";
    if (this.end < ptr) this.fail(E_RECORD, "record runs past the end of memory");
    return this;
  }

  get ok(): bool {
    return this.code == 0;
  }

  fail(code: i32, why: string): void {
    if (this.code == 0) {
      this.code = code;
      this.why = why;
    }
    this.pos = this.end;
  }

  u32(what: string): u32 {
    if (!this.ok) return 0;
    if (this.end - this.pos < 4) {
      this.fail(E_RECORD, "record ends inside " + what);
      return 0;
    }
    const v = wordAt(this.pos);
    this.pos += 4;
    return v;
  }

  /** A u32 that must fit an i32 and lie in [lo, hi]. */
  int(what: string, lo: u32, hi: u32): i32 {
    const v = this.u32(what);
    if (this.ok && (v < lo || v > hi)) {
      this.fail(E_VALUE, what + " " + v.toString() + " is out of range " + lo.toString() + ".." + hi.toString());
      return 0;
    }
    return <i32>v;
  }

  flag(what: string): bool {
    return this.int(what, 0, 1) == 1;
  }

  /** The length of a string or bytes field, checked against the record. */
  private span(what: string): usize {
    const n = <usize>this.u32(what + " length");
    if (this.ok && n > this.end - this.pos) {
      this.fail(E_RECORD, what + " (" + n.toString() + " bytes) runs past the end of the record");
      return 0;
    }
    return n;
  }

  str(what: string): string {
    const n = this.span(what);
    if (!this.ok) return "";
    const s = decodeUtf8(this.pos, n);
    if (utf8Bad >= 0) {
      this.fail(E_UTF8, what + " is not valid UTF-8 (at byte " + utf8Bad.toString() + ")");
      return "";
    }
    this.pos += n;
    return s;
  }

  bytes(what: string): Uint8Array {
    const n = this.span(what);
    const out = new Uint8Array(<i32>n);
    if (!this.ok) return out;
    for (let i: usize = 0; i < n; i++) out[<i32>i] = <u8>byteAt(this.pos + i);
    this.pos += n;
    return out;
  }

  /** The record must end here. */
  done(): bool {
    if (this.ok && this.pos != this.end) {
      this.fail(E_RECORD, (this.end - this.pos).toString() + " bytes left over after the record");
    }
    return this.ok;
  }
}

// ---- the result buffer ----

/** A growable byte buffer; its backing ArrayBuffer's address is zc_result_ptr. */
class Writer {
  data: Uint8Array = new Uint8Array(1024);
  len: i32 = 0;

  reset(): void {
    this.len = 0;
  }

  reserve(n: i32): void {
    if (this.len + n <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < this.len + n) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.data);
    this.data = grown;
  }

  u8(v: u32): void {
    this.data[this.len] = <u8>v;
    this.len += 1;
  }

  u32(v: u32): void {
    this.reserve(4);
    this.patch(this.len, v);
    this.len += 4;
  }

  patch(at: i32, v: u32): void {
    const d = this.data;
    d[at] = <u8>(v & 0xff);
    d[at + 1] = <u8>((v >> 8) & 0xff);
    d[at + 2] = <u8>((v >> 16) & 0xff);
    d[at + 3] = <u8>(v >> 24);
  }

  /** u32 byte length + UTF-8. */
  str(s: string): void {
    this.reserve(4);
    const at = this.len;
    this.len += 4;
    this.utf8(s);
    this.patch(at, <u32>(this.len - at - 4));
  }

  /** UTF-8 bytes only. A lone surrogate (never produced from valid input) becomes U+FFFD. */
  utf8(s: string): void {
    const n = s.length;
    this.reserve(n * 3);
    for (let i = 0; i < n; i++) {
      let c = <u32>s.charCodeAt(i);
      if (c < 0x80) {
        this.u8(c);
      } else if (c < 0x800) {
        this.u8(0xc0 | (c >> 6));
        this.u8(0x80 | (c & 0x3f));
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const c2 = i + 1 < n ? <u32>s.charCodeAt(i + 1) : 0;
          if (c < 0xdc00 && c2 >= 0xdc00 && c2 <= 0xdfff) {
            const cp = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
            this.u8(0xf0 | (cp >> 18));
            this.u8(0x80 | ((cp >> 12) & 0x3f));
            this.u8(0x80 | ((cp >> 6) & 0x3f));
            this.u8(0x80 | (cp & 0x3f));
            i++;
            continue;
          }
          c = 0xfffd;
        }
        this.u8(0xe0 | (c >> 12));
        this.u8(0x80 | ((c >> 6) & 0x3f));
        this.u8(0x80 | (c & 0x3f));
      }
    }
  }

  list(items: Array<string>): void {
    this.u32(<u32>items.length);
    for (let i = 0; i < items.length; i++) this.str(items[i]);
  }

  get ptr(): usize {
    return changetype<usize>(this.data.buffer);
  }
}

const result = new Writer();
const reader = new Reader();

/** Success with an empty result. */
function ok(value: i32): i32 {
  result.reset();
  return value;
}

/** Failure: the message becomes the result (UTF-8, no length prefix). */
function fail(code: i32, why: string): i32 {
  result.reset();
  result.utf8(why);
  return code;
}

function failed(r: Reader): i32 {
  return fail(r.code, r.why);
}

// ---- instances ----

/** Handles made by zc_create and not yet destroyed (index.ts owns the cores). */
const live: Array<bool> = [];

function isLive(h: i32): bool {
  return h >= 0 && h < live.length && live[h];
}

function badHandle(h: i32): i32 {
  return fail(E_HANDLE, "no live core instance with handle " + h.toString());
}

/** One decoded option; fields by tag (see docs/wasm-abi.md, "Options"). */
class Option {
  tag: u32 = 0;
  a: string = "";
  b: string = "";
  x: i32 = 0;
  y: i32 = 0;
  flag: bool = false;
}

function readOptions(r: Reader): Array<Option> {
  const out: Array<Option> = [];
  const n = r.u32("option count");
  for (let i: u32 = 0; i < n && r.ok; i++) {
    const o = new Option();
    o.tag = r.u32("option tag");
    if (!r.ok) break;
    if (o.tag == OPT_NODE) {
      o.a = r.str("node name");
      o.x = r.int("node type", <u32>NODE_MANAGER, <u32>NODE_WORKER);
      o.b = r.str("node ip");
      o.y = r.int("node port", 0, 65535);
    } else if (o.tag == OPT_MANAGER_IS_LOGGER) {
      o.flag = r.flag("manager_is_logger");
    } else if (o.tag == OPT_HELLO_EXPIRATION_MS) {
      o.x = r.int("hello_expiration_ms", 0, I32_MAX);
    } else if (o.tag == OPT_LOG_BATCHING) {
      o.x = r.int("write_buffer_size", 1, I32_MAX);
      o.y = r.int("flush_interval_ms", 0, I32_MAX);
    } else if (o.tag == OPT_TOPIC_PREFIXES) {
      o.a = r.str("node_topic_prefix");
      o.b = r.str("nodeid_topic_prefix");
    } else if (o.tag == OPT_ONLOOP_QUEUE_HWM) {
      o.x = r.int("onloop_queue_hwm", 0, I32_MAX);
    } else if (o.tag == OPT_INTERNAL_TOPIC_PREFIX) {
      o.a = r.str("internal_topic_prefix");
    } else {
      r.fail(E_KIND, "unknown option tag " + o.tag.toString());
    }
    out.push(o);
  }
  return out;
}

function applyOptions(h: i32, opts: Array<Option>): void {
  for (let i = 0; i < opts.length; i++) {
    const o = opts[i];
    if (o.tag == OPT_NODE) addNode(h, o.a, o.x, o.b, o.y);
    else if (o.tag == OPT_MANAGER_IS_LOGGER) setManagerIsLogger(h, o.flag);
    else if (o.tag == OPT_HELLO_EXPIRATION_MS) setHelloExpiration(h, <f64>o.x);
    else if (o.tag == OPT_LOG_BATCHING) setLogBatching(h, o.x, <f64>o.y);
    else if (o.tag == OPT_TOPIC_PREFIXES) setTopicPrefixes(h, o.a, o.b);
    else if (o.tag == OPT_ONLOOP_QUEUE_HWM) setOnloopQueueHwm(h, o.x);
    else if (o.tag == OPT_INTERNAL_TOPIC_PREFIX) setInternalTopicPrefix(h, o.a);
  }
}

// ---- garbage collection ----
//
// The module is built with AssemblyScript's `minimal` runtime (asconfig.json):
// TLSF + a two-colour mark & sweep (tcms) that never runs by itself. The
// incremental runtime collects on its own but keeps a shadow stack in every
// function that touches a managed object, which tripled the cost of a small
// call (bench/README.md, "Core: JS vs Wasm"). Without a shadow stack the
// collector sees only globals and pinned objects, so it may run only where
// no managed object lives on the Wasm stack alone: at the entry of an export
// whose arguments are all numbers, called by the host (never from inside
// the module). Every zc_* export below starts with gcSafePoint(); the
// bindings' JavaScript host calls gcSafePoint() between calls
// (adapters/core-api.ts). Host blocks (zc_alloc) and the result buffer are
// reachable from globals, and the collector never moves anything.

/** Collect no sooner than this many managed bytes (live + garbage): a small heap is not worth a pass. */
const GC_MIN_BYTES: usize = 1 << 20;
/** Managed bytes at which the next safe point collects. */
let gcNextAt: usize = GC_MIN_BYTES;
/** Collections so far (tests read it through gcCollections()). */
let gcCount: i32 = 0;

/** What gcManagedBytes() returns when the build did not wire it (see there). */
const GC_UNWIRED: usize = <usize>0xffffffff;

/**
 * Bytes the runtime manages, live and garbage (tcms's private `total`).
 * This body is a placeholder: scripts/asc-gc-counter.mjs, an asc transform
 * that scripts/build.mjs passes to asc, replaces it with a read of that
 * global before Binaryen optimises (and inlines) it, and fails the build if
 * it cannot. Compiled without the transform, every safe point collects:
 * slow, but memory stays bounded.
 */
function gcManagedBytes(): usize {
  return GC_UNWIRED;
}

/**
 * A safe point: collect when the managed bytes reached twice the live bytes
 * of the last collection (at least GC_MIN_BYTES more). Each pass costs about
 * the live bytes plus the garbage, and at least as much garbage was made
 * since the last pass, so collecting stays a fixed share of allocating;
 * memory holds at most about twice the live data (plus GC_MIN_BYTES).
 * Call only from the host, between calls: never from inside the module.
 */
export function gcSafePoint(): void {
  // Kept this small so that Binaryen inlines the test into every export.
  if (gcManagedBytes() >= gcNextAt) gcCollect();
}

function gcCollect(): void {
  // @ts-ignore: AssemblyScript's runtime global (tcms), not in tsc's lib
  __collect();
  gcCount++;
  const live = gcManagedBytes();
  gcNextAt = live == GC_UNWIRED ? 0 : live + (live > GC_MIN_BYTES ? live : GC_MIN_BYTES);
}

/** Collections run by gcSafePoint so far. For tests and benchmarks. */
export function gcCollections(): i32 {
  return gcCount;
}

/** Managed bytes (live + garbage) right now. For tests and benchmarks. */
export function gcHeapBytes(): f64 {
  return <f64>gcManagedBytes();
}

// ---- exports ----

export function zc_abi_version(): i32 {
  return ABI_VERSION;
}

/** Blocks handed out by zc_alloc, by address; the Map keeps them from the GC. */
const blocks = new Map<usize, ArrayBuffer>();

/**
 * `size` bytes of zeroed memory the host owns until zc_free; never moved.
 * 0 when size exceeds 1 GiB (ArrayBuffer's limit); running out of memory traps.
 */
export function zc_alloc(size: u32): usize {
  gcSafePoint();
  result.reset();
  if (size > 0x3fffffff) return 0;
  const b = new ArrayBuffer(<i32>size);
  const p = changetype<usize>(b);
  blocks.set(p, b);
  return p;
}

/** Give back a block from zc_alloc. 0 is a no-op. */
export function zc_free(ptr: usize): i32 {
  gcSafePoint();
  if (ptr == 0) return ok(0);
  if (!blocks.has(ptr)) return fail(E_POINTER, "zc_free: " + ptr.toString() + " is not a live zc_alloc block");
  blocks.delete(ptr);
  return ok(0);
}

/** The result of the last call: a reply (zc_poll, zc_query), an error message, or empty. */
export function zc_result_ptr(): usize {
  return result.ptr;
}

export function zc_result_len(): i32 {
  return result.len;
}

/** Config record: str node, str node_id, options. Returns a handle >= 0 or an error code. */
export function zc_create(ptr: usize, len: u32): i32 {
  gcSafePoint();
  const r = reader.reset(ptr, len);
  const node = r.str("node");
  const id = r.str("node_id");
  const opts = readOptions(r);
  if (!r.done()) return failed(r);
  const h = coreCreate(node, id);
  while (live.length <= h) live.push(false);
  live[h] = true;
  applyOptions(h, opts);
  return ok(h);
}

/** Options record (the tail of a config record) applied to a live instance. */
export function zc_configure(h: i32, ptr: usize, len: u32): i32 {
  gcSafePoint();
  if (!isLive(h)) return badHandle(h);
  const r = reader.reset(ptr, len);
  const opts = readOptions(r);
  if (!r.done()) return failed(r);
  applyOptions(h, opts);
  return ok(0);
}

export function zc_destroy(h: i32): i32 {
  gcSafePoint();
  if (!isLive(h)) return badHandle(h);
  live[h] = false;
  coreDestroy(h);
  return ok(0);
}

/**
 * One input record at time `now` (ms, monotonic). Returns the input's value
 * (>= 0; see the input table) or an error code. Outputs wait for zc_poll.
 */
export function zc_input(h: i32, ptr: usize, len: u32, now: f64): i32 {
  gcSafePoint();
  if (!isLive(h)) return badHandle(h);
  // NaN or an infinity would silently break every deadline comparison.
  if (!isFinite(now)) return fail(E_VALUE, "now must be a finite number of milliseconds");
  const r = reader.reset(ptr, len);
  const kind = r.u32("input kind");
  if (!r.ok) return failed(r);
  if (kind == IN_SUBSCRIPTION || kind == IN_UNSUBSCRIPTION) {
    const topic = r.str("topic");
    if (!r.done()) return failed(r);
    if (kind == IN_SUBSCRIPTION) handleSubscription(h, topic, now);
    else handleUnsubscription(h, topic, now);
    return ok(0);
  }
  if (kind == IN_EVENT) {
    r.str("event topic"); // the core does not route on it (yet); decoded for validation
    const name = r.str("event name");
    const argc = r.u32("argument count");
    const args: Array<string> = [];
    for (let i: u32 = 0; i < argc && r.ok; i++) args.push(r.str("argument " + i.toString()));
    if (!r.done()) return failed(r);
    // Both hello events carry exactly (name, id); anything else is the host's to deliver.
    if (args.length != 2) return ok(0);
    return ok(handleHelloEvent(h, name, args[0], args[1], now) ? 1 : 0);
  }
  if (kind == IN_TIMEOUT || kind == IN_FLUSH || kind == IN_ADMIT_EVENT || kind == IN_XPUB_DROPPED) {
    if (!r.done()) return failed(r);
    if (kind == IN_TIMEOUT) handleTimeout(h, now);
    else if (kind == IN_FLUSH) flushLogs(h);
    else if (kind == IN_XPUB_DROPPED) xpubDropped(h);
    else return ok(admitEvent(h) ? 1 : 0);
    return ok(0);
  }
  if (kind == IN_LOG_WRITE) {
    const key = r.int("log stream key", 0, I32_MAX);
    if (!r.done()) return failed(r);
    if (!logWrite(h, key, now)) return fail(E_VALUE, "log stream key " + key.toString() + " is not registered");
    return ok(0);
  }
  if (kind == IN_REGISTER_LOG_STREAM) {
    const stream = r.str("stream");
    const filter = r.str("filter");
    const path = r.str("path");
    const writer = r.str("writer");
    if (!r.done()) return failed(r);
    return ok(registerLogStream(h, stream, filter, path, writer));
  }
  if (kind == IN_CHECK_FRAMES) {
    const channel = r.int("channel", 0, 2);
    const frames = r.int("frame count", 0, I32_MAX);
    if (!r.done()) return failed(r);
    return ok(checkFrames(h, channel, frames) ? 1 : 0);
  }
  if (kind == IN_REPORT_MALFORMED) {
    const channel = r.int("channel", 0, 2);
    const reason = r.int("reason", 0, I32_MAX);
    const detail = r.str("detail");
    const own = r.str("own format");
    if (!r.done()) return failed(r);
    reportMalformed(h, channel, reason, detail, own);
    return ok(0);
  }
  if (kind == IN_EVENTS_DELIVERED) {
    const n = r.int("event count", 0, I32_MAX);
    if (!r.done()) return failed(r);
    eventsDelivered(h, n);
    return ok(0);
  }
  return fail(E_KIND, "unknown input kind " + kind.toString());
}

/**
 * Move every pending output into the result buffer (oldest first) as
 * u32 count + records; returns the result length or an error code.
 */
export function zc_poll(h: i32): i32 {
  gcSafePoint();
  if (!isLive(h)) return badHandle(h);
  const outs = pollOutputs(h);
  const w = result;
  w.reset();
  w.u32(<u32>outs.length);
  for (let i = 0; i < outs.length; i++) {
    const o = outs[i];
    w.u32(<u32>o.kind);
    const at = w.len;
    w.u32(0); // body length, patched below
    const k = o.kind;
    if (k == OUT_SUBSCRIPTION || k == OUT_UNSUBSCRIPTION) {
      w.str(o.topic);
    } else if (k == OUT_PUBLISH) {
      w.str(o.topic);
      w.str(o.event);
      w.u32(2);
      w.str(o.name);
      w.str(o.id);
    } else if (k == OUT_NODE_UP || k == OUT_NODE_DOWN) {
      w.str(o.name);
      w.str(o.id);
    } else if (k == OUT_LOG_BATCH) {
      w.u32(<u32>o.key);
      w.u32(<u32>o.count);
      for (let f = 0; f < 4; f++) w.str(logStreamField(h, o.key, f));
    } else {
      // OUT_CLUSTER_LOG, OUT_WARNING, OUT_ERROR, OUT_DIAGNOSTIC and any later text kind.
      w.str(o.message);
    }
    w.patch(at, <u32>(w.len - at - 4));
  }
  return w.len;
}

/**
 * The next time (ms) zc_input(TIMEOUT) is due, -1 for none. NaN when `h` is
 * not live (f64 results cannot carry the error codes; the message is in the
 * result buffer).
 */
export function zc_next_timeout(h: i32): f64 {
  gcSafePoint();
  if (!isLive(h)) {
    badHandle(h);
    return NaN;
  }
  ok(0);
  return pollTimeout(h);
}

/**
 * A counter: 0 xpub_drops, 1 onloop_drops, 2 msg_errors, 3 queued events,
 * 4 log records written. NaN when `h` is not live or `which` is unknown.
 */
export function zc_counter(h: i32, which: i32): f64 {
  gcSafePoint();
  if (!isLive(h)) {
    badHandle(h);
    return NaN;
  }
  if (which < 0 || which > 4) {
    fail(E_KIND, "unknown counter " + which.toString());
    return NaN;
  }
  ok(0);
  return counter(h, which);
}

/**
 * A question about an instance's configuration or state (or a pure
 * function: ops 11, 12, 13 and 17 ignore `h`). The reply goes into the
 * result buffer; returns its length or an error code.
 */
export function zc_query(h: i32, ptr: usize, len: u32): i32 {
  gcSafePoint();
  const r = reader.reset(ptr, len);
  const op = r.u32("query op");
  if (!r.ok) return failed(r);
  const pure = op == Q_ROLE_TOPIC || op == Q_POOL_TOPIC || op == Q_NODE_ID_FOR || op == Q_CORE_API_VERSION;
  if (!pure && op >= Q_STARTUP_TOPICS && op <= Q_LOG_STREAM_FIELD && !isLive(h)) return badHandle(h);
  const w = result;
  if (op == Q_STARTUP_TOPICS || op == Q_CONNECT_LOG_ENDPOINTS) {
    if (!r.done()) return failed(r);
    const items = op == Q_STARTUP_TOPICS ? startupTopics(h) : connectLogEndpoints(h);
    w.reset();
    w.list(items);
    return w.len;
  }
  if (op == Q_LISTEN_LOG_ENDPOINT) {
    if (!r.done()) return failed(r);
    return replyStr(listenLogEndpoint(h));
  }
  if (op == Q_RUN_PROXY_THREAD_DEFAULT || op == Q_IS_LOG_RECEIVER || op == Q_PEERS_UP || op == Q_CORE_API_VERSION) {
    if (!r.done()) return failed(r);
    if (op == Q_RUN_PROXY_THREAD_DEFAULT) return replyU32(runProxyThreadDefault(h) ? 1 : 0);
    if (op == Q_IS_LOG_RECEIVER) return replyU32(isLogReceiver(h) ? 1 : 0);
    if (op == Q_PEERS_UP) return replyU32(<u32>peersUp(h));
    return replyU32(<u32>coreApiVersion());
  }
  if (op == Q_NODE_TYPE || op == Q_NODE_TOPIC || op == Q_NODEID_TOPIC || op == Q_PARSE_NODEID_TOPIC || op == Q_PEER_ID) {
    const s = r.str(op == Q_NODEID_TOPIC ? "node id" : op == Q_PARSE_NODEID_TOPIC ? "topic" : "node name");
    if (!r.done()) return failed(r);
    if (op == Q_NODE_TYPE) return replyU32(<u32>nodeType(h, s));
    if (op == Q_NODE_TOPIC) return replyStr(nodeTopic(h, s));
    if (op == Q_NODEID_TOPIC) return replyStr(nodeidTopic(h, s));
    if (op == Q_PARSE_NODEID_TOPIC) return replyStr(parseNodeidTopic(h, s));
    return replyStr(peerId(h, s));
  }
  if (op == Q_READY_PROBE_TOPIC || op == Q_ROLE_TOPIC || op == Q_POOL_TOPIC) {
    const n = r.int(op == Q_READY_PROBE_TOPIC ? "counter" : "node type", 0, I32_MAX);
    if (!r.done()) return failed(r);
    if (op == Q_READY_PROBE_TOPIC) return replyStr(readyProbeTopic(h, n));
    return replyStr(op == Q_ROLE_TOPIC ? roleTopicOf(n) : poolTopicOf(n));
  }
  if (op == Q_NODE_ID_FOR) {
    const node = r.str("node");
    const host = r.str("host");
    const pid = r.int("pid", 0, I32_MAX);
    const entropy = r.bytes("entropy");
    if (!r.done()) return failed(r);
    return replyStr(nodeIdFor(node, host, pid, entropy));
  }
  if (op == Q_LOG_STREAM_FIELD) {
    const key = r.int("log stream key", 0, I32_MAX);
    const field = r.int("field", 0, 3);
    if (!r.done()) return failed(r);
    return replyStr(logStreamField(h, key, field));
  }
  return fail(E_KIND, "unknown query op " + op.toString());
}

function replyStr(s: string): i32 {
  result.reset();
  result.str(s);
  return result.len;
}

function replyU32(v: u32): i32 {
  result.reset();
  result.u32(v);
  return result.len;
}
