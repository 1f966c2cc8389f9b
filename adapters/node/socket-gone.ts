// When is a closed libzmq socket really gone?
//
// zmq_close() returns at once; libzmq then delivers what the socket still
// holds for up to ZMQ_LINGER ms and closes its connections and listeners in
// its I/O thread. Only after that is a bound port free again. The socket's
// monitor reports ZMQ_EVENT_MONITOR_STOPPED ("end" in zeromq.js) when the
// socket is destroyed, i.e. after all of that, so awaiting it is awaiting
// the linger, as upstream's zmq_ctx_term() does at shutdown.
import type { Socket } from "zeromq";

/** Resolves when libzmq has destroyed `sock` after close(). Call before close(). */
export function socketGone(sock: Socket): Promise<void> {
  try {
    return new Promise((resolve) => sock.events.on("end", () => resolve()));
  } catch {
    return Promise.resolve(); // no monitor available: close() is all we have
  }
}
