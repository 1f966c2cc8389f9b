// What a node derives from the cluster layout at start-up:
// - setup-subscriptions.zeek: pool topic, role topic, node-id topic, node topic;
// - options.zeek: run_proxy_thread defaults to T on the manager only;
// - main.zeek: listen_log_endpoint on log receivers with a port, and
//   connect_log_endpoints on everybody else (zeek-zeromq.md §5.4, §5.5),
//   with the `No ZeroMQ connect_log_endpoints configured` error when a
//   multi-node layout gives a pushing node nowhere to push.

import { beforeAll, describe, expect, it } from "vitest";
import { CORE_BUILDS, loadBuild, type CoreApi } from "./builds";
import { drain } from "./outputs";

const MANAGER = 1;
const LOGGER = 2;
const PROXY = 3;
const WORKER = 4;

type Node = [name: string, type: number, ip: string, port: number];

describe.each(CORE_BUILDS)("layout derivations (%s build)", (build) => {
  let api: CoreApi;
  beforeAll(async () => {
    api = await loadBuild(build);
  });

  /** A core for `self` over `nodes`; destroyed after `f`. */
  function withCore<T>(self: string, nodes: Node[], f: (h: number) => T, managerIsLogger?: boolean): T {
    const h = api.coreCreate(self, `zeromq_${self}_h_1_NX`);
    try {
      for (const [name, type, ip, port] of nodes) api.addNode(h, name, type, ip, port);
      if (managerIsLogger !== undefined) api.setManagerIsLogger(h, managerIsLogger);
      return f(h);
    } finally {
      api.coreDestroy(h);
    }
  }

  const FULL: Node[] = [
    ["manager", MANAGER, "10.0.0.1", 27757],
    ["logger-1", LOGGER, "10.0.0.2", 27761],
    ["logger-2", LOGGER, "10.0.0.3", 27762],
    ["proxy-1", PROXY, "10.0.0.4", 0],
    ["worker-1", WORKER, "10.0.0.5", 0],
  ];

  describe("startupTopics", () => {
    it.each([
      ["manager", ["zeek.cluster.manager"]],
      ["logger-1", ["zeek.cluster.pool.logger", "zeek.cluster.logger"]],
      ["proxy-1", ["zeek.cluster.pool.proxy", "zeek.cluster.proxy"]],
      ["worker-1", ["zeek.cluster.pool.worker", "zeek.cluster.worker"]],
    ])("%s: pool, role, node-id, node", (self, head) => {
      withCore(self, FULL, (h) => {
        expect(api.startupTopics(h)).toEqual([...head, `zeek.cluster.nodeid.zeromq_${self}_h_1_NX.`, `zeek.cluster.node.${self}.`]);
        expect(drain(api, h)).toEqual([]);
      });
    });

    it("uses the configured prefixes", () => {
      withCore("worker-1", FULL, (h) => {
        api.setTopicPrefixes(h, "n", "i");
        expect(api.startupTopics(h)).toEqual(["zeek.cluster.pool.worker", "zeek.cluster.worker", "i.zeromq_worker-1_h_1_NX.", "n.worker-1."]);
      });
    });

    it("is empty for a process outside the layout (setup-subscriptions returns for NONE)", () => {
      withCore("supervisor", FULL, (h) => expect(api.startupTopics(h)).toEqual([]));
    });
  });

  describe("runProxyThreadDefault", () => {
    it.each([
      ["manager", true],
      ["logger-1", false],
      ["proxy-1", false],
      ["worker-1", false],
      ["not-in-layout", false],
    ])("%s -> %s", (self, want) => {
      withCore(self, FULL, (h) => expect(api.runProxyThreadDefault(h)).toBe(want));
    });
  });

  describe("listenLogEndpoint", () => {
    it("binds a logger on its layout address and port", () => {
      withCore("logger-2", FULL, (h) => expect(api.listenLogEndpoint(h)).toBe("tcp://10.0.0.3:27762"));
    });

    it("binds the manager when manager_is_logger and it has a port", () => {
      withCore("manager", FULL, (h) => expect(api.listenLogEndpoint(h)).toBe("tcp://10.0.0.1:27757"));
      withCore("manager", FULL, (h) => expect(api.listenLogEndpoint(h)).toBe(""), false);
    });

    it("is empty for pushing nodes and for receivers without a port", () => {
      withCore("worker-1", FULL, (h) => expect(api.listenLogEndpoint(h)).toBe(""));
      withCore("proxy-1", FULL, (h) => expect(api.listenLogEndpoint(h)).toBe(""));
      withCore("logger-1", [["logger-1", LOGGER, "10.0.0.2", 0]], (h) => expect(api.listenLogEndpoint(h)).toBe(""));
    });

    it("brackets IPv6 addresses (addr_to_uri)", () => {
      withCore("logger-1", [["logger-1", LOGGER, "::1", 27761]], (h) => expect(api.listenLogEndpoint(h)).toBe("tcp://[::1]:27761"));
      withCore("logger-1", [["logger-1", LOGGER, "[fe80::1]", 27761]], (h) => expect(api.listenLogEndpoint(h)).toBe("tcp://[fe80::1]:27761"));
    });
  });

  describe("connectLogEndpoints", () => {
    it("every logger with a port, plus the manager when manager_is_logger", () => {
      withCore("worker-1", FULL, (h) => {
        expect(api.connectLogEndpoints(h)).toEqual(["tcp://10.0.0.1:27757", "tcp://10.0.0.2:27761", "tcp://10.0.0.3:27762"]);
        expect(drain(api, h)).toEqual([]);
      });
      withCore("proxy-1", FULL, (h) => expect(api.connectLogEndpoints(h)).toEqual(["tcp://10.0.0.2:27761", "tcp://10.0.0.3:27762"]), false);
    });

    it("the manager pushes to the loggers unless it is the logger", () => {
      withCore("manager", FULL, (h) => expect(api.connectLogEndpoints(h)).toEqual(["tcp://10.0.0.2:27761", "tcp://10.0.0.3:27762"]), false);
      withCore("manager", FULL, (h) => {
        expect(api.connectLogEndpoints(h)).toEqual([]);
        expect(drain(api, h)).toEqual([]);
      });
    });

    it("loggers push nowhere and report nothing", () => {
      withCore("logger-1", FULL, (h) => {
        expect(api.connectLogEndpoints(h)).toEqual([]);
        expect(drain(api, h)).toEqual([]);
      });
    });

    it("brackets IPv6 logger and manager addresses", () => {
      const v6: Node[] = [
        ["manager", MANAGER, "fd00::1", 27757],
        ["logger-1", LOGGER, "fd00::2", 27761],
        ["worker-1", WORKER, "fd00::5", 0],
      ];
      // Upstream leaves the manager's IPv6 address unbracketed (a latent bug, §5.5); we bracket it.
      withCore("worker-1", v6, (h) => expect(api.connectLogEndpoints(h)).toEqual(["tcp://[fd00::1]:27757", "tcp://[fd00::2]:27761"]));
    });

    it("reports the upstream error when a multi-node layout has no receiver with a port", () => {
      const noPorts: Node[] = [
        ["manager", MANAGER, "10.0.0.1", 0],
        ["worker-1", WORKER, "10.0.0.5", 0],
      ];
      withCore("worker-1", noPorts, (h) => {
        expect(api.connectLogEndpoints(h)).toEqual([]);
        expect(drain(api, h)).toEqual([{ kind: "error", message: "No ZeroMQ connect_log_endpoints configured" }]);
      });
      withCore("manager", noPorts, (h) => {
        expect(api.connectLogEndpoints(h)).toEqual([]);
        expect(drain(api, h)).toEqual([{ kind: "error", message: "No ZeroMQ connect_log_endpoints configured" }]);
      }, false);
    });

    it("stays quiet for a single-node layout", () => {
      withCore("worker-1", [["worker-1", WORKER, "10.0.0.5", 0]], (h) => {
        expect(api.connectLogEndpoints(h)).toEqual([]);
        expect(drain(api, h)).toEqual([]);
      });
    });
  });

  it("nodeType and isLogReceiver", () => {
    withCore("manager", FULL, (h) => {
      expect(api.nodeType(h, "manager")).toBe(MANAGER);
      expect(api.nodeType(h, "logger-2")).toBe(LOGGER);
      expect(api.nodeType(h, "proxy-1")).toBe(PROXY);
      expect(api.nodeType(h, "worker-1")).toBe(WORKER);
      expect(api.nodeType(h, "worker-9")).toBe(0);
      expect(api.isLogReceiver(h)).toBe(true);
    });
    withCore("manager", FULL, (h) => expect(api.isLogReceiver(h)).toBe(false), false);
    withCore("logger-1", FULL, (h) => expect(api.isLogReceiver(h)).toBe(true));
    withCore("worker-1", FULL, (h) => expect(api.isLogReceiver(h)).toBe(false));
  });
});
