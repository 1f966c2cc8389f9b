// Readable views of the core's polled outputs for unit tests.

import type { Output } from "../../core/outputs";
import type { CoreApi } from "./builds";

/** Output kind codes (core/kinds.ts), by name. */
export const OUT = {
  subscription: 1,
  unsubscription: 2,
  publish: 3,
  node_up: 4,
  node_down: 5,
  cluster_log: 6,
  warning: 7,
  error: 8,
  log_batch: 9,
  diagnostic: 10,
} as const;

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(OUT).map(([k, v]) => [v, k]));

/** One output as a short record with only the fields its kind uses. */
export function describeOutput(o: Output): Record<string, unknown> {
  const kind = NAMES[o.kind] ?? `kind-${o.kind}`;
  switch (o.kind) {
    case OUT.subscription:
    case OUT.unsubscription:
      return { kind, topic: o.topic };
    case OUT.publish:
      return { kind, topic: o.topic, event: o.event, args: [o.name, o.id] };
    case OUT.node_up:
    case OUT.node_down:
      return { kind, name: o.name, id: o.id };
    case OUT.log_batch:
      return { kind, key: o.key, count: o.count };
    default:
      return { kind, message: o.message };
  }
}

/** Poll every pending output of instance `h`. */
export function drain(api: CoreApi, h: number): Record<string, unknown>[] {
  return (api.pollOutputs(h) as Output[]).map(describeOutput);
}
