// The I/O loop for one socket (upstream's poll loop in the I/O thread).
//
// zeromq.js resolves receive() at once while messages are queued, so
// without a yield one busy socket would starve timers, handlers and the
// other sockets; poll_max_messages bounds how many are read before the
// loop lets the event loop run (0 = no bound; the loop then still yields
// every SYNC_MAX messages, as zeromq.js itself does with its default
// timeout). Shared by ClusterNode and Client (their XSUB and XPUB, the
// node's PULL).
//
// Receives are tried at once (receiveTimeout 0), and only a socket that
// answers EAGAIN (nothing queued) is waited for, with an infinite timeout.
// With the default timeout zeromq.js first asks libzmq whether the socket
// is readable (ZMQ_EVENTS: a poll() on the socket's mailbox, a system call
// per message) before it reads; the subscriber's profile had half its time
// in receive(). broker-worker.mjs's pump() does the same. The EAGAIN is
// also where a poll round ends (upstream's zmq_poll finds the socket empty).
import type * as zmq from "zeromq";

export interface ReceiveLoopHooks {
  /** poll_max_messages. */
  maxPerTurn: number;
  /** A receive or a handler failed (the loop carries on). */
  failed(line: string): void;
  /** debug_flags bit 1 (poll rounds); absent = no tracing. */
  trace?: (line: string) => void;
  /** debug_flags bit 2 (the loop starts and stops). */
  lifecycle?: (line: string) => void;
}

/** zeromq.js's own bound on synchronous receives (max_sync_operations in its socket.cc). */
const SYNC_MAX = 512;

/** Read `sock` until it is closed, handing every message to `handle`. */
export async function receiveLoop(sock: zmq.Socket & zmq.Readable, handle: (m: Buffer[]) => void, what: string, hooks: ReceiveLoopHooks): Promise<void> {
  const max = hooks.maxPerTurn;
  const bound = max > 0 ? max : SYNC_MAX;
  const trace = hooks.trace;
  let n = 0;
  hooks.lifecycle?.(`${what}: receive loop started`);
  if (!sock.closed) sock.receiveTimeout = 0;
  for (;;) {
    let msg: Buffer[];
    try {
      msg = await sock.receive();
    } catch (err) {
      if (sock.closed) break;
      if ((err as { code?: string }).code === "EAGAIN") {
        // Nothing queued: the end of a poll round. Wait for the socket (the
        // wait lets the event loop run, so the turn's count starts afresh).
        if (trace && n > 0) trace(`${what}: read ${n} messages`);
        n = 0;
        try {
          sock.receiveTimeout = -1;
          msg = await sock.receive();
          if (!sock.closed) sock.receiveTimeout = 0;
        } catch (err2) {
          if (sock.closed) break;
          hooks.failed(`[zeromq] ${what}: receive error: ${(err2 as Error).message}`);
          await yieldToEventLoop();
          continue;
        }
      } else {
        hooks.failed(`[zeromq] ${what}: receive error: ${(err as Error).message}`);
        await yieldToEventLoop();
        continue;
      }
    }
    try {
      handle(msg);
    } catch (err) {
      hooks.failed(`[zeromq] ${what}: error handling a message: ${(err as Error).stack ?? err}`);
    }
    if (++n >= bound) {
      if (max > 0) trace?.(`${what}: read ${n} messages, yielding (poll_max_messages=${max})`);
      n = 0;
      await yieldToEventLoop();
    }
  }
  hooks.lifecycle?.(`${what}: receive loop stopped`);
}

/** Let timers, I/O callbacks and setImmediate callbacks run. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
