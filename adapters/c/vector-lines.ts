// Vectors <-> the line protocol of the C host (adapters/c/zc_host.c).
//
// The C host reads no JSON: each command is one line of TAB-separated,
// percent-encoded fields (encodeURIComponent; the C side decodes any %XX),
// and it answers in the same form. Here a vector's config and steps become
// such lines, and the host's output lines become vector outputs again.
// Log records travel as opaque JSON texts that the C host queues and echoes
// in its log_batch lines, like a real host keeps encoded records.

import { nodeTypeCode, VECTOR_DEFAULTS, type VectorConfig, type VectorInput, type VectorOutput } from "../vectors/format";

const enc = (s: string): string => encodeURIComponent(s);
const line = (fields: (string | number)[]): string => fields.map((f) => (typeof f === "number" ? String(f) : enc(f))).join("\t");

/** `create NODE NODE_ID OPTION...` with every option spelled out (defaults as the format gives them). */
export function createLine(config: VectorConfig): string {
  const f: (string | number)[] = ["create", config.node, config.node_id];
  for (const [name, node] of Object.entries(config.nodes ?? {})) {
    f.push("node", name, nodeTypeCode(node.node_type), node.ip ?? "", node.p ?? 0);
  }
  f.push("manager_is_logger", (config.manager_is_logger ?? VECTOR_DEFAULTS.manager_is_logger) ? 1 : 0);
  f.push("hello_expiration_ms", config.hello_expiration_ms ?? VECTOR_DEFAULTS.hello_expiration_ms);
  f.push(
    "log_batching",
    config.write_buffer_size ?? VECTOR_DEFAULTS.write_buffer_size,
    config.flush_interval_ms ?? VECTOR_DEFAULTS.flush_interval_ms,
  );
  f.push(
    "topic_prefixes",
    config.node_topic_prefix ?? VECTOR_DEFAULTS.node_topic_prefix,
    config.nodeid_topic_prefix ?? VECTOR_DEFAULTS.nodeid_topic_prefix,
  );
  return line(f);
}

/** `step H NOW INPUT...`. */
export function stepLine(h: number, input: VectorInput, now: number): string {
  const head: (string | number)[] = ["step", h, now, input.kind];
  switch (input.kind) {
    case "subscription":
    case "unsubscription":
      return line([...head, input.topic]);
    case "event": {
      // The ABI's event arguments are strings; an event with other arguments
      // cannot be a hello, so it goes in with none (the core ignores it, as
      // the flat host does by not calling handleHelloEvent at all).
      const args = input.args ?? [];
      const strings = args.every((a) => typeof a === "string") ? (args as string[]) : [];
      return line([...head, input.topic ?? "", input.name, strings.length, ...strings]);
    }
    case "timeout":
    case "flush":
      return line(head);
    case "log_write":
      return line([...head, input.stream, input.filter, input.path, input.writer, JSON.stringify(input.record)]);
    default:
      throw new Error(`unknown input kind '${(input as { kind: string }).kind}'`);
  }
}

export function destroyLine(h: number): string {
  return line(["destroy", h]);
}

/** Split a reply line into its decoded fields. */
export function fields(text: string): string[] {
  return text.split("\t").map((f) => decodeURIComponent(f));
}

/** One output line of a step -> a vector output. */
export function outputFromLine(text: string): VectorOutput {
  const f = fields(text);
  const kind = f[0];
  switch (kind) {
    case "subscription":
    case "unsubscription":
      return { kind, topic: f[1] };
    case "publish":
      return { kind, topic: f[1], event: f[2], args: f.slice(4, 4 + Number(f[3])) };
    case "node_up":
    case "node_down":
      return { kind, name: f[1], id: f[2] };
    case "log_batch":
      return {
        kind,
        stream: f[1],
        filter: f[2],
        path: f[3],
        writer: f[4],
        records: f.slice(6, 6 + Number(f[5])).map((r) => JSON.parse(r) as unknown),
      };
    case "cluster_log":
    case "warning":
    case "error":
    case "diagnostic":
      return { kind, message: f[1] };
    default:
      throw new Error(`C host: unexpected output line '${text}'`);
  }
}
