// Node ids (main.zeek): fmt("zeromq_%s_%s_%s_%s", Cluster::node, gethostname(),
// getpid(), unique_id("N")). The core draws no randomness: the host passes
// the entropy bytes, one alphanumeric character per byte.

import { beforeAll, describe, expect, it } from "vitest";
import { CORE_BUILDS, loadBuild, type CoreApi } from "./builds";

describe.each(CORE_BUILDS)("nodeIdFor (%s build)", (build) => {
  let api: CoreApi;
  beforeAll(async () => {
    api = await loadBuild(build);
  });

  it("maps entropy bytes to 0-9A-Za-z, modulo 62", () => {
    // 0->0 9->9 10->A 35->Z 36->a 61->z 62->0 123->z 255->7
    const bytes = new Uint8Array([0, 9, 10, 35, 36, 61, 62, 123, 255]);
    expect(api.nodeIdFor("worker-1", "zeek-host", 4711, bytes)).toBe("zeromq_worker-1_zeek-host_4711_N09AZaz0z7");
  });

  it("keeps an empty node name as upstream does", () => {
    expect(api.nodeIdFor("", "host", 12, new Uint8Array([1, 2, 3]))).toBe("zeromq__host_12_N123");
  });

  it("keeps dots in the host name", () => {
    expect(api.nodeIdFor("proxy-1", "p1.dc1.example.org", 99, new Uint8Array([20]))).toBe("zeromq_proxy-1_p1.dc1.example.org_99_NK");
  });

  it("is just N without entropy", () => {
    expect(api.nodeIdFor("manager", "h", 1, new Uint8Array(0))).toBe("zeromq_manager_h_1_N");
  });

  it("gives one alphanumeric per byte for any bytes", () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const id = api.nodeIdFor("worker-2", "h", 2147483647, bytes);
    expect(id).toMatch(/^zeromq_worker-2_h_2147483647_N[0-9A-Za-z]{256}$/);
    const suffix = id.slice(id.indexOf("_N") + 2);
    expect(suffix.slice(0, 62)).toBe("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    expect(suffix.slice(62, 64)).toBe("01");
    expect(suffix.slice(-4)).toBe("4567"); // 252..255 % 62
  });
});
