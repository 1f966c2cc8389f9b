// Frame builders/parsers with upstream's texts (design §1.8), and the format registry.

import { describe, expect, it } from "vitest";
import {
  CodecError,
  decodeEvent,
  encodeEvent,
  escapeBytes,
  EVENT_FORMAT,
  eventMessage,
  FormatRegistry,
  frameCountText,
  LOG_FORMAT,
  logMessage,
  msgpackEventCodec,
  parseEventMessage,
  parseLogMessage,
  parseSubscription,
  subscriptionFrame,
  undecodableEventText,
  unsubscriptionFrame,
  type EventCodec,
} from "../../adapters/node/codec/index";

describe("frames", () => {
  it("builds and parses the 4-frame event", () => {
    const payload = encodeEvent("Cluster::hello", ["worker-1", "id-1"]);
    const frames = eventMessage("zeek.cluster.worker", "zeromq_worker-1_host_1_Nabc", EVENT_FORMAT, payload);
    expect(frames.map((f) => Buffer.from(f).toString("latin1")).slice(0, 3)).toEqual([
      "zeek.cluster.worker",
      "zeromq_worker-1_host_1_Nabc",
      "zmq-cluster-msgpack-v1",
    ]);
    const parsed = parseEventMessage(frames);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value.topic).toBe("zeek.cluster.worker");
      expect(parsed.value.sender).toBe("zeromq_worker-1_host_1_Nabc");
      expect(parsed.value.format).toBe(EVENT_FORMAT);
      expect(decodeEvent(parsed.value.payload).args).toEqual(["worker-1", "id-1"]);
    }
  });

  it("log messages start with log-write", () => {
    const frames = logMessage("node", LOG_FORMAT, Uint8Array.of(0x90));
    expect(Buffer.from(frames[0]).toString()).toBe("log-write");
    const parsed = parseLogMessage([Buffer.from("anything"), ...frames.slice(1)]);
    expect(parsed).toEqual({ ok: true, value: { sender: "node", format: LOG_FORMAT, payload: Uint8Array.of(0x90) } });
  });

  it("wrong frame counts give upstream's stderr lines", () => {
    expect(parseEventMessage([Buffer.from("t")])).toEqual({
      ok: false,
      error: { channel: "xsub", frames: 1, text: "[zeromq] xsub: error: expected 4 parts, have 1!" },
    });
    const log = parseLogMessage([]);
    expect(!log.ok && log.error.text).toBe("[zeromq] log: error: expected 4 parts, have 0!");
    const sub = parseSubscription([Buffer.of(1), Buffer.of(2)]);
    expect(!sub.ok && sub.error.text).toBe("[zeromq] xpub: error: expected 1 part, have 2!");
    expect(frameCountText("xsub", 5)).toBe("[zeromq] xsub: error: expected 4 parts, have 5!");
  });

  it("subscription frames: 0x01/0x00 + topic; anything else is ignored", () => {
    expect(subscriptionFrame("zeek.cluster.")).toEqual(Buffer.from("\x01zeek.cluster.", "latin1"));
    expect(unsubscriptionFrame("a")).toEqual(Buffer.of(0x00, 0x61));
    expect(parseSubscription([subscriptionFrame("zeek.cluster.node.w1.")])).toEqual({
      ok: true,
      value: { kind: "subscribe", topic: "zeek.cluster.node.w1." },
    });
    expect(parseSubscription([unsubscriptionFrame("")])).toEqual({ ok: true, value: { kind: "unsubscribe", topic: "" } });
    expect(parseSubscription([Buffer.of(2, 0x61)])).toEqual({ ok: true, value: { kind: "ignored" } });
    expect(parseSubscription([Buffer.alloc(0)])).toEqual({ ok: true, value: { kind: "ignored" } });
  });

  it("escapes payloads as Zeek's get_escaped_string does", () => {
    expect(escapeBytes(Buffer.from("ab c\n\\\x7f\xff", "latin1"))).toBe("ab\\x20c\\x0a\\\\x7f\\xff");
    expect(undecodableEventText("t", Uint8Array.of(0x92, 0x41))).toBe("Failed to unserialize message: t: \\x92A");
  });
});

describe("format registry", () => {
  it("has our two formats and misses the rest", () => {
    const reg = FormatRegistry.withDefaults();
    expect(reg.eventFormatNames()).toEqual(["zmq-cluster-msgpack-v1"]);
    expect(reg.logFormatNames()).toEqual(["zmq-cluster-log-msgpack-v1"]);
    expect(reg.eventFormat("broker-bin-v1")).toBeUndefined();
    expect(reg.logFormat("zeek-bin-serializer")).toBeUndefined();
    expect(reg.eventCodec.name).toBe(EVENT_FORMAT);
    expect(reg.logCodec.name).toBe(LOG_FORMAT);
  });

  it("decodeEvent reports a miss and a bad payload with upstream's texts", () => {
    const reg = FormatRegistry.withDefaults();
    expect(reg.decodeEvent("broker-bin-v1", "t", Uint8Array.of(1))).toEqual({
      ok: false,
      reason: "unknown-format",
      text: "ProcessEventMessage: Wrong format: broker-bin-v1 vs zmq-cluster-msgpack-v1",
    });
    const bad = reg.decodeEvent(EVENT_FORMAT, "zeek.cluster.worker", Uint8Array.of(0x92));
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.reason).toBe("undecodable");
      expect(bad.text).toBe("Failed to unserialize message: zeek.cluster.worker: \\x92");
      expect(bad.error).toBeInstanceOf(CodecError);
      expect(bad.error?.code).toBe("truncated");
    }
    const good = reg.decodeEvent(EVENT_FORMAT, "t", encodeEvent("x", [1n]));
    expect(good).toEqual({ ok: true, event: { name: "x", args: [1n] } });
    expect(reg.decodeLogBatch("zeek-bin-serializer", Uint8Array.of())).toMatchObject({
      ok: false,
      reason: "unknown-format",
      text: "Got log message in format 'zeek-bin-serializer', but have deserializer 'zmq-cluster-log-msgpack-v1'",
    });
    expect(reg.decodeLogBatch(LOG_FORMAT, Uint8Array.of(0xc0))).toMatchObject({
      ok: false,
      reason: "undecodable",
      text: "Failed to unserialize log message using 'zmq-cluster-log-msgpack-v1'",
    });
  });

  it("stays open for other formats; a foreign codec's exception becomes a CodecError", () => {
    const reg = FormatRegistry.withDefaults();
    const fake: EventCodec = {
      name: "broker-bin-v1",
      encode: () => Uint8Array.of(),
      decode: () => {
        throw new TypeError("boom");
      },
    };
    reg.registerEventFormat(fake);
    expect(reg.eventFormat("broker-bin-v1")).toBe(fake);
    expect(reg.eventFormatName).toBe(EVENT_FORMAT);
    const r = reg.decodeEvent("broker-bin-v1", "t", Uint8Array.of(1));
    expect(!r.ok && r.error?.message).toBe("boom");
    expect(() => reg.registerEventFormat(msgpackEventCodec)).toThrow(/already registered/);
  });
});
