// The batcher keeps its earliest flush deadline as writes arrive and
// recomputes it only after a flush (core/batcher.ts): pollTimeout must still
// answer exactly what a scan over every stream would.

import { beforeAll, describe, expect, it } from "vitest";
import { CORE_BUILDS, loadBuild, type CoreApi } from "./builds";
import { drain } from "./outputs";

describe.each(CORE_BUILDS)("log flush deadline (%s build)", (build) => {
  let api: CoreApi;
  beforeAll(async () => {
    api = await loadBuild(build);
  });

  it("follows the earliest first write across streams, flushes and interval changes", () => {
    const h = api.coreCreate("worker-1", "W");
    api.setLogBatching(h, 3, 1000);
    const a = api.registerLogStream(h, "a", "default", "a", "ascii");
    const b = api.registerLogStream(h, "b", "default", "b", "ascii");
    const c = api.registerLogStream(h, "c", "default", "c", "ascii");
    expect(api.pollTimeout(h)).toBe(-1);
    api.logWrite(h, b, 7);
    expect(api.pollTimeout(h)).toBe(1007);
    // An earlier first write on another stream (hosts' clocks only go
    // forward, but the core takes the minimum anyway).
    api.logWrite(h, a, 3);
    api.logWrite(h, c, 9);
    expect(api.pollTimeout(h)).toBe(1003);
    // a fills up and flushes: b's first write is now the earliest.
    api.logWrite(h, a, 10);
    api.logWrite(h, a, 11);
    expect(drain(api, h)).toEqual([{ kind: "log_batch", key: a, count: 3 }]);
    expect(api.pollTimeout(h)).toBe(1007);
    api.logWrite(h, a, 12);
    expect(api.pollTimeout(h)).toBe(1007);
    // The timer fires for b only; c (9) is due at 1009.
    api.handleTimeout(h, 1007);
    expect(drain(api, h)).toEqual([{ kind: "log_batch", key: b, count: 1 }]);
    expect(api.pollTimeout(h)).toBe(1009);
    // A new interval applies to records already pending.
    api.setLogBatching(h, 3, 500);
    expect(api.pollTimeout(h)).toBe(509);
    api.setLogBatching(h, 3, 0);
    expect(api.pollTimeout(h)).toBe(-1);
    api.setLogBatching(h, 3, 1000);
    api.flushLogs(h);
    expect(drain(api, h)).toEqual([
      { kind: "log_batch", key: a, count: 1 },
      { kind: "log_batch", key: c, count: 1 },
    ]);
    expect(api.pollTimeout(h)).toBe(-1);
    api.coreDestroy(h);
  });
});
