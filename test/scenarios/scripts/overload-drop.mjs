// testing/btest/cluster/zeromq/overload-drop.zeek: the proxy and workers
// publish pings to the manager topic so fast (500 per 1 ms tick) that, with
// low HWMs (layout: xpub_sndhwm=100, xsub_rcvhwm=50, onloop_queue_hwm=50),
// events are dropped at the senders' XPUB (xpub_drops) and in the manager's
// queue (onloop_drops). Once every sender reported xpub drops and the
// manager saw onloop drops, the manager sends finish() (coalesced every
// 10 ms) until everyone is down: nothing may deadlock.
import { onDone, print, zeekString } from "./lib.mjs";
import { BATCH, Gaps, TEST_NODES, finisher, managerMembership, printDropsAtDone, sender } from "./overload-lib.mjs";

export default (node) => (node.nodeType === "manager" ? manager(node) : other(node));

function manager(node) {
  const gaps = new Gaps();
  const xpubDropC = new Map(); // the sender's own xpub_drops, as it reported them
  const finish = finisher(node, 10);
  managerMembership(node);
  node.on("node_up", (name) => xpubDropC.set(name, 0));

  node.onEvent("ping", (from, c, xdc) => {
    gaps.seen(from, c);
    xpubDropC.set(from, xdc);
    for (const v of xpubDropC.values()) if (v === 0) return;
    if (node.counters().onloop_drops > 0) finish();
  });

  onDone(node, () => {
    print("had onloop_drops?", node.counters().onloop_drops > 0);
    for (const n of TEST_NODES) print(`node ${n} dropped=${zeekString(gaps.drops(n) > 0)}`);
  });
}

function other(node) {
  let publishes = 0;
  const stop = sender(node, () => {
    const xdc = node.counters().xpub_drops;
    for (let i = 0; i < BATCH; i++) node.publish(node.managerTopic, "ping", node.name, ++publishes, xdc);
  });
  printDropsAtDone(node, stop);
}
