// Every worker logs 1,000 numbered records to thousand.log once it is up.
export default (node) => {
  if (node.nodeType !== "worker") return;
  node.on("started", () => {
    for (let seq = 0; seq < 1000; seq++) {
      node.log("Thousand::LOG", { node: node.name, seq: BigInt(seq) }, { path: "thousand", schema: { node: "string", seq: "count" } });
    }
    console.log("logged 1000");
  });
};
