// Malformed and hostile messages from a seeded fuzzer, for three places a
// raw ZeroMQ peer can write to: the broker's XSUB (events for a node's XSUB),
// a logger's PULL (log batches) and the broker's XPUB (subscription frames
// for every node's XPUB). Each generator also says what the receiving node
// must make of the message — the same checks, in the same order, as
// docs/wire-format.md §2 — so the test can predict msg_errors exactly:
//   "malformed"  counted in msg_errors (and reported)
//   "valid"      delivered (a well-formed event or batch; some random
//                mutations happen to decode, and are valid then)
//   "ignored"    dropped without a count, as upstream does (an XPUB frame
//                that is empty or starts with neither 0 nor 1)
import {
  decodeEvent,
  decodeLogBatch,
  encodeEvent,
  encodeLogBatch,
  EVENT_FORMAT,
  LOG_FORMAT,
  type LogHeader,
} from "../../adapters/node/codec/index";

export type Verdict = "malformed" | "valid" | "ignored";

export interface Hostile {
  frames: Buffer[];
  verdict: Verdict;
  /** What kind of input, for the figures. */
  kind: string;
}

/** mulberry32: a small seeded PRNG, so every run sends the same messages. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Fuzz {
  readonly rnd: () => number;
  constructor(seed: number) {
    this.rnd = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  /** Random bytes whose first byte is neither 0 nor 1 (never an XPUB (un)subscription), possibly empty. */
  notSub(n: number): Buffer {
    const b = this.bytes(n);
    if (n > 0 && b[0]! < 2) b[0] = 2 + this.int(254);
    return b;
  }
  /** A valid payload with a few bytes changed, cut short, or extended. */
  mutate(valid: Uint8Array): Buffer {
    const b = Buffer.from(valid);
    switch (this.int(3)) {
      case 0:
        for (let i = 1 + this.int(4); i > 0; i--) b[this.int(b.length)] = this.int(256);
        return b;
      case 1:
        return b.subarray(0, this.int(b.length));
      default:
        return Buffer.concat([b, this.bytes(1 + this.int(8))]);
    }
  }
}

/** MessagePack arrays nested `depth` deep (far past the codec's MAX_NESTING). */
export function nested(depth: number, inner: Buffer = Buffer.of(0xc0)): Buffer {
  return Buffer.concat([Buffer.alloc(depth, 0x91), inner]);
}

