// Event overload between two nodes, for the overload scenario. Roles by
// node name (environment):
//   FAULT_FROM     the sender: publishes FAULT_EVENTS events Fault::ev(seq)
//                  (seq = 1, 2, ...) to the receiver's node topic, in turns
//                  of FAULT_CHUNK; with FAULT_WINDOW > 0 it keeps at most
//                  that many unacknowledged (the receiver acknowledges every
//                  FAULT_WINDOW/4), so HWM-0 queues hold up to a window
//                  but memory stays bounded; FAULT_WINDOW=0 publishes as fast
//                  as the node takes them (drops at the default HWMs).
//                  Then Fault::done(total), repeated until acknowledged.
//   FAULT_TO       the receiver: checks that seqs only ever grow by one,
//                  counts gaps (lost events) and repeats (duplicated or
//                  reordered), answers pings.
//   FAULT_PROBER   pings the receiver every 50 ms (Fault::ping(n, t)); the
//                  receiver answers Fault::pong(n, t); reports each round trip.
// Reports: published {sent, counters}, received {...} on done, pong {rtt},
// probe {pings, pongs} and final {counters}.
import { monitorEventLoopDelay } from "node:perf_hooks";

const now = () => Number(process.hrtime.bigint()) / 1e6;
const say = (o) => console.log(`FAULT ${JSON.stringify({ ...o, t: now() })}`);

export default function flood(node) {
  const from = process.env.FAULT_FROM;
  const to = process.env.FAULT_TO;
  const prober = process.env.FAULT_PROBER;
  node.once("terminated", () => say({ ev: "final", counters: node.counters() }));
  if (node.name === from) sender(node, to);
  else if (node.name === to) receiver(node, from);
  else if (node.name === prober) probe(node, to);
}

function sender(node, to) {
  const total = Number(process.env.FAULT_EVENTS);
  const window = Number(process.env.FAULT_WINDOW ?? "0");
  const chunk = Number(process.env.FAULT_CHUNK ?? "1000");
  let sent = 0;
  let acked = 0;
  let started = false;
  let doneAcked = false;
  let waiting = false;
  const topic = node.nodeTopic(to);
  const pump = () => {
    waiting = false;
    if (!node.running) return;
    const limit = window > 0 ? Math.min(total, acked + window) : total;
    const end = Math.min(limit, sent + chunk);
    while (sent < end) node.publish(topic, "Fault::ev", BigInt(++sent));
    if (sent >= total) {
      say({ ev: "published", sent, counters: node.counters() });
      const done = () => {
        if (doneAcked || !node.running) return;
        node.publish(topic, "Fault::done", BigInt(total));
        setTimeout(done, 500).unref();
      };
      done();
      return;
    }
    if (sent < limit) setImmediate(pump);
    else waiting = true; // the window is full: the next acknowledgement resumes
  };
  node.onEvent("Fault::ack", (n) => {
    acked = Math.max(acked, Number(n));
    if (waiting) pump();
  });
  node.onEvent("Fault::done_ack", () => (doneAcked = true));
  node.on("node_up", (name) => {
    if (name !== to || started) return;
    started = true;
    say({ ev: "flooding" });
    setImmediate(pump);
  });
}

function receiver(node, from) {
  const window = Number(process.env.FAULT_WINDOW ?? "0");
  const ackEvery = window > 0 ? Math.max(1, Math.floor(window / 4)) : 0;
  let last = 0;
  let received = 0;
  let gaps = 0;
  let repeats = 0;
  let reported = false;
  const back = node.nodeTopic(from);
  // How late the event loop runs (timers, I/O callbacks) while the flood lasts.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  node.on("node_up", (name) => name === from && loop.enable());
  node.onEvent("Fault::ev", (seq) => {
    const s = Number(seq);
    received++;
    if (s === last + 1) last = s;
    else if (s > last + 1) {
      gaps += s - last - 1;
      last = s;
    } else repeats++;
    if (ackEvery && s % ackEvery === 0) node.publish(back, "Fault::ack", BigInt(s));
  });
  node.onEvent("Fault::done", (total) => {
    node.publish(back, "Fault::done_ack");
    if (reported) return;
    reported = true;
    loop.disable();
    const ms = (ns) => ns / 1e6;
    say({ ev: "received", total: Number(total), received, last, gaps, repeats, counters: node.counters(), loopDelay: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) } });
  });
  node.onEvent("Fault::ping", (n, t, replyTo) => node.publish(node.nodeTopic(replyTo), "Fault::pong", n, t, now()));
}

function probe(node, to) {
  let n = 0;
  let pongs = 0;
  let timer;
  node.onEvent("Fault::pong", (n, t, at) => {
    pongs++;
    say({ ev: "pong", n: Number(n), rtt: now() - t, there: at - t });
  });
  node.on("node_up", (name) => {
    if (name !== to || timer) return;
    timer = setInterval(() => node.publish(node.nodeTopic(to), "Fault::ping", BigInt(++n), now(), node.name), 50);
    timer.unref();
  });
  node.once("terminated", () => {
    clearInterval(timer);
    say({ ev: "probe", pings: n, pongs });
  });
}
