// What upstream's four overload btests (overload-drop, overload-no-drop,
// overload-worker-proxy-topic-drop, -no-drop) have in common: the manager
// starts the senders once all are up and stops once all are down; a receiver
// counts the gaps in each sender's numbered pings; a node reports its drop
// counters at zeek_done; senders publish a batch per tick until told to stop.
import { onDone, print } from "./lib.mjs";

export const BATCH = 500;
export const TEST_NODES = ["proxy", "worker-1", "worker-2"];

/**
 * The manager's Cluster::node_up / node_down handlers: print the counts,
 * send tick() to the worker and proxy topics once every test node is up, and
 * terminate once every test node is down.
 */
export function managerMembership(node) {
  const up = new Set();
  const down = new Set();
  node.on("node_up", (name) => {
    up.add(name);
    print("nodes_up", up.size);
    if (up.size === TEST_NODES.length) {
      node.publish(node.workerTopic, "tick");
      node.publish(node.proxyTopic, "tick");
    }
  });
  node.on("node_down", (name) => {
    down.add(name);
    print("nodes_down", down.size);
    if (down.size === TEST_NODES.length) node.terminate();
  });
  return up;
}

/** Gaps in each sender's numbered pings: `c` must be the last seen + 1. */
export class Gaps {
  last = new Map();
  dropped = new Map();

  /** A ping numbered `c` from `sender`. */
  seen(sender, c) {
    const gap = c - (this.last.get(sender) ?? 0) - 1;
    if (gap > 0) this.dropped.set(sender, this.drops(sender) + gap);
    this.last.set(sender, c);
  }

  lastOf(sender) {
    return this.last.get(sender) ?? 0;
  }

  drops(sender) {
    return this.dropped.get(sender) ?? 0;
  }

  /** The no-drop tests' check of a done(sender, c): print ERROR lines on a mismatch or a gap. */
  check(sender, c) {
    if (this.lastOf(sender) !== c) print("ERROR", sender, c, this.last.get(sender));
    if (this.drops(sender) !== 0) print("ERROR", sender, "had drops");
  }
}

/** Send finish() to every test node's node topic; with `coalesceMs`, at most once per that many ms (the -drop tests). */
export function finisher(node, coalesceMs) {
  let sent = false;
  let scheduled = false;
  const send = () => {
    scheduled = false;
    if (!sent) print(coalesceMs === undefined ? "sending finish" : "sending first finish");
    sent = true;
    for (const n of TEST_NODES) node.publish(node.nodeTopic(n), "finish", node.name);
  };
  return () => {
    if (coalesceMs === undefined) {
      if (!sent) send();
    } else if (!scheduled) {
      scheduled = true;
      setTimeout(send, coalesceMs);
    }
  };
}

/** zeek_done: print whether this node had xpub and onloop drops (then `more()`). */
export function printDropsAtDone(node, more = () => {}) {
  onDone(node, () => {
    const c = node.counters();
    print("had xpub_drops?", c.xpub_drops > 0);
    print("had onloop_drops?", c.onloop_drops > 0);
    more();
  });
}

/**
 * A sender: on tick() run `step()` every `tickMs` until it returns false; on
 * finish() terminate. Returns a function that stops the timer (for zeek_done).
 */
export function sender(node, step, tickMs = 1) {
  let timer;
  const tick = () => {
    if (step() !== false) timer = setTimeout(tick, tickMs);
  };
  node.onEvent("tick", tick);
  node.onEvent("finish", () => node.terminate());
  return () => clearTimeout(timer);
}
