// testing/btest/cluster/zeromq/overload-worker-proxy-topic-no-drop.zeek: as
// the -drop variant but with xpub_sndhwm=0 and onloop_queue_hwm=0 (layout):
// after publishing, each node publishes done(self, count) to the worker and
// proxy topics and raises it locally; a node with all three dones (no gap,
// last ping == done) reports to the manager, which then sends finish().
//
// Reduced from upstream as overload-no-drop.mjs: 1 s of publishing instead
// of 5 s, going on until MIN_PUBLISHES (more than 5k) were published.
import { print, zeekString } from "./lib.mjs";
import { BATCH, Gaps, TEST_NODES, finisher, managerMembership, printDropsAtDone, sender } from "./overload-lib.mjs";

const PUBLISH_MS = 1000;
const MIN_PUBLISHES = 5_001;

export default (node) => (node.nodeType === "manager" ? manager(node) : other(node));

function manager(node) {
  const done = new Set();
  const finish = finisher(node);
  managerMembership(node);
  node.onEvent("done", (from) => {
    done.add(from);
    print("nodes_done", done.size);
    if (done.size === TEST_NODES.length) finish();
  });
  printDropsAtDone(node);
}

function other(node) {
  const gaps = new Gaps();
  const done = new Set();
  let publishes = 0;
  let start = 0;

  node.onEvent("ping", (from, c) => gaps.seen(from, c));
  const onDoneEvent = (from, c) => {
    done.add(from);
    print("nodes_done", done.size);
    gaps.check(from, c);
    if (done.size === TEST_NODES.length) node.publish(node.managerTopic, "done", node.name, publishes);
  };
  node.onEvent("done", onDoneEvent);

  const stop = sender(node, () => {
    start ||= Date.now();
    if (Date.now() - start > PUBLISH_MS && publishes >= MIN_PUBLISHES) {
      node.publish(node.workerTopic, "done", node.name, publishes);
      node.publish(node.proxyTopic, "done", node.name, publishes);
      // Our own entry, raised locally (our publishes never come back to us).
      gaps.last.set(node.name, publishes);
      onDoneEvent(node.name, publishes);
      return false;
    }
    for (let i = 0; i < BATCH; i++) {
      ++publishes;
      node.publish(node.workerTopic, "ping", node.name, publishes);
      node.publish(node.proxyTopic, "ping", node.name, publishes);
    }
  });
  printDropsAtDone(node, () => {
    stop();
    print("sent more than 5k?", publishes > 5000);
    for (const p of TEST_NODES.filter((n) => n !== node.name)) {
      print(`node ${p} dropped=${gaps.drops(p)} got more than 5k? ${zeekString(gaps.lastOf(p) > 5000)}`);
    }
  });
}
