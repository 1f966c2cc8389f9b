// Frame validation and the receive-side classification under random input,
// at unit level (the fault suite's hostile-input scenario does the same over
// real sockets): whatever arrives, the checks never throw, reject exactly
// what docs/wire-format.md §2 says, and the core counts every rejection once.
// Decoder fuzzing of the payloads themselves is in test/codec/malformed.test.ts;
// the optional delivery keys of the log header are fuzzed here.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CORE_BUILDS, loadCore } from "../../adapters/core-api";
import {
  CodecError,
  decodeLogBatch,
  encodeLogBatch,
  frameCountText,
  parseEventMessage,
  parseLogMessage,
  parseSubscription,
  type LogHeader,
} from "../../adapters/node/codec/index";
import { float64, pack, RawBytes, type WireTree } from "../../adapters/node/codec/msgpack";
import { CHANNEL_LOG, CHANNEL_XPUB, CHANNEL_XSUB, MALFORMED_UNDECODABLE, MALFORMED_UNKNOWN_FORMAT } from "../../core/kinds";
import { Fuzz, hostileBatch, hostileEvent, hostileSubscription, nested } from "../../faults/lib/hostile";

const frame = fc.uint8Array({ maxLength: 64 });
const frames = fc.array(frame, { maxLength: 9 });

describe("frame parsers", () => {
  it("an event is exactly 4 frames; anything else is upstream's xsub error, never an exception", () => {
    fc.assert(
      fc.property(frames, (fs) => {
        const r = parseEventMessage(fs);
        expect(r.ok).toBe(fs.length === 4);
        if (!r.ok) expect(r.error.text).toBe(frameCountText("xsub", fs.length));
      }),
      { numRuns: 2000 },
    );
  });

  it("a log batch is exactly 4 frames (frame 0 unchecked)", () => {
    fc.assert(
      fc.property(frames, (fs) => {
        const r = parseLogMessage(fs);
        expect(r.ok).toBe(fs.length === 4);
        if (!r.ok) expect(r.error.text).toBe(`[zeromq] log: error: expected 4 parts, have ${fs.length}!`);
      }),
      { numRuns: 2000 },
    );
  });

  it("an XPUB message is 1 frame; 0x01/0x00 + topic is a (un)subscription, anything else is ignored", () => {
    fc.assert(
      fc.property(frames, (fs) => {
        const r = parseSubscription(fs);
        expect(r.ok).toBe(fs.length === 1);
        if (!r.ok) {
          expect(r.error.text).toBe(`[zeromq] xpub: error: expected 1 part, have ${fs.length}!`);
          return;
        }
        const f = fs[0]!;
        if (f.length === 0 || f[0]! > 1) expect(r.value).toEqual({ kind: "ignored" });
        else expect(r.value).toEqual({ kind: f[0] === 1 ? "subscribe" : "unsubscribe", topic: Buffer.from(f.subarray(1)).toString("utf8") });
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the core counts every rejection once", () => {
  for (const build of CORE_BUILDS) {
    it(`${build}: msg_errors equals the rejected messages of a random stream, on all three channels`, async () => {
      const api = await loadCore(build);
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              channel: fc.constantFrom(CHANNEL_XSUB, CHANNEL_XPUB, CHANNEL_LOG),
              frames: fc.nat({ max: 8 }),
              // After a good frame count: 0 fine, 1 unknown format, 2 undecodable.
              payload: fc.nat({ max: 2 }),
            }),
            { maxLength: 300 },
          ),
          (stream) => {
            const h = api.coreCreate("worker-1", "zeromq_worker-1_host_1_Nfuzz");
            let rejected = 0;
            for (const m of stream) {
              if (!api.checkFrames(h, m.channel, m.frames)) {
                rejected++;
                continue;
              }
              if (m.channel === CHANNEL_XPUB || m.payload === 0) continue;
              api.reportMalformed(h, m.channel, m.payload === 1 ? MALFORMED_UNKNOWN_FORMAT : MALFORMED_UNDECODABLE, "x", "fmt");
              rejected++;
            }
            const got = api.counter(h, 2);
            api.pollOutputs(h);
            api.coreDestroy(h);
            expect(got).toBe(rejected);
          },
        ),
        { numRuns: 200 },
      );
    });
  }
});

const HEADER: LogHeader = { stream: "S::LOG", writer: "Log::WRITER_ASCII", filter: "default", path: "s", fields: [{ name: "a", type: "count", optional: false }] };

describe("the log header's delivery keys (chan/seq/base)", () => {
  it("round-trip for every valid delivery", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.nat(), (chan, seq, back) => {
        const base = Math.max(1, seq - back);
        const d = { chan, seq, base };
        expect(decodeLogBatch(encodeLogBatch(HEADER, [[1n]], d)).delivery).toEqual(d);
      }),
      { numRuns: 500 },
    );
  });

  it("whatever values the keys have on the wire: a valid delivery, or a CodecError, never anything else", () => {
    const anyValue = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -5, max: 2 ** 40 }), fc.double(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.option(anyValue), fc.option(anyValue), fc.option(anyValue), (chan, seq, base) => {
        // The header built by hand (the encoder refuses bad deliveries).
        const header = new Map<string, WireTree>([
          ["stream", HEADER.stream],
          ["writer", HEADER.writer],
          ["filter", HEADER.filter],
          ["path", HEADER.path],
          ["fields", [new Map<string, WireTree>([["name", "a"], ["type", "count"], ["optional", false]])]],
        ]);
        const keys: [string, unknown][] = [["chan", chan], ["seq", seq], ["base", base]];
        for (const [k, v] of keys) if (v !== null) header.set(k, typeof v === "number" && !Number.isInteger(v) ? float64(v) : (v as WireTree));
        const bytes = pack([header, [[new RawBytes(Uint8Array.of(0xd4, 0x01, 0x01))]]]);
        const present = keys.filter(([, v]) => v !== null);
        const valid =
          present.length === 3 &&
          typeof chan === "string" && chan.length > 0 &&
          Number.isSafeInteger(seq) && Number.isSafeInteger(base) && (base as number) >= 1 && (seq as number) >= (base as number);
        let got;
        try {
          got = decodeLogBatch(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(CodecError);
          expect(valid || present.length === 0).toBe(false);
          return;
        }
        if (present.length === 0) expect(got.delivery).toBeUndefined();
        else {
          expect(valid).toBe(true);
          expect(got.delivery).toEqual({ chan, seq, base });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("hostile headers from the fault suite's fuzzer: decoded or a CodecError", () => {
    const f = new Fuzz(1);
    for (let i = 0; i < 3000; i++) {
      const m = hostileBatch(f);
      if (m.frames.length !== 4) continue;
      try {
        decodeLogBatch(m.frames[3]!);
      } catch (err) {
        expect(err).toBeInstanceOf(CodecError);
      }
    }
  });
});

describe("the fault suite's fuzzer", () => {
  it("is deterministic for a seed (every run sends the same messages)", () => {
    const run = () => {
      const f = new Fuzz(42);
      return [hostileEvent("t.", f), hostileBatch(f), hostileSubscription(f)].map((m) => Buffer.concat(m.frames).toString("hex"));
    };
    expect(run()).toEqual(run());
  });

  it("nests past the codec's limit without exhausting the stack", () => {
    expect(() => decodeLogBatch(nested(100_000))).toThrow(CodecError);
  });
});
