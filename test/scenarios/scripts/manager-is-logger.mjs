// testing/btest/cluster/zeromq/manager-is-logger.zeek: no logger; logs are
// pushed to the manager. It watches its own cluster.log until it holds 12
// lines, then sends finish() to every node that is up — itself included,
// which it never receives (a node never gets its own publishes).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { print } from "./lib.mjs";

export default (node, context) => {
  print("zeek_init", node.name);
  node.on("node_up", (name) => {
    print("A node_up", name);
    node.log("Test::LOG", { self: node.name, node: name }, { path: "node_up" });
  });

  if (node.nodeType !== "manager") {
    node.onEvent("finish", (name) => {
      print(`finish from ${name}`);
      node.terminate();
    });
    return;
  }

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
    if (nodesDown.size === clusterSize) node.terminate();
  });
  // A self-sent finish would make the manager print "finish from manager".
  node.onEvent("finish", (name) => print(`finish from ${name}`));

  const file = join(context.logDir, "cluster.log");
  const check = setInterval(() => {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return;
    }
    if (text.split("\n").filter((l) => l.trim() !== "").length < 12) return;
    clearInterval(check);
    for (const n of nodesUp) node.publish(node.nodeTopic(n), "finish", node.name);
  }, 100);
};
