// The receiving end of the hostile-input scenario, loaded into every node.
// It counts instead of printing what the node reports about bad input
// (tens of thousands of lines otherwise), checks the well-formed traffic
// that comes between the bad (Fault::valid(i, data, checksum) events: the
// checksum recomputed over the data must match) and reports the node's
// counters when a marker says everything before it was handled:
//   Fault::report(tag) event      (through the node's XSUB)
//   a log batch with path "<tag>" starting with "hostile-end" (through the PULL)
//   a subscription to "fault.marker.<n>"   (through the XPUB)
// Reports: report {tag, counters, valid, reported, rss}.
const now = () => Number(process.hrtime.bigint()) / 1e6;
const say = (o) => console.log(`FAULT ${JSON.stringify({ ...o, t: now() })}`);

function checksum(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export default function sink(node) {
  const valid = { events: 0, eventsBad: 0, outOfOrder: 0, records: 0, recordsBad: 0 };
  const reported = { error: 0, warning: 0, diagnostic: 0 };
  let lastValid = -1;
  for (const kind of Object.keys(reported)) node.on(kind, () => reported[kind]++);
  const report = (tag) => say({ ev: "report", tag, counters: node.counters(), valid, reported, rss: process.memoryUsage().rss / 2 ** 20 });
  node.on("started", () => say({ ev: "started", id: node.nodeId, rss: process.memoryUsage().rss / 2 ** 20 }));
  node.on("node_up", (name, id) => say({ ev: "node_up", peer: name, id }));
  node.onEvent("Fault::valid", (i, data, sum) => {
    if (BigInt(checksum(data)) === sum) valid.events++;
    else valid.eventsBad++;
    if (Number(i) <= lastValid) valid.outOfOrder++;
    lastValid = Number(i);
  });
  node.onEvent("Fault::report", (tag) => report(tag));
  node.on("log", (batch) => {
    if (batch.header.stream !== "Fault::HOSTILE") return;
    for (const [, data, sum] of batch.records) {
      if (BigInt(checksum(data)) === sum) valid.records++;
      else valid.recordsBad++;
    }
    if (batch.header.path.startsWith("hostile-end")) report(batch.header.path);
  });
  node.on("subscription", (topic) => {
    if (topic.startsWith("fault.marker.")) report(topic);
  });
}
