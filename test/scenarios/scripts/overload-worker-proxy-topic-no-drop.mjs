// testing/btest/cluster/zeromq/overload-worker-proxy-topic-no-drop.zeek: as
// the -drop variant but with xpub_sndhwm=0 and onloop_queue_hwm=0 (layout):
// after publishing, each node publishes done(self, count) to the worker and
// proxy topics and raises it locally; a node with all three dones (no gap,
// last ping == done) reports to the manager, which then sends finish().
//
// Reduced from upstream as overload-no-drop.mjs: 1 s of publishing instead
// of 5 s, going on until MIN_PUBLISHES (more than 5k) were published.
import { onDone, print, zeekString } from "./lib.mjs";

const BATCH = 500;
const TICK_MS = 1;
const PUBLISH_MS = 1000;
const MIN_PUBLISHES = 5_001;
const TEST_NODES = ["proxy", "worker-1", "worker-2"];

export default (node) => (node.nodeType === "manager" ? manager(node) : other(node));

function manager(node) {
  const nodesUp = new Set();
  const nodesDone = new Set();
  const nodesDown = new Set();
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
  node.onEvent("done", (sender) => {
    nodesDone.add(sender);
    print("nodes_done", nodesDone.size);
    if (nodesDone.size === TEST_NODES.length && !sentFinish) {
      print("sending finish");
      for (const n of TEST_NODES) node.publish(node.nodeTopic(n), "finish", node.name);
      sentFinish = true;
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
  const nodesDone = new Set();
  let publishes = 0;
  let start = 0;
  let timer;

  node.onEvent("ping", (sender, c) => {
    const dropped = c - (lastC.get(sender) ?? 0) - 1;
    if (dropped > 0) dropC.set(sender, (dropC.get(sender) ?? 0) + dropped);
    lastC.set(sender, c);
  });

  const done = (sender, c) => {
    nodesDone.add(sender);
    print("nodes_done", nodesDone.size);
    if ((lastC.get(sender) ?? 0) !== c) print("ERROR", sender, c, lastC.get(sender));
    if ((dropC.get(sender) ?? 0) !== 0) print("ERROR", sender, "had drops");
    if (nodesDone.size === TEST_NODES.length) node.publish(node.managerTopic, "done", node.name, publishes);
  };
  node.onEvent("done", done);

  const tick = () => {
    start ||= Date.now();
    if (Date.now() - start > PUBLISH_MS && publishes >= MIN_PUBLISHES) {
      node.publish(node.workerTopic, "done", node.name, publishes);
      node.publish(node.proxyTopic, "done", node.name, publishes);
      // Our own entry, raised locally (our publishes never come back to us).
      lastC.set(node.name, publishes);
      dropC.set(node.name, 0);
      done(node.name, publishes);
      return;
    }
    for (let i = 0; i < BATCH; i++) {
      ++publishes;
      node.publish(node.workerTopic, "ping", node.name, publishes);
      node.publish(node.proxyTopic, "ping", node.name, publishes);
    }
    timer = setTimeout(tick, TICK_MS);
  };
  node.onEvent("tick", tick);
  node.onEvent("finish", () => node.terminate());
  onDone(node, () => {
    clearTimeout(timer);
    const c = node.counters();
    print("had xpub_drops?", c.xpub_drops > 0);
    print("had onloop_drops?", c.onloop_drops > 0);
    print("sent more than 5k?", publishes > 5000);
    for (const p of TEST_NODES.filter((n) => n !== node.name)) {
      print(`node ${p} dropped=${dropC.get(p) ?? 0} got more than 5k? ${zeekString((lastC.get(p) ?? 0) > 5000)}`);
    }
  });
}
