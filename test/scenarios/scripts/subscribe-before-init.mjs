// testing/btest/cluster/zeromq/subscribe-before-init.zeek: the manager
// subscribes before the node starts (upstream: zeek_init &priority=1000000,
// before Cluster::init()); that neither blocks nor gets lost.
import { print } from "./lib.mjs";

export default (node) => {
  if (node.nodeType === "manager") {
    node.subscribe("test.early"); // node scripts run before start()
    node.onEvent("test", (c) => {
      print("test()", c);
      node.publish(node.workerTopic, "finish");
    });
    node.on("node_down", () => node.terminate());
  } else {
    node.on("node_up", (name) => {
      print("node_up", name);
      node.publish("test.early", "test", 42);
    });
    node.onEvent("finish", () => {
      print("finish");
      node.terminate();
    });
  }
};
