// The core vector format (../shared/spec/core-vectors.md) as types, plus the
// canonical comparison every replay host shares.

export interface VectorNode {
  node_type: string;
  ip?: string;
  p?: number;
}

export interface VectorConfig {
  node: string;
  node_id: string;
  nodes: Record<string, VectorNode>;
  manager_is_logger?: boolean;
  hello_expiration_ms?: number;
  write_buffer_size?: number;
  flush_interval_ms?: number;
  node_topic_prefix?: string;
  nodeid_topic_prefix?: string;
}

export type VectorInput =
  | { kind: "subscription" | "unsubscription"; topic: string }
  | { kind: "event"; topic: string; name: string; args: unknown[] }
  | { kind: "timeout" }
  | { kind: "log_write"; stream: string; filter: string; path: string; writer: string; record: unknown }
  | { kind: "flush" };

export type VectorOutput = Record<string, unknown> & { kind: string };

export interface VectorStep {
  now: number;
  in: VectorInput;
  out: VectorOutput[];
}

export interface Vector {
  name: string;
  config: VectorConfig;
  steps: VectorStep[];
}

/** JSON with object keys sorted at every level: the comparison form. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return "[" + value.map(canonicalJson).join(",") + "]";
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonicalJson(obj[k])).join(",") + "}";
  }
  return JSON.stringify(value);
}

/**
 * Compare one step's outputs as multisets. Returns "" when equal, else the
 * first difference in words.
 */
export function diffOutputs(expected: VectorOutput[], actual: VectorOutput[]): string {
  const remaining = new Map<string, number>();
  for (const o of actual) {
    const k = canonicalJson(o);
    remaining.set(k, (remaining.get(k) ?? 0) + 1);
  }
  for (const o of expected) {
    const k = canonicalJson(o);
    const n = remaining.get(k) ?? 0;
    if (n === 0) return `missing ${k}` + (actual.length ? `; got ${actual.map(canonicalJson).join(" ")}` : "; got nothing");
    remaining.set(k, n - 1);
  }
  for (const [k, n] of remaining) if (n > 0) return `unexpected ${k}`;
  return "";
}

/** Defaults the format gives to optional config keys (upstream's defaults). */
export const VECTOR_DEFAULTS = {
  hello_expiration_ms: 10000,
  write_buffer_size: 1000,
  flush_interval_ms: 1000,
  node_topic_prefix: "zeek.cluster.node",
  nodeid_topic_prefix: "zeek.cluster.nodeid",
  manager_is_logger: true,
} as const;

const NODE_TYPES: Record<string, number> = { manager: 1, logger: 2, proxy: 3, worker: 4 };

/** `node_type` name -> the core's integer code (kinds.ts); unknown names are an error. */
export function nodeTypeCode(name: string): number {
  const code = NODE_TYPES[name.toLowerCase().replace(/^cluster::/, "")];
  if (code === undefined) throw new Error(`unknown node_type '${name}' (expected manager, logger, proxy or worker)`);
  return code;
}
