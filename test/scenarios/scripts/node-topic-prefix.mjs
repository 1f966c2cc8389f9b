// testing/btest/cluster/zeromq/node-topic-prefix.zeek: worker-1 must not get
// what is meant for worker-10 or worker-20 on its Cluster::node_topic() (the
// trailing dot of `zeek.cluster.node.<name>.`).
import { print } from "./lib.mjs";

export default (node) => {
  print("A", node.name);
  if (node.nodeType === "manager") manager(node);
  else worker(node);
};

function manager(node) {
  let nodesUp = 0;
  let nodesDown = 0;
  node.on("node_up", (name) => {
    print(`B node_up - sending ping to '${name}'`);
    if (++nodesUp === 4) {
      for (const [name, n] of Object.entries(node.layout.nodes)) {
        if (n.node_type === "worker") node.publish(node.nodeTopic(name), "ping", node.name, name);
      }
    }
  });
  // The manager must never see a ping.
  node.onEvent("ping", (from, to) => print("XXX FAIL ping", from, to));
  node.onEvent("pong", (from, to) => {
    print(`C pong from '${from}' to '${to}'`);
    node.publish(node.nodeTopic(from), "finish", node.name, from);
  });
  node.on("node_down", (name) => {
    print(`D node_down from '${name}'`);
    if (++nodesDown === 4) node.terminate();
  });
}

function worker(node) {
  node.onEvent("ping", (from, to) => {
    if (to !== node.name) print(`FAIL: got ping destined to '${to}'`);
    print(`B ping from '${from}' to '${to}'`);
    node.publish(node.nodeTopic(from), "pong", node.name, from);
  });
  node.onEvent("finish", (from, to) => {
    print(`C finish from '${from}' to '${to}'`);
    node.terminate();
  });
}
