// Numbered events across a broker outage, for the broker-restart scenario.
// Roles by node name (environment):
//   FAULT_FROM   the sender: from the receiver's first node_up, publishes
//                Fault::seq(n) (n = 1, 2, ...) to the receiver's node topic
//                every FAULT_PERIOD ms (default 5), through the outage, until
//                FAULT_AFTER (default 100) events after the receiver is up
//                again; then Fault::seq_done(total), repeated until
//                acknowledged. It reads xpub_disconnected_drops around each
//                publish: a publish that raised it was dropped for want of a
//                broker (`counted`); a rise between publishes is what was
//                still queued when the connection dropped (`fromQueue`).
//   FAULT_TO     the receiver: keeps the ranges of seqs received, counts
//                repeats (duplicated or reordered), acknowledges seq_done.
// Reports (`FAULT {json}`, monotonic `t` in ms as mesh.mjs):
//   outage_sent      {total, counted: [[from, to], ...], fromQueue, times,
//                     upAgain}: times[i] is when seq i+1 was published
//                     (ms, 0.1 resolution); upAgain when the sender saw the
//                     receiver up again after the outage.
//   outage_received  {total, ranges: [[from, to], ...], repeats}
const now = () => Number(process.hrtime.bigint()) / 1e6;
const say = (o) => console.log(`FAULT ${JSON.stringify({ ...o, t: now() })}`);
const COUNTER = "xpub_disconnected_drops";

export default function outage(node) {
  const from = process.env.FAULT_FROM;
  const to = process.env.FAULT_TO;
  if (node.name === from) sender(node, to);
  else if (node.name === to) receiver(node, from);
}

function sender(node, to) {
  const period = Number(process.env.FAULT_PERIOD ?? "5");
  const after = Number(process.env.FAULT_AFTER ?? "100");
  const topic = node.nodeTopic(to);
  const times = [];
  const counted = []; // ranges
  let seq = 0;
  let fromQueue = 0;
  let last = 0; // the counter after the previous publish
  let timer;
  let sawDown = false;
  let upAgain;
  let lastSeq = Infinity;
  let doneAcked = false;
  const drops = () => node.counters()[COUNTER];
  const tick = () => {
    if (!node.running) return;
    if (seq >= lastSeq) {
      clearInterval(timer);
      timer = undefined;
      finish();
      return;
    }
    const before = drops();
    fromQueue += before - last;
    node.publish(topic, "Fault::seq", BigInt(++seq));
    times.push(Math.round(now() * 10) / 10);
    last = drops();
    if (last > before) {
      const r = counted[counted.length - 1];
      if (r && r[1] === seq - 1) r[1] = seq;
      else counted.push([seq, seq]);
    }
  };
  const finish = () => {
    const total = seq;
    const again = () => {
      if (doneAcked || !node.running) return;
      node.publish(topic, "Fault::seq_done", BigInt(total));
      setTimeout(again, 300).unref();
    };
    again();
  };
  node.onEvent("Fault::seq_done_ack", () => {
    if (doneAcked) return;
    doneAcked = true;
    say({ ev: "outage_sent", total: seq, counted, fromQueue, times, upAgain });
  });
  node.on("node_down", (name) => {
    if (name === to && timer) sawDown = true;
  });
  node.on("node_up", (name) => {
    if (name !== to) return;
    if (!timer && seq === 0) {
      last = drops();
      timer = setInterval(tick, period);
      say({ ev: "outage_publishing" });
    } else if (sawDown && upAgain === undefined) {
      upAgain = now();
      lastSeq = seq + after;
    }
  });
  node.once("terminated", () => clearInterval(timer));
}

function receiver(node, from) {
  const ranges = [];
  let repeats = 0;
  let reported = false;
  node.onEvent("Fault::seq", (n) => {
    const s = Number(n);
    const r = ranges[ranges.length - 1];
    if (r && s === r[1] + 1) r[1] = s;
    else if (!r || s > r[1]) ranges.push([s, s]);
    else repeats++;
  });
  node.onEvent("Fault::seq_done", (total) => {
    node.publish(node.nodeTopic(from), "Fault::seq_done_ack");
    if (reported) return;
    reported = true;
    say({ ev: "outage_received", total: Number(total), ranges, repeats });
  });
}
