// Node script for the log stage, loaded into the logger (`zmq-cluster run
// --script`): says when the node is up, and when BENCH_LOG_RECORDS records
// of the bench stream have been handed to the log file writer. The command's
// own "log" listener was registered first, so by the setImmediate below its
// buffered lines are written to <log-dir>/bench.log too.
export default function logProbe(node) {
  const want = Number(process.env.BENCH_LOG_RECORDS);
  let got = 0;
  node.once("started", () => process.stdout.write('BENCH {"ready":true}\n'));
  node.on("log", (batch) => {
    if (batch.header.path !== "bench") return;
    got += batch.records.length;
    if (got === want) {
      setImmediate(() => process.stdout.write(`BENCH ${JSON.stringify({ written: got, t1: Number(process.hrtime.bigint()) / 1e9 })}\n`));
    }
  });
}
