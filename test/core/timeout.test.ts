// pollTimeout: the one deadline a host arms its timer to (quinn's
// poll_timeout). The earliest of the pending hello/subscription expiries
// (created + hello_expiration) and the log flushes (first record +
// flush_interval); -1 when nothing is pending. Completed handshakes and
// flushed buffers must not leave stale deadlines behind.

import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CORE_BUILDS, loadBuild, type CoreApi } from "./builds";
import { drain } from "./outputs";

const ZH = "Cluster::Backend::ZeroMQ::hello";
const nid = (id: string) => `zeek.cluster.nodeid.${id}.`;

describe.each(CORE_BUILDS)("pollTimeout (%s build)", (build) => {
  let api: CoreApi;
  let h: number;
  beforeAll(async () => {
    api = await loadBuild(build);
  });
  beforeEach(() => {
    h = api.coreCreate("manager", "M");
    api.addNode(h, "manager", 1, "", 0);
    api.addNode(h, "worker-1", 4, "", 0);
    api.addNode(h, "worker-2", 4, "", 0);
  });
  afterEach(() => api.coreDestroy(h));

  it("is -1 when idle", () => {
    expect(api.pollTimeout(h)).toBe(-1);
    api.handleSubscription(h, "zeek.cluster.worker", 5);
    api.handleSubscription(h, nid("M"), 5); // our own: no pending entry
    expect(api.pollTimeout(h)).toBe(-1);
  });

  it("is the earliest pending expiry and skips completed handshakes", () => {
    api.handleSubscription(h, nid("W1"), 1000);
    expect(api.pollTimeout(h)).toBe(11000);
    api.handleHelloEvent(h, ZH, "worker-2", "W2", 2500);
    expect(api.pollTimeout(h)).toBe(11000);
    // worker-1's pair completes: its deadline goes, worker-2's is next.
    api.handleHelloEvent(h, ZH, "worker-1", "W1", 3000);
    expect(api.pollTimeout(h)).toBe(12500);
    api.handleSubscription(h, nid("W2"), 4000);
    expect(api.pollTimeout(h)).toBe(-1);
    drain(api, h);
  });

  it("moves on after the deadline fires", () => {
    api.handleSubscription(h, nid("W1"), 0);
    api.handleSubscription(h, nid("W2"), 700);
    drain(api, h);
    api.handleTimeout(h, 9999);
    expect(drain(api, h)).toEqual([]);
    expect(api.pollTimeout(h)).toBe(10000);
    api.handleTimeout(h, 10000);
    expect(drain(api, h)).toEqual([{ kind: "warning", message: "Expired subscription from nodeid W1" }]);
    expect(api.pollTimeout(h)).toBe(10700);
    api.handleTimeout(h, 10700);
    expect(api.pollTimeout(h)).toBe(-1);
  });

  it("follows hello_expiration", () => {
    api.setHelloExpiration(h, 250);
    api.handleHelloEvent(h, ZH, "worker-1", "W1", 100);
    expect(api.pollTimeout(h)).toBe(350);
  });

  it("includes log flush deadlines", () => {
    api.setLogBatching(h, 10, 1000);
    const conn = api.registerLogStream(h, "Conn::LOG", "default", "conn", "Log::WRITER_ASCII");
    const dns = api.registerLogStream(h, "DNS::LOG", "default", "dns", "Log::WRITER_ASCII");
    api.logWrite(h, conn, 500);
    api.logWrite(h, dns, 600);
    api.logWrite(h, conn, 700); // not the first record: no new deadline
    expect(api.pollTimeout(h)).toBe(1500);
    api.handleSubscription(h, nid("W1"), 800);
    expect(api.pollTimeout(h)).toBe(1500);
    api.handleTimeout(h, 1500);
    expect(api.pollTimeout(h)).toBe(1600);
    api.flushLogs(h);
    expect(api.pollTimeout(h)).toBe(10800);
  });

  it("has no log deadline with flush_interval 0 (timer disabled upstream)", () => {
    api.setLogBatching(h, 10, 0);
    const conn = api.registerLogStream(h, "Conn::LOG", "default", "conn", "Log::WRITER_ASCII");
    api.logWrite(h, conn, 500);
    expect(api.pollTimeout(h)).toBe(-1);
    api.handleTimeout(h, 1e9);
    expect(drain(api, h)).toEqual([]);
    api.flushLogs(h);
    expect(drain(api, h)).toEqual([{ kind: "log_batch", key: conn, count: 1 }]);
  });

  it("only reports; it fires nothing", () => {
    api.handleSubscription(h, nid("W1"), 0);
    drain(api, h);
    expect(api.pollTimeout(h)).toBe(10000);
    expect(api.pollTimeout(h)).toBe(10000);
    expect(drain(api, h)).toEqual([]);
  });
});
