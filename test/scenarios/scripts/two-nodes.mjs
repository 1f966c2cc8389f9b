// testing/btest/cluster/zeromq/two-nodes.zeek: the manager answers a node_up
// with finish() on the worker's nodeid topic; the worker terminates on it;
// the manager terminates on the worker's node_down.
import { print } from "./lib.mjs";

export default (node) => {
  if (node.nodeType === "manager") {
    node.on("node_up", (name, id) => {
      print("node_up", name);
      node.publish(node.nodeidTopic(id), "finish", node.name);
    });
    node.on("node_down", (name) => {
      print("node_down", name);
      node.terminate();
    });
  } else {
    node.on("node_up", (name) => print("node_up", name));
    node.onEvent("finish", () => node.terminate());
  }
};
