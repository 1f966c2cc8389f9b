// Give back the memory of a message a node has just dropped for being over
// max_message_size.
//
// zeromq.js hands a received message to JavaScript as an external buffer:
// libzmq's own allocation, freed when V8 collects the Buffer. A node under
// traffic collects within moments, but an idle one may hold a dropped
// 100 MB message for minutes (measured: still resident after 5 s; gone at
// once after a collection). When the host exposes V8's collector (`node
// --expose-gc`, as zmq-cluster's node processes run), ask for one right
// after such a drop, at most once a second; otherwise do nothing and leave
// it to V8. Oversized messages are rare, hostile or a misconfiguration, so
// the pause of a full collection is spent only then.

const MIN_INTERVAL_MS = 1000;
let last = -Infinity;
let scheduled = false;

/** A message over max_message_size was dropped: collect soon if the host allows it. */
export function releaseDroppedMessage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function" || scheduled) return;
  const wait = Math.max(0, last + MIN_INTERVAL_MS - performance.now());
  scheduled = true;
  // After the receive handler has returned, so the message is unreachable.
  const run = () => {
    scheduled = false;
    last = performance.now();
    gc();
  };
  if (wait === 0) setImmediate(run).unref();
  else setTimeout(run, wait).unref();
}