/** A cheap checksum that the receiving script recomputes, so "intact" means the same bytes. */
export function checksum(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

const text = (s: string) => Buffer.from(s, "utf8");
const SENDER = "zeromq_hostile_host_1_Nfuzz";

function eventVerdict(frames: Buffer[]): Verdict {
  if (frames.length !== 4) return "malformed";
  if (frames[2]!.toString("utf8") !== EVENT_FORMAT) return "malformed";
  try {
    decodeEvent(frames[3]!);
    return "valid";
  } catch {
    return "malformed";
  }
}

function logVerdict(frames: Buffer[]): Verdict {
  if (frames.length !== 4) return "malformed";
  if (frames[2]!.toString("utf8") !== LOG_FORMAT) return "malformed";
  try {
    decodeLogBatch(frames[3]!);
    return "valid";
  } catch {
    return "malformed";
  }
}

/** A well-formed Fault::valid(i, data, checksum) event for `topic`. */
export function validEvent(topic: string, i: number, f: Fuzz): Hostile {
  const data = f.bytes(1 + f.int(200)).toString("base64");
  const payload = encodeEvent("Fault::valid", [BigInt(i), data, BigInt(checksum(data))]);
  return { frames: [text(topic), text(SENDER), text(EVENT_FORMAT), Buffer.from(payload)], verdict: "valid", kind: "valid" };
}

/** One hostile message for a node's XSUB, published on `topic` (the target node's node topic). */
export function hostileEvent(topic: string, f: Fuzz): Hostile {
  const t = Buffer.concat([text(topic), f.notSub(f.int(8))]);
  const good = () => Buffer.from(encodeEvent("Fault::junk", [f.bytes(f.int(40)).toString("hex"), BigInt(f.int(1000))]));
  let kind: string;
  let frames: Buffer[];
  switch (f.int(9)) {
    case 0:
      kind = "frame-count";
      frames = [t, ...Array.from({ length: f.pick([0, 1, 2, 4, 5]) }, () => f.bytes(f.int(30)))];
      if (frames.length === 4) frames.push(Buffer.alloc(0));
      break;
    case 1:
      kind = "empty-frames";
      frames = f.int(2) ? [t, Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(0)] : [t, text(SENDER), text(EVENT_FORMAT), Buffer.alloc(0)];
      break;
    case 2:
      kind = "unknown-format";
      frames = [t, text(SENDER), text(f.pick(["broker-bin-v1", "zmq-cluster-msgpack-v2", "", "\u00ff\u0000", f.bytes(12).toString("hex")])), good()];
      break;
    case 3:
      kind = "truncated";
      {
        const g = good();
        frames = [t, text(SENDER), text(EVENT_FORMAT), g.subarray(0, f.int(g.length))];
      }
      break;
    case 4:
      kind = "random-msgpack";
      frames = [t, text(SENDER), text(EVENT_FORMAT), f.bytes(1 + f.int(300))];
      break;
    case 5:
      kind = "mutated";
      frames = [t, text(SENDER), text(EVENT_FORMAT), f.mutate(good())];
      break;
    case 6:
      kind = "deeply-nested";
      // [name, [[[[...]]]]]: a vector nested thousands deep.
      frames = [t, text(SENDER), text(EVENT_FORMAT), Buffer.concat([Buffer.of(0x92, 0xa1, 0x78), nested(1000 + f.int(20_000))])];
      break;
    case 7:
      kind = "bad-sender";
      frames = [t, f.bytes(f.int(60)), text(EVENT_FORMAT), f.bytes(f.int(50))];
      break;
    default:
      kind = "wrong-shape";
      // Valid MessagePack, not an event: a map, a bare number, [name] only, args not an array.
      frames = [t, text(SENDER), text(EVENT_FORMAT), f.pick([Buffer.of(0x80), Buffer.of(0x01), Buffer.of(0x91, 0xa1, 0x78), Buffer.of(0x92, 0xa1, 0x78, 0xc0)])];
  }
  return { frames, verdict: eventVerdict(frames), kind };
}

const HEADER: LogHeader = {
  stream: "Fault::HOSTILE",
  writer: "Log::WRITER_ASCII",
  filter: "default",
  path: "hostile",
  fields: [
    { name: "i", type: "count", optional: false },
    { name: "data", type: "string", optional: false },
    { name: "sum", type: "count", optional: false },
  ],
};

/** A well-formed, unnumbered batch of one record for the logger (path "hostile" or `path`). */
export function validBatch(i: number, f: Fuzz, path = "hostile"): Hostile {
  const data = f.bytes(1 + f.int(200)).toString("base64");
  const payload = encodeLogBatch({ ...HEADER, path }, [[BigInt(i), data, BigInt(checksum(data))]]);
  return { frames: [text("log-write"), text(SENDER), text(LOG_FORMAT), Buffer.from(payload)], verdict: "valid", kind: "valid" };
}

/** One hostile message for a logger's PULL. */
export function hostileBatch(f: Fuzz): Hostile {
  // The base of the bad ones; a mutation of it that still decodes is written to junk.log.
  const good = () => Buffer.from(encodeLogBatch({ ...HEADER, stream: "Fault::JUNK", path: "junk" }, [[BigInt(f.int(1000)), f.bytes(f.int(30)).toString("hex"), 0n]]));
  const w = text("log-write");
  let kind: string;
  let frames: Buffer[];
  switch (f.int(9)) {
    case 0:
      kind = "frame-count";
      frames = [w, ...Array.from({ length: f.pick([0, 1, 2, 4, 5]) }, () => f.bytes(f.int(30)))];
      if (frames.length === 4) frames.push(Buffer.alloc(0));
      break;
    case 1:
      kind = "empty-frames";
      frames = f.int(2) ? [Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(0)] : [w, text(SENDER), text(LOG_FORMAT), Buffer.alloc(0)];
      break;
    case 2:
      kind = "unknown-format";
      frames = [w, text(SENDER), text(f.pick(["zeek-bin-serializer", "zmq-cluster-log-msgpack-v2", "", f.bytes(10).toString("hex")])), good()];
      break;
    case 3:
      kind = "truncated";
      {
        const g = good();
        frames = [w, text(SENDER), text(LOG_FORMAT), g.subarray(0, f.int(g.length))];
      }
      break;
    case 4:
      kind = "random-msgpack";
      frames = [w, text(SENDER), text(LOG_FORMAT), f.bytes(1 + f.int(300))];
      break;
    case 5:
      kind = "mutated";
      frames = [w, text(SENDER), text(LOG_FORMAT), f.mutate(good())];
      break;
    case 6:
      kind = "deeply-nested";
      frames = [w, text(SENDER), text(LOG_FORMAT), nested(1000 + f.int(20_000))];
      break;
    case 7:
      kind = "bad-delivery";
      {
        // The optional chan/seq/base keys, wrong: a negative seq, base above seq, only one of them.
        const header = new Map<string, unknown>(Object.entries(HEADER));
        const bad = f.pick([{ chan: "c", seq: -1, base: 1 }, { chan: "c", seq: 1, base: 5 }, { seq: 3 }, { chan: 7, seq: 1, base: 1 }]);
        for (const [k, v] of Object.entries(bad)) header.set(k, v);
        frames = [w, text(SENDER), text(LOG_FORMAT), packRaw(header)];
      }
      break;
    default:
      kind = "wrong-shape";
      frames = [w, text(SENDER), text(LOG_FORMAT), f.pick([Buffer.of(0x80), Buffer.of(0x92, 0x80, 0x90), Buffer.of(0x91, 0xc0)])];
  }
  return { frames, verdict: logVerdict(frames), kind };
}

/** One hostile message for the broker's XPUB, which every node's XPUB gets. */
export function hostileSubscription(f: Fuzz): Hostile {
  switch (f.int(4)) {
    case 0:
    case 1: {
      // Several frames, none starting with 0/1 (libzmq's XPUB would take such
      // a frame for a subscription and split the message): the broker passes
      // it on whole, and each node counts a wrong frame count.
      const n = f.pick([2, 3, 4, 7]);
      return { frames: Array.from({ length: n }, () => f.notSub(f.int(40))), verdict: "malformed", kind: "frame-count" };
    }
    case 2:
      return { frames: [f.notSub(f.int(60))], verdict: "ignored", kind: "not-a-subscription" };
    default:
      return { frames: [Buffer.alloc(0)], verdict: "ignored", kind: "empty" };
  }
}

// A MessagePack [header-map, [[...]]] with arbitrary header values (the codec refuses to write bad ones).
function packRaw(header: Map<string, unknown>): Buffer {
  const parts: Buffer[] = [Buffer.of(0x92, 0x80 | header.size)];
  for (const [k, v] of header) {
    parts.push(str(k));
    if (typeof v === "string") parts.push(str(v));
    else if (typeof v === "number" && v < 0) parts.push(Buffer.of(0xff)); // negative fixint -1
    else if (typeof v === "number") parts.push(Buffer.of(v));
    else if (Array.isArray(v)) {
      parts.push(Buffer.of(0x90 | v.length));
      for (const fld of v as { name: string; type: string; optional: boolean }[]) {
        parts.push(Buffer.of(0x83), str("name"), str(fld.name), str("type"), str(fld.type), str("optional"), Buffer.of(fld.optional ? 0xc3 : 0xc2));
      }
    }
  }
  parts.push(Buffer.of(0x91, 0x93, 0xd4, 0x01, 0x01, 0xa1, 0x78, 0xd4, 0x01, 0x00));
  return Buffer.concat(parts);
}

function str(s: string): Buffer {
  const b = text(s);
  return Buffer.concat([Buffer.of(0xa0 | b.length), b]);
}
