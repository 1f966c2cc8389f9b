// testing/btest/cluster/zeromq/unsubscribe.zeek: a ping-pong of subscribe and
// unsubscribe between the manager and worker-1 (regression for unsubscribe
// frames that did not unsubscribe).
import { onDone, print } from "./lib.mjs";

export default (node) => {
  if (node.nodeType === "manager") {
    node.on("subscription", (topic) => {
      if (topic === "/test/worker/topic") {
        print("subscription", topic);
        node.subscribe("/test/manager/topic");
      }
    });
    node.on("unsubscription", (topic) => {
      if (topic === "/test/worker/topic") {
        print("unsubscription", topic);
        node.unsubscribe("/test/manager/topic");
      }
    });
    node.on("node_up", (name, id) => {
      print("node_up", name);
      node.publish(node.nodeidTopic(id), "start_test");
    });
    node.on("node_down", (name) => {
      print("node_down", name);
      node.terminate();
    });
  } else {
    node.onEvent("start_test", () => {
      print("start_test");
      node.subscribe("/test/worker/topic");
    });
    node.on("subscription", (topic) => {
      if (topic === "/test/manager/topic") {
        print("subscription", topic);
        node.unsubscribe("/test/worker/topic");
      }
    });
    node.on("unsubscription", (topic) => {
      if (topic === "/test/manager/topic") {
        print("unsubscription", topic);
        node.terminate();
      }
    });
    onDone(node, () => print("done"));
  }
};
