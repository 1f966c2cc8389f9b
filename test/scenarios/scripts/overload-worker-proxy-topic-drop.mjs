// testing/btest/cluster/zeromq/overload-worker-proxy-topic-drop.zeek: the
// proxy and workers each publish 500 pings per 1 ms tick to both the worker
// and the proxy topic, with low HWMs (layout: xpub_sndhwm=100,
// xsub_rcvhwm=50, onloop_queue_hwm=50), and track gaps per peer (their own
// pings never come back: a node does not receive its own publishes). Each
// reports done() to the manager once it has had xpub drops, onloop drops
// and gaps from every peer; the manager sends finish() (coalesced every
// 10 ms) after three dones. Nothing may lock up.
import { print, zeekString } from "./lib.mjs";
import { BATCH, Gaps, TEST_NODES, finisher, managerMembership, printDropsAtDone, sender } from "./overload-lib.mjs";

export default (node) => (node.nodeType === "manager" ? manager(node) : other(node));

function manager(node) {
  const done = new Set();
  const finish = finisher(node, 10);
  managerMembership(node);
  node.onEvent("done", (from) => {
    const before = done.size;
    done.add(from);
    if (before < done.size) print("nodes_done", done.size);
    if (done.size === TEST_NODES.length) finish();
  });
  printDropsAtDone(node);
}

function other(node) {
  const gaps = new Gaps();
  const peers = TEST_NODES.filter((n) => n !== node.name);
  let publishes = 0;
  node.onEvent("ping", (from, c) => gaps.seen(from, c));
  const stop = sender(node, () => {
    for (let i = 0; i < BATCH; i++) {
      ++publishes;
      node.publish(node.workerTopic, "ping", node.name, publishes);
      node.publish(node.proxyTopic, "ping", node.name, publishes);
    }
    // done() only once this node had its own xpub and onloop drops *and*
    // saw gaps in every peer's stream: exactly what the baseline asserts.
    const c = node.counters();
    const observedAllPeers = peers.every((p) => gaps.drops(p) > 0);
    if (c.xpub_drops > 0 && c.onloop_drops > 0 && observedAllPeers) node.publish(node.managerTopic, "done", node.name);
  });
  printDropsAtDone(node, () => {
    stop();
    for (const p of peers) print(`node ${p} dropped=${zeekString(gaps.drops(p) > 0)}`);
  });
}
