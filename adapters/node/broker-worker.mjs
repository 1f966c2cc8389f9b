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

const { xsubEndpoint, xpubEndpoint, xpubOptions, xsubOptions, ioThreads, stats } = workerData;
// [0] fe msgs rcvd, [1] fe bytes rcvd, [2] fe msgs sent, [3] fe bytes sent,
// [4] be msgs rcvd, [5] be bytes rcvd, [6] be msgs sent, [7] be bytes sent
const c = new Float64Array(stats);

const context = new zmq.Context({ ioThreads });
const xsub = new zmq.XSubscriber({ context, ...xsubOptions });
const xpub = new zmq.XPublisher({ context, ...xpubOptions, verbosity: "allSubsUnsubs" });

function frameBytes(msg) {
  let n = 0;
  for (const f of msg) n += f.length;
  return n;
}

// Send that waits out EAGAIN (XPUB_NODROP at HWM) instead of dropping, as
// zmq_proxy does with blocking sends.
async function send(sock, msg) {
  for (;;) {
    try {
      await sock.send(msg);
      return;
    } catch (err) {
      if (err.code !== "EAGAIN") throw err;
      await new Promise((r) => setImmediate(r));
    }
  }
}

async function pump(from, to, rcvd, sent) {
  try {
    for (;;) {
      const msg = await from.receive();
      const bytes = frameBytes(msg);
      c[rcvd] += msg.length;
      c[rcvd + 1] += bytes;
      await send(to, msg);
      c[sent] += msg.length;
      c[sent + 1] += bytes;
    }
  } catch (err) {
    if (from.closed || to.closed || err.code === "EAGAIN" || err.code === "ETERM") return;
    parentPort.postMessage({ type: "error", message: `[zeromq] unexpected proxy error: ${err.message}` });
  }
}

// Upstream order (ProxyThread::Start): XPUB first, then XSUB.
for (const [which, sock, ep] of [["xpub", xpub, xpubEndpoint], ["xsub", xsub, xsubEndpoint]]) {
  try {
    await sock.bind(ep);
  } catch (err) {
    parentPort.postMessage({ type: "bind-error", which, endpoint: ep, message: err.message, errno: err.errno });
    xsub.close();
    xpub.close();
    parentPort.close();
    process.exit(0);
  }
}

parentPort.on("message", (m) => {
  if (m.type === "stop") {
    xsub.close();
    xpub.close();
    parentPort.postMessage({ type: "stopped" });
    parentPort.close();
  }
});
// frontend (XSUB) receives events -> backend (XPUB) sends them;
// backend receives subscriptions -> frontend forwards them upstream.
pump(xsub, xpub, 0, 6);
pump(xpub, xsub, 4, 2);
parentPort.postMessage({ type: "ready", xpub: xpub.lastEndpoint, xsub: xsub.lastEndpoint });
