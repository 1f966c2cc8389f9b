// Cluster::Experimental::cluster_started for non-Broker backends, as
// scripts/policy/frameworks/cluster/experimental.zeek and
// nodes-experimental/manager.zeek do it: a node that has seen node_up from
// every other node publishes node_fully_connected to the manager (and
// raises it locally); once every node, the manager included, is fully
// connected, the manager raises cluster_started and publishes it to
// zeek/cluster/experimental/started, which every node subscribes to.
// `onStarted(node, fn)` is `event Cluster::Experimental::cluster_started()`.

const STARTED_TOPIC = "zeek/cluster/experimental/started";

export function onStarted(node, fn) {
  const pending = new Set(Object.keys(node.layout.nodes).filter((n) => n !== node.name));
  let isStarted = false;
  node.subscribe(STARTED_TOPIC);

  const started = () => {
    isStarted = true;
    fn();
  };
  node.onEvent("Cluster::Experimental::cluster_started", started);

  let fullyConnected = () => {};
  if (node.nodeType === "manager") {
    const notYet = new Set(Object.keys(node.layout.nodes));
    fullyConnected = (name, _id, resending) => {
      isStarted ||= resending;
      notYet.delete(name);
      if (!isStarted && notYet.size === 0) {
        started();
        node.publish(STARTED_TOPIC, "Cluster::Experimental::cluster_started");
      }
    };
    node.onEvent("Cluster::Experimental::node_fully_connected", fullyConnected);
  }

  node.on("node_up", (name) => {
    pending.delete(name);
    if (pending.size > 0) return;
    fullyConnected(node.name, node.nodeId, isStarted);
    node.publish(node.managerTopic, "Cluster::Experimental::node_fully_connected", node.name, node.nodeId, isStarted);
  });
}
