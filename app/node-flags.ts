// The V8 flags `zmq-cluster cluster` starts its node processes with.
//
// --expose-gc, always: a node that drops a message over max_message_size
// (up to rcv_maxmsgsize, 256 MiB) then asks V8 to collect it at once,
// instead of holding it until its next collection, which an idle node may
// not make for minutes (adapters/node/release-memory.ts). Nothing else
// calls the collector.
//
// --max-semi-space-size, with `--node-semi-space MB`: a node that handles a steady stream of events allocates fast (frames,
// decoded arguments, the receive loop's promises), and V8 answers by
// growing the young generation to its maximum — two 16 MB semi-spaces on
// 64-bit Node 20 — and keeps it when the load is gone: ~30 MB of RSS per
// node after 1M events that is neither a leak nor live data (the JS heap in
// use stays ~7 MB). --max-semi-space-size caps that growth, but a small
// young generation costs events/s: at 2 MB, RSS growth after 1M events fell
// to ~5-6 MB, and events/s fell by ~30% in four of nine same-run pairs
// against V8's default (median 0.93x; at 1 MB: ~3 MB, median 0.80x;
// bench/README.md, Memory). So the default stays V8's own, and an operator
// who prefers memory to throughput sets the cap.

/** Semi-space cap (MB) for node processes; 0 = V8's own default. */
export const DEFAULT_NODE_SEMI_SPACE_MB = 0;

/** Node's command-line flags for a node process with this semi-space cap (MB; 0 = V8's default). */
export function nodeV8Flags(semiSpaceMb: number = DEFAULT_NODE_SEMI_SPACE_MB): string[] {
  return ["--expose-gc", ...(semiSpaceMb > 0 ? [`--max-semi-space-size=${semiSpaceMb}`] : [])];
}
