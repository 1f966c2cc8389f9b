// The I/O loop for one socket (upstream's poll loop in the I/O thread).
//
// zeromq.js resolves receive() at once while messages are queued, so
// without a yield one busy socket would starve timers, handlers and the
// other sockets; poll_max_messages bounds how many are read before the
// loop lets the event loop run (0 = no bound; zeromq.js itself then still
// yields every 512 synchronous operations). Shared by ClusterNode and
// Client (their XSUB and XPUB, the node's PULL).
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

/** Read `sock` until it is closed, handing every message to `handle`. */
export async function receiveLoop(sock: zmq.Socket & zmq.Readable, handle: (m: Buffer[]) => void, what: string, hooks: ReceiveLoopHooks): Promise<void> {
  const max = hooks.maxPerTurn;
  const trace = hooks.trace;
  let n = 0;
  hooks.lifecycle?.(`${what}: receive loop started`);
  for (;;) {
    let msg: Buffer[];
    try {
      msg = await sock.receive();
    } catch (err) {
      if (sock.closed) break;
      hooks.failed(`[zeromq] ${what}: receive error: ${(err as Error).message}`);
      await yieldToEventLoop();
      continue;
    }
    try {
      handle(msg);
    } catch (err) {
      hooks.failed(`[zeromq] ${what}: error handling a message: ${(err as Error).stack ?? err}`);
    }
    n++;
    if (max > 0 && n >= max) {
      trace?.(`${what}: read ${n} messages, yielding (poll_max_messages=${max})`);
      n = 0;
      await yieldToEventLoop();
    } else if (trace && !sock.closed && !sock.readable) {
      // End of a poll round: the socket has nothing more right now.
      trace(`${what}: read ${n} messages`);
      n = 0;
    }
  }
  hooks.lifecycle?.(`${what}: receive loop stopped`);
}

/** Let timers, I/O callbacks and setImmediate callbacks run. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
