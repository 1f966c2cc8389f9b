// Log at full speed from every worker, for the logger-kill and shutdown
// scenarios. Settings (environment):
//   FAULT_RECORDS     records per worker (0: log until the node stops)
//   FAULT_WAIT_FOR    comma-separated node names that must be up before the
//                     first record (the loggers)
//   FAULT_CHUNK       records per event-loop turn (default 500)
//   FAULT_HOLD_AT, FAULT_HOLD_FOR   pause after FAULT_HOLD_AT records until
//                     node FAULT_HOLD_FOR goes down (a scenario that kills a
//                     logger then knows records are logged while it is down)
// Records go to stream Fault::LOG (path "fault") as {worker, n} with n =
// 0, 1, 2, ... per worker, so the files show exactly which records arrived,
// and which twice. Reports (`FAULT {json}` lines, monotonic time t in ms):
//   progress {logged}      every 50,000 records
//   logged {logged}        FAULT_RECORDS reached
//   settled {counters}     after `logged`: nothing is queued or unacknowledged
//   receivers_connected {after}  after node_up of `after`: this node's PUSH is
//                          connected to every log receiver again
//   final {logged, counters}   the node has stopped; counters are final
// A node stopping (SIGINT/SIGTERM) stops the logging first: `logged` is then
// exactly what was handed to log() before the stop began.
const now = () => Number(process.hrtime.bigint()) / 1e6;
const say = (o) => console.log(`FAULT ${JSON.stringify({ ...o, t: now() })}`);

export default function logFlood(node) {
  if (node.nodeType === "logger") {
    node.on("started", () => say({ ev: "started", id: node.nodeId }));
    node.once("terminated", () => say({ ev: "final", counters: node.counters() }));
    return;
  }
  if (node.nodeType !== "worker") return;
  const total = Number(process.env.FAULT_RECORDS ?? "0");
  const chunk = Number(process.env.FAULT_CHUNK ?? "500");
  const waitFor = (process.env.FAULT_WAIT_FOR ?? "").split(",").filter(Boolean);
  const holdAt = Number(process.env.FAULT_HOLD_AT ?? "0");
  const holdFor = process.env.FAULT_HOLD_FOR;
  let held = false;
  let released = !holdFor;
  const up = new Set();
  let logged = 0;
  let started = false;
  let stopping = false;

  const pump = () => {
    if (stopping || !node.running) return;
    if (!released && logged >= holdAt) {
      held = true; // node_down of holdFor resumes
      return;
    }
    let end = total > 0 ? Math.min(total, logged + chunk) : logged + chunk;
    if (!released) end = Math.min(end, holdAt);
    for (; logged < end; logged++) {
      node.log("Fault::LOG", { worker: node.name, n: logged }, { path: "fault" });
      if (logged % 50_000 === 0 && logged > 0) say({ ev: "progress", logged });
    }
    if (total > 0 && logged >= total) {
      say({ ev: "logged", logged });
      watchSettled();
      return;
    }
    setImmediate(pump);
  };

  const watchSettled = () => {
    const check = () => {
      if (stopping) return;
      const c = node.counters();
      if (c.log_records_acked + c.log_drops + c.log_records_unconfirmed >= logged) {
        say({ ev: "settled", counters: c });
        return;
      }
      setTimeout(check, 100).unref();
    };
    check();
  };

  const maybeStart = () => {
    if (started || !waitFor.every((n) => up.has(n))) return;
    started = true;
    say({ ev: "logging" });
    setImmediate(pump);
  };
  node.on("node_up", (name) => {
    up.add(name);
    maybeStart();
    // A (re)joined node: say when the PUSH to every log receiver is
    // connected again (libzmq reconnects on its own schedule), so a scenario
    // can stop the cluster only once records can reach a restarted logger.
    const connected = () => {
      if (stopping) return;
      if (node.logReceivers().every((r) => r.connected)) say({ ev: "receivers_connected", after: name });
      else setTimeout(connected, 20).unref();
    };
    connected();
  });
  node.on("node_down", (name) => {
    up.delete(name);
    if (name === holdFor && !released) {
      released = true;
      if (held) setImmediate(pump);
    }
  });
  node.on("ready", maybeStart);
  // The stop begins with terminate(): no record after it.
  const terminate = node.terminate.bind(node);
  node.terminate = () => {
    if (!stopping) say({ ev: "stopping", logged });
    stopping = true;
    return terminate();
  };
  node.once("terminated", () => say({ ev: "final", logged, counters: node.counters() }));
}
