// Upstream's baselines for cluster.log and node_up.log, and the
// normalisation its check-cluster-log.sh applies (zeek-cut node message |
// sed 's/_[^_]+_[0-9]+_/_<hostname>_<pid>_/' | sort). Upstream's btest seeds
// the random part of node ids, so its baselines carry one fixed suffix; ours
// is random, so it becomes <unique> — after checking it has unique_id's shape.
import { hostname } from "node:os";

const HOST = hostname().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Every ordered pair of `nodes`, as `<self>\tgot hello from <peer> (<normalised id>)`, sorted. */
export function helloBaseline(nodes: string[]): string[] {
  return orderedPairs(nodes)
    .map(([a, b]) => `${a}\tgot hello from ${b} (zeromq_${b}_<hostname>_<pid>_<unique>)`)
    .sort();
}

/** Every ordered pair as `<self> <peer>` (zeek-cut -F ' ' of node_up.log), sorted. */
export function pairBaseline(nodes: string[]): string[] {
  return orderedPairs(nodes)
    .map(([a, b]) => `${a} ${b}`)
    .sort();
}

/**
 * The `got hello from` lines of cluster.log records, normalised and sorted.
 * Also returns each peer's ids: one peer instance must have exactly one id
 * in every node's view.
 */
export function normalizeHello(records: Record<string, unknown>[]): { lines: string[]; ids: Map<string, Set<string>> } {
  const ids = new Map<string, Set<string>>();
  const lines: string[] = [];
  for (const r of records) {
    const message = String(r.message);
    if (!message.startsWith("got hello from ")) continue;
    const m = new RegExp(`^got hello from (\\S+) \\((zeromq_(\\S+)_${HOST}_\\d+_N[0-9A-Za-z]{18})\\)$`).exec(message);
    if (!m || m[1] !== m[3]) {
      lines.push(`${String(r.node)}\t${message}`); // left as is: the comparison will show it
      continue;
    }
    if (!ids.has(m[1])) ids.set(m[1], new Set());
    ids.get(m[1])!.add(m[2]);
    lines.push(`${String(r.node)}\tgot hello from ${m[1]} (zeromq_${m[1]}_<hostname>_<pid>_<unique>)`);
  }
  return { lines: lines.sort(), ids };
}

function orderedPairs(nodes: string[]): [string, string][] {
  return nodes.flatMap((a) => nodes.filter((b) => b !== a).map((b) => [a, b] as [string, string]));
}
