// A node script: the manager pings every worker that comes up on its node
// topic; workers answer on the manager's topic; everyone logs to pings.log.
//
//   npx zmq-cluster cluster --script examples/ping-pong.mjs
export default (node) => {
  node.on("node_up", (name) => {
    if (node.nodeType === "manager" && name.startsWith("worker")) {
      node.publish(node.nodeTopic(name), "ping", node.name, Date.now());
    }
  });

  node.onEvent("ping", (from, sentAt) => {
    node.log("Pings::LOG", { ts: Date.now() / 1000, node: node.name, peer: from, kind: "ping" }, { path: "pings" });
    node.publish(node.nodeTopic(from), "pong", node.name, sentAt);
  });

  node.onEvent("pong", (from, sentAt) => {
    const rtt = Date.now() - Number(sentAt);
    console.log(`pong from ${from} after ${rtt} ms`);
    node.log("Pings::LOG", { ts: Date.now() / 1000, node: node.name, peer: from, kind: "pong" }, { path: "pings" });
  });
};
