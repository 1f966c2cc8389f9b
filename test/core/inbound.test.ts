// Receive-side accounting (zeek-zeromq.md §1.8, §8): frame-count checks with
// the I/O thread's stderr texts (every time), the onloop_queue_hwm bound on
// received events with a once-only warning, and the xpub_drops counter.

import { beforeEach, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CORE_BUILDS, loadBuild, type CoreApi } from "./builds";
import { drain } from "./outputs";
import {
  escapeBytes,
  frameCountText,
  oversizedDetail,
  undecodableEventText,
  undecodableLogText,
  wrongEventFormatText,
  wrongLogFormatText,
} from "../../adapters/node/codec/frames";

const XSUB = 0;
const XPUB = 1;
const LOG = 2;
const MALFORMED_FRAME_COUNT = 1;
const MALFORMED_UNKNOWN_FORMAT = 2;
const MALFORMED_UNDECODABLE = 3;
const MALFORMED_OVERSIZED = 4;
const C_XPUB_DROPS = 0;
const C_ONLOOP_DROPS = 1;
const C_MSG_ERRORS = 2;
const C_QUEUED = 3;

const diag = (message: string) => ({ kind: "diagnostic", message });

describe.each(CORE_BUILDS)("inbound accounting (%s build)", (build) => {
  let api: CoreApi;
  let h: number;
  beforeAll(async () => {
    api = await loadBuild(build);
  });
  beforeEach(() => {
    h = api.coreCreate("worker-1", "W1");
  });
  afterEach(() => api.coreDestroy(h));

  describe("checkFrames", () => {
    it("accepts 4 frames on xsub and log, 1 on xpub, silently", () => {
      expect(api.checkFrames(h, XSUB, 4)).toBe(true);
      expect(api.checkFrames(h, LOG, 4)).toBe(true);
      expect(api.checkFrames(h, XPUB, 1)).toBe(true);
      expect(drain(api, h)).toEqual([]);
      expect(api.counter(h, C_MSG_ERRORS)).toBe(0);
    });

    it("rejects other counts with upstream's text, every time, counting msg_errors", () => {
      expect(api.checkFrames(h, XSUB, 3)).toBe(false);
      expect(api.checkFrames(h, XSUB, 3)).toBe(false);
      expect(api.checkFrames(h, XPUB, 2)).toBe(false);
      expect(api.checkFrames(h, LOG, 5)).toBe(false);
      expect(api.checkFrames(h, XPUB, 0)).toBe(false);
      expect(drain(api, h)).toEqual([
        diag("[zeromq] xsub: error: expected 4 parts, have 3!"),
        diag("[zeromq] xsub: error: expected 4 parts, have 3!"),
        diag("[zeromq] xpub: error: expected 1 part, have 2!"),
        diag("[zeromq] log: error: expected 4 parts, have 5!"),
        diag("[zeromq] xpub: error: expected 1 part, have 0!"),
      ]);
      expect(api.counter(h, C_MSG_ERRORS)).toBe(5);
    });
  });

  describe("reportMalformed", () => {
    it("uses upstream's reporter texts and counts msg_errors", () => {
      api.reportMalformed(h, XSUB, MALFORMED_UNKNOWN_FORMAT, "broker-json-v1", "broker-bin-v1");
      api.reportMalformed(h, LOG, MALFORMED_UNKNOWN_FORMAT, "json-lines", "zeek-bin-serializer");
      api.reportMalformed(h, XSUB, MALFORMED_UNDECODABLE, "zeek.cluster.worker: \\x0e\\x01", "broker-bin-v1");
      api.reportMalformed(h, LOG, MALFORMED_UNDECODABLE, "", "zeek-bin-serializer");
      api.reportMalformed(h, XSUB, MALFORMED_FRAME_COUNT, "expected 4 parts, have 2!", "");
      expect(drain(api, h)).toEqual([
        { kind: "error", message: "ProcessEventMessage: Wrong format: broker-json-v1 vs broker-bin-v1" },
        { kind: "error", message: "Got log message in format 'json-lines', but have deserializer 'zeek-bin-serializer'" },
        { kind: "error", message: "Failed to unserialize message: zeek.cluster.worker: \\x0e\\x01" },
        { kind: "error", message: "Failed to unserialize log message using 'zeek-bin-serializer'" },
        diag("[zeromq] xsub: error: expected 4 parts, have 2!"),
      ]);
      expect(api.counter(h, C_MSG_ERRORS)).toBe(5);
    });
  });

  describe("the codec's texts (codec/frames.ts, for hosts that print without a core) are the core's", () => {
    it("frame counts, unknown formats, undecodable payloads, oversized messages", () => {
      const payload = Uint8Array.of(0x0e, 0x01, 0x41);
      const cases: [() => void, { kind: string; message: string }][] = [
        [() => api.checkFrames(h, XSUB, 5), diag(frameCountText("xsub", 5))],
        [() => api.checkFrames(h, LOG, 1), diag(frameCountText("log", 1))],
        [() => api.checkFrames(h, XPUB, 2), diag(frameCountText("xpub", 2))],
        [() => api.reportMalformed(h, XSUB, MALFORMED_UNKNOWN_FORMAT, "x-v1", "broker-bin-v1"), { kind: "error", message: wrongEventFormatText("x-v1", "broker-bin-v1") }],
        [() => api.reportMalformed(h, LOG, MALFORMED_UNKNOWN_FORMAT, "x-v1", "zeek-bin-serializer"), { kind: "error", message: wrongLogFormatText("x-v1", "zeek-bin-serializer") }],
        [() => api.reportMalformed(h, XSUB, MALFORMED_UNDECODABLE, `t.a: ${escapeBytes(payload)}`, "broker-bin-v1"), { kind: "error", message: undecodableEventText("t.a", payload) }],
        [() => api.reportMalformed(h, LOG, MALFORMED_UNDECODABLE, "", "zeek-bin-serializer"), { kind: "error", message: undecodableLogText("zeek-bin-serializer") }],
        [() => api.reportMalformed(h, XSUB, MALFORMED_OVERSIZED, oversizedDetail(70, 64), ""), diag("[zeromq] xsub: error: message too large (70 bytes, max_message_size 64)")],
      ];
      for (const [input, output] of cases) {
        input();
        expect(drain(api, h)).toEqual([output]);
      }
      expect(api.counter(h, C_MSG_ERRORS)).toBe(cases.length);
    });
  });

  describe("admitEvent (onloop_queue_hwm)", () => {
    it("queues up to the HWM, then drops and counts, warning once", () => {
      api.setOnloopQueueHwm(h, 3);
      expect([api.admitEvent(h), api.admitEvent(h), api.admitEvent(h)]).toEqual([true, true, true]);
      expect(drain(api, h)).toEqual([]);
      expect(api.admitEvent(h)).toBe(false);
      expect(api.admitEvent(h)).toBe(false);
      expect(drain(api, h)).toEqual([diag("[zeromq] warn: dropped a message due to onloop queue full")]);
      expect(api.counter(h, C_ONLOOP_DROPS)).toBe(2);
      expect(api.counter(h, C_QUEUED)).toBe(3);
      // The main loop takes two: two places free up.
      api.eventsDelivered(h, 2);
      expect(api.counter(h, C_QUEUED)).toBe(1);
      expect([api.admitEvent(h), api.admitEvent(h), api.admitEvent(h)]).toEqual([true, true, false]);
      // Still only the one warning per instance.
      expect(drain(api, h)).toEqual([]);
      expect(api.counter(h, C_ONLOOP_DROPS)).toBe(3);
    });

    it("defaults to 10000", () => {
      for (let i = 0; i < 10000; i++) expect(api.admitEvent(h)).toBe(true);
      expect(api.admitEvent(h)).toBe(false);
      expect(api.counter(h, C_ONLOOP_DROPS)).toBe(1);
    });

    it("0 means unbounded", () => {
      api.setOnloopQueueHwm(h, 0);
      let admitted = 0;
      for (let i = 0; i < 25000; i++) if (api.admitEvent(h)) admitted++;
      expect(admitted).toBe(25000);
      expect(api.counter(h, C_ONLOOP_DROPS)).toBe(0);
      expect(drain(api, h)).toEqual([]);
    });

    it("eventsDelivered never goes below empty", () => {
      api.admitEvent(h);
      api.eventsDelivered(h, 5);
      expect(api.counter(h, C_QUEUED)).toBe(0);
    });
  });

  describe("xpubDropped", () => {
    it("counts every drop and warns once", () => {
      api.xpubDropped(h);
      api.xpubDropped(h);
      api.xpubDropped(h);
      expect(api.counter(h, C_XPUB_DROPS)).toBe(3);
      expect(drain(api, h)).toEqual([diag("[zeromq] xpub: warn: dropped a message due to hwm")]);
    });
  });

  it("keeps counters and once-only warnings per instance", () => {
    const other = api.coreCreate("worker-2", "W2");
    try {
      api.xpubDropped(h);
      drain(api, h);
      api.xpubDropped(other);
      expect(drain(api, other)).toEqual([diag("[zeromq] xpub: warn: dropped a message due to hwm")]);
      expect(api.counter(other, C_XPUB_DROPS)).toBe(1);
      expect(api.counter(h, C_XPUB_DROPS)).toBe(1);
    } finally {
      api.coreDestroy(other);
    }
  });
});
