// The vector host for builds that export the flat core API (js, wasm).

import type { CoreApi } from "../core-api";
import type { Output } from "../../core/outputs";
import { nodeTypeCode, VECTOR_DEFAULTS, type VectorConfig, type VectorInput, type VectorOutput } from "./format";
import type { VectorHost, VectorSession } from "./driver";

// Output kind codes (core/kinds.ts) -> vector names.
const KIND_NAMES: Record<number, string> = {
  1: "subscription",
  2: "unsubscription",
  3: "publish",
  4: "node_up",
  5: "node_down",
  6: "cluster_log",
  7: "warning",
  8: "error",
  9: "log_batch",
  10: "diagnostic",
};

/** Open a core on `api` configured as a vector says; returns its handle. */
export function configureCore(api: CoreApi, config: VectorConfig): number {
  const h = api.coreCreate(config.node, config.node_id);
  for (const [name, node] of Object.entries(config.nodes ?? {})) {
    api.addNode(h, name, nodeTypeCode(node.node_type), node.ip ?? "", node.p ?? 0);
  }
  api.setManagerIsLogger(h, config.manager_is_logger ?? VECTOR_DEFAULTS.manager_is_logger);
  api.setHelloExpiration(h, config.hello_expiration_ms ?? VECTOR_DEFAULTS.hello_expiration_ms);
  api.setLogBatching(
    h,
    config.write_buffer_size ?? VECTOR_DEFAULTS.write_buffer_size,
    config.flush_interval_ms ?? VECTOR_DEFAULTS.flush_interval_ms,
  );
  api.setTopicPrefixes(
    h,
    config.node_topic_prefix ?? VECTOR_DEFAULTS.node_topic_prefix,
    config.nodeid_topic_prefix ?? VECTOR_DEFAULTS.nodeid_topic_prefix,
  );
  return h;
}

class FlatSession implements VectorSession {
  /** Host-side record queues per log stream key (the core only counts). */
  private records = new Map<number, unknown[]>();

  constructor(
    private api: CoreApi,
    private h: number,
  ) {}

  step(input: VectorInput, now: number): VectorOutput[] {
    const { api, h } = this;
    switch (input.kind) {
      case "subscription":
        api.handleSubscription(h, input.topic, now);
        break;
      case "unsubscription":
        api.handleUnsubscription(h, input.topic, now);
        break;
      case "event": {
        const args = input.args ?? [];
        if (args.length === 2 && typeof args[0] === "string" && typeof args[1] === "string") {
          api.handleHelloEvent(h, input.name, args[0], args[1], now);
        }
        break;
      }
      case "timeout":
        api.handleTimeout(h, now);
        break;
      case "log_write": {
        const key = api.registerLogStream(h, input.stream, input.filter, input.path, input.writer);
        let q = this.records.get(key);
        if (!q) this.records.set(key, (q = []));
        q.push(input.record);
        api.logWrite(h, key, now);
        break;
      }
      case "flush":
        api.flushLogs(h);
        break;
      default:
        throw new Error(`unknown input kind '${(input as { kind: string }).kind}'`);
    }
    return (api.pollOutputs(h) as Output[]).map((o) => this.toVector(o));
  }

  private toVector(o: Output): VectorOutput {
    const kind = KIND_NAMES[o.kind] ?? `kind-${o.kind}`;
    switch (o.kind) {
      case 1:
      case 2:
        return { kind, topic: o.topic };
      case 3:
        return { kind, topic: o.topic, event: o.event, args: [o.name, o.id] };
      case 4:
      case 5:
        return { kind, name: o.name, id: o.id };
      case 9: {
        const q = this.records.get(o.key) ?? [];
        const records = q.splice(0, o.count);
        const { api, h } = this;
        return {
          kind,
          stream: api.logStreamField(h, o.key, 0),
          filter: api.logStreamField(h, o.key, 1),
          path: api.logStreamField(h, o.key, 2),
          writer: api.logStreamField(h, o.key, 3),
          records,
        };
      }
      default:
        return { kind, message: o.message };
    }
  }

  close(): void {
    this.api.coreDestroy(this.h);
  }
}

export function flatHost(api: CoreApi): VectorHost {
  return { open: (config) => new FlatSession(api, configureCore(api, config)) };
}
