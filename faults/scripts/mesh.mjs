// Membership and reachability probe for the fault scenarios, loaded into
// every node. Reports on stdout as `FAULT {json}` lines with a monotonic
// time `t` (ms, process.hrtime: the same clock in every process):
//   started / node_up / node_down   membership as this node sees it
//   ping                            the first Fault::ping from a peer since its
//                                   node_up: pub/sub works between the two
//   warning / error                 the reporter's lines (also on stderr)
// Every 200 ms the node pings each peer it sees up, on the peer's node topic:
// that needs the peer's subscription to be known to the broker, so a ping
// arriving after a broker restart shows that subscriptions were re-learned
// and that publishing resumed.
const now = () => Number(process.hrtime.bigint()) / 1e6;
const say = (o) => console.log(`FAULT ${JSON.stringify({ ...o, t: now() })}`);

export default function mesh(node) {
  const up = new Map(); // peer name -> id
  const pinged = new Set();
  node.on("started", () => say({ ev: "started", id: node.nodeId }));
  node.on("ready", () => say({ ev: "ready" }));
  node.on("node_up", (name, id) => {
    up.set(name, id);
    pinged.delete(name);
    say({ ev: "node_up", peer: name, id });
  });
  node.on("node_down", (name, id) => {
    if (up.get(name) === id) up.delete(name);
    say({ ev: "node_down", peer: name, id });
  });
  for (const kind of ["warning", "error"]) {
    node.on(kind, (msg) => {
      process.stderr.write(`${kind}: ${msg}\n`);
      say({ ev: kind, msg });
    });
  }
  node.onEvent("Fault::ping", (from) => {
    if (pinged.has(from) || !up.has(from)) return;
    pinged.add(from);
    say({ ev: "ping", peer: from });
  });
  const timer = setInterval(() => {
    for (const peer of up.keys()) node.publish(node.nodeTopic(peer), "Fault::ping", node.name);
  }, 200);
  timer.unref();
  node.once("terminated", () => clearInterval(timer));
}
