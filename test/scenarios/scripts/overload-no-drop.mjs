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
import { print, zeekString } from "./lib.mjs";
import { BATCH, Gaps, TEST_NODES, finisher, managerMembership, printDropsAtDone, sender } from "./overload-lib.mjs";

const PUBLISH_MS = 1000;
const MIN_PUBLISHES = 10_001;

export default (node) => (node.nodeType === "manager" ? manager(node) : other(node));

function manager(node) {
  const gaps = new Gaps();
  const done = new Set();
  const finish = finisher(node);
  const up = managerMembership(node);
  node.onEvent("ping", (from, c) => gaps.seen(from, c));
  node.onEvent("done", (from, c) => {
    done.add(from);
    print("nodes_done", done.size);
    gaps.check(from, c);
    if (done.size === up.size) finish();
  });
  printDropsAtDone(node, () => {
    for (const n of TEST_NODES) {
      print(`node ${n} dropped=${gaps.drops(n)} got more than 10k? ${zeekString(gaps.lastOf(n) > 10000)}`);
    }
  });
}

function other(node) {
  let publishes = 0;
  let start = 0;
  const stop = sender(node, () => {
    start ||= Date.now();
    if (Date.now() - start > PUBLISH_MS && publishes >= MIN_PUBLISHES) {
      node.publish(node.managerTopic, "done", node.name, publishes);
      return false;
    }
    for (let i = 0; i < BATCH; i++) node.publish(node.managerTopic, "ping", node.name, ++publishes);
  });
  printDropsAtDone(node, () => {
    stop();
    print("sent more than 10k?", publishes > 10000);
  });
}
