// testing/btest/cluster/zeromq/overload-no-drop.zeek: with xpub_sndhwm=0 and
// onloop_queue_hwm=0 (layout) nothing is dropped, whatever the rate. The
// proxy and workers publish pings (500 per 1 ms tick) to the manager topic
// for PUBLISH_MS, then done(sender, last seq); the manager checks for gaps
// and that the last ping and done agree.
//
// Reduced from upstream: 1 s of publishing instead of 5 s, and a sender goes
// on past it until it has published MIN_PUBLISHES (more than 10k), so a slow or
// busy machine cannot fail the "more than 10k" checks by publishing less.
// What the test is about is unchanged: senders far outpace the receiver
// (tens of thousands queued, well past the default HWMs of 1000 and 10000),
// and with HWMs 0 every single event still arrives, in order.
import { onDone, print, zeekString } from "./lib.mjs";

const BATCH = 500;
const TICK_MS = 1;
const PUBLISH_MS = 1000;
const MIN_PUBLISHES = 10_001;
const TEST_NODES = ["proxy", "worker-1", "worker-2"];

export default (node) => (node.nodeType === "manager" ? manager(node) : other(node));

function manager(node) {
  const nodesUp = new Set();
  const nodesDone = new Set();
  const nodesDown = new Set();
  const lastC = new Map();
  const dropC = new Map();
  let sentFinish = false;

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
  node.onEvent("ping", (sender, c) => {
    const dropped = c - (lastC.get(sender) ?? 0) - 1;
    if (dropped > 0) dropC.set(sender, (dropC.get(sender) ?? 0) + dropped);
    lastC.set(sender, c);
  });
  node.onEvent("done", (sender, c) => {
    nodesDone.add(sender);
    print("nodes_done", nodesDone.size);
    if ((lastC.get(sender) ?? 0) !== c) print("ERROR", sender, c, lastC.get(sender));
    if ((dropC.get(sender) ?? 0) !== 0) print("ERROR", sender, "had drops");
    if (nodesDone.size === nodesUp.size && !sentFinish) {
      print("sending finish");
      for (const n of TEST_NODES) node.publish(node.nodeTopic(n), "finish", node.name);
      sentFinish = true;
    }
  });
  onDone(node, () => {
    const c = node.counters();
    print("had xpub_drops?", c.xpub_drops > 0);
    print("had onloop_drops?", c.onloop_drops > 0);
    for (const n of TEST_NODES) {
      print(`node ${n} dropped=${dropC.get(n) ?? 0} got more than 10k? ${zeekString((lastC.get(n) ?? 0) > 10000)}`);
    }
  });
}

function other(node) {
  let publishes = 0;
  let start = 0;
  let timer;
  const tick = () => {
    start ||= Date.now();
    if (Date.now() - start > PUBLISH_MS && publishes >= MIN_PUBLISHES) {
      node.publish(node.managerTopic, "done", node.name, publishes);
      return;
    }
    for (let i = 0; i < BATCH; i++) node.publish(node.managerTopic, "ping", node.name, ++publishes);
    timer = setTimeout(tick, TICK_MS);
  };
  node.onEvent("tick", tick);
  node.onEvent("finish", () => node.terminate());
  onDone(node, () => {
    clearTimeout(timer);
    const c = node.counters();
    print("had xpub_drops?", c.xpub_drops > 0);
    print("had onloop_drops?", c.onloop_drops > 0);
    print("sent more than 10k?", publishes > 10000);
  });
}
