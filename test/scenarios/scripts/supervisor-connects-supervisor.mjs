// The supervisor of supervisor-runs-zmq-proxy-and-connects.zeek: it is no
// cluster node, but subscribes to a private topic and publishes to the
// nodes' role topics. After all five we_are_all_up() it answers with
// you_are_all_up(1) and waits for a second round; then it stops the cluster.
import { print } from "./lib.mjs";

export default ({ client, terminate }) => {
  const nodesUp = new Set();
  let round = 1;

  client.subscribe("zeek.supervisor.test");
  // Were the client to look like a node (a nodeid subscription), nodes would
  // send it hellos; anything but we_are_all_up shows up in the baseline.
  client.on("event", (ev) => {
    if (ev.name !== "we_are_all_up") print("unexpected event", ev.name, ev.topic);
  });
  client.onEvent("we_are_all_up", (from) => {
    nodesUp.add(from);
    print("we_are_all_up", "round", round, "nodes_up", nodesUp.size);
    if (nodesUp.size < 5) return;
    if (round === 1) {
      for (const topic of ["zeek.cluster.logger", "zeek.cluster.manager", "zeek.cluster.proxy", "zeek.cluster.worker"]) {
        client.publish(topic, "you_are_all_up", round);
      }
      nodesUp.clear();
      round = 2;
    } else {
      print("got all we_are_all_up round 2");
      terminate();
    }
  });
};
