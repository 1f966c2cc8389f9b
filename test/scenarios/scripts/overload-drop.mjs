// testing/btest/cluster/zeromq/overload-drop.zeek: the proxy and workers
// publish pings to the manager topic so fast (500 per 1 ms tick) that, with
// low HWMs (layout: xpub_sndhwm=100, xsub_rcvhwm=50, onloop_queue_hwm=50),
// events are dropped at the senders' XPUB (xpub_drops) and in the manager's
// queue (onloop_drops). Once every sender reported xpub drops and the
// manager saw onloop drops, the manager sends finish() (coalesced every
// 10 ms) until everyone is down: nothing may deadlock.
import { onDone, print, zeekString } from "./lib.mjs";

const BATCH = 500;
const TEST_NODES = ["proxy", "worker-1", "worker-2"];

export default (node) => (node.nodeType === "manager" ? manager(node) : other(node));

function manager(node) {
  const nodesUp = new Set();
  const nodesDown = new Set();
  const lastC = new Map(); // last sequence number per sender
  const dropC = new Map(); // gaps seen per sender
  const xpubDropC = new Map(); // the sender's own xpub_drops, as it reported them
  let scheduledFinish = false;
  let sentFinish = false;

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
    xpubDropC.set(name, 0);
    dropC.set(name, 0);
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

  node.onEvent("ping", (sender, c, xdc) => {
    const dropped = c - (lastC.get(sender) ?? 0) - 1;
    if (dropped > 0) dropC.set(sender, dropC.get(sender) + dropped);
    lastC.set(sender, c);
    xpubDropC.set(sender, xdc);
    for (const v of xpubDropC.values()) if (v === 0) return;
    if (node.counters().onloop_drops === 0) return;
    if (!scheduledFinish) {
      setTimeout(sendFinish, 10);
      scheduledFinish = true;
    }
  });

  onDone(node, () => {
    print("had onloop_drops?", node.counters().onloop_drops > 0);
    for (const n of TEST_NODES) print(`node ${n} dropped=${zeekString(dropC.get(n) > 0)}`);
  });
}

function other(node) {
  let publishes = 0;
  let timer;
  const tick = () => {
    const xdc = node.counters().xpub_drops;
    for (let i = 0; i < BATCH; i++) node.publish(node.managerTopic, "ping", node.name, ++publishes, xdc);
    timer = setTimeout(tick, 1);
  };
  node.onEvent("tick", tick);
  node.onEvent("finish", () => node.terminate());
  onDone(node, () => {
    clearTimeout(timer);
    print("had xpub_drops?", node.counters().xpub_drops > 0);
    print("had onloop_drops?", node.counters().onloop_drops > 0);
  });
}
