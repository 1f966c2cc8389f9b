// The counting forwarder: libzmq's XSUB <-> XPUB proxy loop, in a worker
// thread, that also keeps upstream's eight proxy statistics (ZeroMQ-Proxy.cc,
// zmq_proxy_steerable STATISTICS: frames and bytes received and sent on the
// frontend (XSUB) and backend (XPUB) sides).
//
// Plain JavaScript so the same file runs from the source tree and from dist/.
// Counters live in a SharedArrayBuffer the main thread reads without
// messaging. Sockets are closed here before the worker exits: terminating a
// worker with open zeromq sockets aborts the process (toolchain.md).
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";

const { xsubEndpoint, xpubEndpoint, xpubOptions, xsubOptions, ioThreads, linger, stats } = workerData;
// [0] fe msgs rcvd, [1] fe bytes rcvd, [2] fe msgs sent, [3] fe bytes sent,
// [4] be msgs rcvd, [5] be bytes rcvd, [6] be msgs sent, [7] be bytes sent
const c = new Float64Array(stats);

const context = new zmq.Context({ ioThreads });
// linger: how long, at stop, already forwarded messages may still take.
const xsub = new zmq.XSubscriber({ context, ...xsubOptions, linger });
const xpub = new zmq.XPublisher({ context, ...xpubOptions, linger, verbosity: "allSubsUnsubs" });
// The monitor's "end" comes once libzmq has destroyed a socket (see
// socket-gone.ts): only then is its port free. Monitors are attached after
// binding: a failed bind reported to a monitor loses its errno.
const gone = () => Promise.all([xsub, xpub].map((s) => new Promise((resolve) => s.events.on("end", resolve))));

// Forward every message from `from` to `to`, counting frames and bytes.
// Zero timeouts make zeromq.js try each receive and send at once, without
// first asking libzmq whether the socket is ready (ZMQ_EVENTS, a mailbox
// check per call) and without its every-512-operations detour through the
// event loop: about 35% more messages per second (C peers, this machine).
// An empty socket then answers EAGAIN, and only then does the loop wait for
// it with an infinite timeout. A send that meets XPUB_NODROP at the HWM
// (EAGAIN) is retried after an event-loop turn, as zmq_proxy's blocking
// send waits.
async function pump(from, to, rcvd, sent) {
  from.receiveTimeout = 0;
  to.sendTimeout = 0;
  try {
    for (;;) {
      let msg;
      try {
        msg = await from.receive();
      } catch (err) {
        if (err.code !== "EAGAIN" || from.closed) throw err;
        from.receiveTimeout = -1;
        msg = await from.receive();
        from.receiveTimeout = 0;
      }
      let bytes = 0;
      for (let i = 0; i < msg.length; i++) bytes += msg[i].length;
      c[rcvd] += msg.length;
      c[rcvd + 1] += bytes;
      for (;;) {
        try {
          await to.send(msg);
          break;
        } catch (err) {
          if (err.code !== "EAGAIN" || to.closed) throw err;
          await new Promise((r) => setImmediate(r));
        }
      }
      c[sent] += msg.length;
      c[sent + 1] += bytes;
    }
  } catch (err) {
    if (from.closed || to.closed || err.code === "ETERM") return;
    parentPort.postMessage({ type: "error", message: `[zeromq] unexpected proxy error: ${err.message}` });
  }
}

async function closeAll() {
  const closed = gone();
  xsub.close();
  xpub.close();
  await closed;
}

// Upstream order (ProxyThread::Start): XPUB first, then XSUB.
for (const [which, sock, ep] of [["xpub", xpub, xpubEndpoint], ["xsub", xsub, xsubEndpoint]]) {
  try {
    await sock.bind(ep);
  } catch (err) {
    await closeAll();
    parentPort.postMessage({ type: "bind-error", which, endpoint: ep, message: err.message, errno: err.errno });
    parentPort.close();
    process.exit(0);
  }
}

parentPort.on("message", async (m) => {
  if (m.type === "stop") {
    await closeAll();
    parentPort.postMessage({ type: "stopped" });
    parentPort.close();
  }
});
// frontend (XSUB) receives events -> backend (XPUB) sends them;
// backend receives subscriptions -> frontend forwards them upstream.
pump(xsub, xpub, 0, 6);
pump(xpub, xsub, 4, 2);
// The options as libzmq holds them (read back, for Broker.socketOptions).
const readBack = (sock, names) => Object.fromEntries(names.map((k) => [k, sock[k]]).filter(([, v]) => typeof v === "number" || typeof v === "boolean"));
parentPort.postMessage({
  type: "ready",
  xpub: xpub.lastEndpoint,
  xsub: xsub.lastEndpoint,
  xpubOptions: readBack(xpub, Object.keys(xpubOptions)),
  xsubOptions: readBack(xsub, Object.keys(xsubOptions)),
});
