// testing/btest/cluster/generic/logging-rr.zeek: log batches round-robin over
// two loggers (the log PUSH's load balancing). Workers write rr1.log every
// 50 ms until both loggers have rr1 records from both workers (so both log
// connections are up); then, on go(), each writes c = 0..99 to rr2.log
// every 12 ms and terminates. The loggers stop once both workers are down.
// Layout: Log::write_buffer_size=7, Log::flush_interval=0.03.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const LOGGERS = ["logger-1", "logger-2"];
const WORKERS = ["worker-1", "worker-2"];

export default (node, context) => {
  node.onEvent("LogRR::finish", () => node.terminate());
  if (node.nodeType === "manager") manager(node, context);
  else if (node.nodeType === "worker") worker(node);
};

// Zeek's LogRR::Info: c: count &log; from: string &log &default=Cluster::node.
const write = (node, stream, path, c) => node.log(stream, { c: BigInt(c), from: node.name }, { path });

function worker(node) {
  let doWrite2 = false;
  const writeLog1 = (c) => {
    if (doWrite2) {
      write(node, "LogRR::LOG1", "rr1", 10000000);
      return;
    }
    // Upstream also calls Log::flush(LOG1) here; we have no per-stream flush,
    // so the record goes out with the next batch (flush_interval 0.03 s).
    write(node, "LogRR::LOG1", "rr1", c);
    setTimeout(() => writeLog1(c + 1), 50);
  };
  const writeLog2 = (c) => {
    if (c === 100) {
      node.terminate();
      return;
    }
    write(node, "LogRR::LOG2", "rr2", c);
    setTimeout(() => writeLog2(c + 1), 12);
  };
  node.onEvent("LogRR::go", () => {
    doWrite2 = true;
    writeLog2(0);
  });
  node.once("started", () => writeLog1(0));
}

function manager(node, context) {
  // Upstream's check-log.sh: both workers in both loggers' rr1.log. With
  // several log receivers each writes to <log-dir>/<name>/.
  const ready = () =>
    LOGGERS.every((l) => {
      let text = "";
      try {
        text = readFileSync(join(context.logDir, l, "rr1.log"), "utf8");
      } catch {
        return false;
      }
      return WORKERS.every((w) => text.includes(`"${w}"`));
    });
  // Also both workers up: the loggers may hold their rr1 records (PUSH ->
  // PULL, no broker) before the manager's XPUB has learned the workers'
  // subscription to the worker topic (through the broker), and an XPUB
  // discards what nobody it knows of subscribed to. node_up comes after the
  // node-id subscription, which a node makes after its worker-topic one.
  const workersUp = new Set();
  node.on("node_up", (name) => WORKERS.includes(name) && workersUp.add(name));
  const check = setInterval(() => {
    if (workersUp.size < WORKERS.length || !ready()) return;
    clearInterval(check);
    node.publish(node.workerTopic, "LogRR::go");
  }, 100);

  const nodesDown = new Set();
  node.on("node_down", (name) => {
    nodesDown.add(name);
    if (nodesDown.size === 2) node.publish(node.loggerTopic, "LogRR::finish"); // workers down
    if (nodesDown.size === 4) node.terminate(); // both loggers down
  });
}
