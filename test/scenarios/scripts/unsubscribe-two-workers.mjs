// testing/btest/cluster/zeromq/unsubscribe-two-workers.zeek: a topic shared
// by two workers raises one subscription and, only after both dropped it,
// one unsubscription.
import { print } from "./lib.mjs";

export default (node) => (node.nodeType === "manager" ? manager(node) : worker(node));

function manager(node) {
  let workerSubsSeen = 0;
  let workerCommonSeen = false;
  let subscribeDone = false;
  let nodesUp = 0;
  let nodesDown = 0;

  node.on("subscription", (topic) => {
    if (!topic.startsWith("/test/worker")) return;
    print("B subscription", topic);
    if (topic === "/test/worker-1" || topic === "/test/worker-2") ++workerSubsSeen;
    if (topic === "/test/worker-common") workerCommonSeen = true;
    if (!subscribeDone && workerCommonSeen && workerSubsSeen === 2) {
      print("C subscribing to /test/manager-common");
      node.subscribe("/test/manager-common");
      subscribeDone = true;
    }
  });
  node.on("unsubscription", (topic) => {
    if (!topic.startsWith("/test/worker")) return;
    print("D unsubscription", topic);
    if (topic === "/test/worker-common") {
      print("E unsubscribing from /test/manager-common");
      node.unsubscribe("/test/manager-common");
    }
  });
  node.on("node_up", (name) => {
    print("A node_up", name);
    if (++nodesUp === 2) node.publish(node.workerTopic, "start_test");
  });
  node.on("node_down", (name) => {
    print("Z node_down", name);
    if (++nodesDown === 2) node.terminate();
  });
}

function worker(node) {
  node.onEvent("start_test", () => {
    print("A start_test");
    node.subscribe("/test/worker-common");
    node.subscribe(`/test/${node.name}`);
  });
  node.on("subscription", (topic) => {
    if (!topic.startsWith("/test/manager")) return;
    print("B subscription", topic);
    if (topic === "/test/manager-common") {
      print("C unsubscribe from /test/worker-common");
      node.unsubscribe("/test/worker-common");
    }
  });
  node.on("unsubscription", (topic) => {
    if (!topic.startsWith("/test/manager")) return;
    print("C unsubscription", topic);
    if (topic === "/test/manager-common") {
      print("D /test/manager-common unsubscribed, terminate()");
      node.terminate();
    }
  });
}
