// Node script for the convergence stage (`zmq-cluster cluster --script`):
// reports when this node has seen node_up for every other node of the
// layout, with the machine-wide monotonic clock the bench reads too.
export default function convergeProbe(node) {
  const want = Object.keys(node.layout.nodes).length - 1;
  let up = 0;
  node.on("node_up", () => {
    if (++up === want) {
      process.stdout.write(`BENCH ${JSON.stringify({ node: node.name, up, t: Number(process.hrtime.bigint()) / 1e9 })}\n`);
    }
  });
}
