// The supervised nodes of supervisor-runs-zmq-proxy-and-connects.zeek: on
// cluster_started, and again on the supervisor's you_are_all_up(), publish
// we_are_all_up(name) to the supervisor's private topic.
import { onStarted } from "./experimental.mjs";
import { print } from "./lib.mjs";

const SUPERVISOR_TOPIC = "zeek.supervisor.test";

export default (node) => {
  onStarted(node, () => {
    print("cluster_started");
    node.publish(SUPERVISOR_TOPIC, "we_are_all_up", node.name);
  });
  node.onEvent("you_are_all_up", (round) => {
    print("got you_are_all_up", round);
    node.publish(SUPERVISOR_TOPIC, "we_are_all_up", node.name);
  });
};
