// testing/btest/cluster/zeromq/logging.zeek (and ipv6-logging.zeek): every
// node logs one node_up.log record per node_up; the manager watches the
// logger's cluster.log until the full mesh said hello (20 lines), sends
// finish() to everyone but the logger, and the logger last, once the others
// are down, so the logger receives everything before it stops.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { print } from "./lib.mjs";

export default (node, context) => {
  print("A zeek_init", node.name);

  if (node.nodeType === "manager") manager(node, context);
  else {
    node.onEvent("finish", (name) => {
      print(`finish from ${name}`);
      node.terminate();
    });
  }

  // &priority=-5 upstream: after the manager's own node_up handler.
  node.on("node_up", (name) => {
    print("B node_up", name);
    node.log("Test::LOG", { self: node.name, node: name }, { path: "node_up" });
  });
};

function manager(node, context) {
  const nodesUp = new Set(["manager"]);
  const nodesDown = new Set(["manager"]);
  const clusterSize = Object.keys(node.layout.nodes).length;

  node.on("node_up", (name) => {
    nodesUp.add(name);
    print("B nodes_up", nodesUp.size);
  });

  node.on("node_down", (name) => {
    print("D node_down", name);
    nodesDown.add(name);
    if (nodesDown.size === clusterSize - 1) {
      print("D send_finish to logger");
      node.publish(node.nodeTopic("logger"), "finish", node.name);
    }
    if (nodesDown.size === clusterSize) node.terminate();
  });

  // Upstream's check_cluster_log(): every 0.1 s, count the logger's
  // cluster.log lines (the logger writes into our --log-dir).
  const file = join(context.logDir, "cluster.log");
  const check = setInterval(() => {
    if (helloLines(file) < 20) return;
    clearInterval(check);
    print("C send_finish");
    for (const n of nodesUp) if (n !== "logger") node.publish(node.nodeTopic(n), "finish", node.name);
  }, 100);
}

function helloLines(file) {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return 0;
  }
  return text.split("\n").filter((l) => l.includes('"got hello from ')).length;
}
