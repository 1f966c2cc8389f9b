// testing/btest/cluster/zeromq/overload-worker-proxy-topic-drop.zeek: the
// proxy and workers each publish 500 pings per 1 ms tick to both the worker
// and the proxy topic, with low HWMs (layout: xpub_sndhwm=100,
// xsub_rcvhwm=50, onloop_queue_hwm=50), and track gaps per peer (their own
// pings never come back: a node does not receive its own publishes). Each
// reports done() to the manager once it has had xpub drops, onloop drops
// and gaps from every peer; the manager sends finish() (coalesced every
// 10 ms) after three dones. Nothing may lock up.
import { onDone, print, zeekString } from "./lib.mjs";

const BATCH = 500;
const TEST_NODES = ["proxy", "worker-1", "worker-2"];

export default (node) => (node.nodeType === "manager" ? manager(node) : other(node));

function manager(node) {
  const nodesUp = new Set();
  const nodesDone = new Set();
  const nodesDown = new Set();
  let sentFinish = false;
  let scheduledFinish = false;

  const sendFinish = () => {
    scheduledFinish = false;
    if (!sentFinish) {
      print("sending first finish");
      sentFinish = true;
    }
    for (const n of TEST_NODES) node.publish(node.nodeTopic(n), "finish", node.name);
  };
  node.on("node_up", (name) => {
    nodesUp.add(name);
    print("nodes_up", nodesUp.size);
    if (nodesUp.size === TEST_NODES.length) {
      node.publish(node.workerTopic, "tick");
      node.publish(node.proxyTopic, "tick");
    }
  });
  node.on("node_down", (name) => {
    nodesDown.add(name);
    print("nodes_down", nodesDown.size);
    if (nodesDown.size === TEST_NODES.length) node.terminate();
  });
  node.onEvent("done", (sender) => {
    const prev = nodesDone.size;
    nodesDone.add(sender);
    if (prev < nodesDone.size) print("nodes_done", nodesDone.size);
    if (nodesDone.size < TEST_NODES.length) return;
    if (!scheduledFinish) {
      setTimeout(sendFinish, 10);
      scheduledFinish = true;
    }
  });
  onDone(node, () => {
    const c = node.counters();
    print("had xpub_drops?", c.xpub_drops > 0);
    print("had onloop_drops?", c.onloop_drops > 0);
  });
}

function other(node) {
  const lastC = new Map();
  const dropC = new Map();
  const peers = TEST_NODES.filter((n) => n !== node.name);
  let publishes = 0;
  let timer;

  node.onEvent("ping", (sender, c) => {
    const dropped = c - (lastC.get(sender) ?? 0) - 1;
    if (dropped > 0) dropC.set(sender, (dropC.get(sender) ?? 0) + dropped);
    lastC.set(sender, c);
  });

  const tick = () => {
    for (let i = 0; i < BATCH; i++) {
      ++publishes;
      node.publish(node.workerTopic, "ping", node.name, publishes);
      node.publish(node.proxyTopic, "ping", node.name, publishes);
    }
    // done() only once this node had its own xpub and onloop drops *and*
    // saw gaps in every peer's stream: exactly what the baseline asserts.
    const c = node.counters();
    const observedAllPeers = peers.every((p) => (dropC.get(p) ?? 0) > 0);
    if (c.xpub_drops > 0 && c.onloop_drops > 0 && observedAllPeers) node.publish(node.managerTopic, "done", node.name);
    timer = setTimeout(tick, 1);
  };
  node.onEvent("tick", tick);
  node.onEvent("finish", () => node.terminate());
  onDone(node, () => {
    clearTimeout(timer);
    const c = node.counters();
    print("had xpub_drops?", c.xpub_drops > 0);
    print("had onloop_drops?", c.onloop_drops > 0);
    for (const p of peers) print(`node ${p} dropped=${zeekString((dropC.get(p) ?? 0) > 0)}`);
  });
}
