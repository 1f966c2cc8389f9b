// The central broker: an XSUB <-> XPUB forwarder off the main event loop.
// Ports ZeroMQ-Proxy.cc (ProxyThread) and spawn_zmq_proxy_thread().
//
// Engines, same sockets and options:
//   "native"      - zeromq.js's Proxy: libzmq's zmq_proxy_steerable on a
//                   libuv pool thread. JS never sees the traffic, so the
//                   eight proxy statistics are not available.
//   "counting"    - upstream's eight frame/byte counters: the C forwarder
//                   (native/counting-proxy.c, zmq_proxy's loop with atomics
//                   the JS thread reads) when the build made it, else
//                   "counting-js".
//   "counting-js" - broker-worker.mjs: the same loop in JavaScript in a
//                   worker thread (no native build needed; ~0.2x the speed).
// Either way the XPUB is VERBOSER (every subscribe and unsubscribe reaches
// every node, including the unsubscriptions libzmq generates when a node's
// connection drops — zeek/zeek PR #4283) with XPUB_NODROP =
// listen_xpub_nodrop, in a context of its own with proxy_io_threads.

import { Worker } from "node:worker_threads";
import * as zmq from "zeromq";
import * as countingProxy from "./counting-proxy";
import { BindError } from "./errors";
import { socketGone } from "./socket-gone";
import { resolveOptions, type NodeOptions } from "./options";
import { readSocketOptions, socketOptionsFor, type SocketOptionValues } from "./socket-options";

export type BrokerEngine = "native" | "counting" | "counting-js";

/** Upstream's eight proxy counters (zeek_cluster_zeromq_proxy_*_total); frames, not events. */
export interface BrokerStats {
  frontend_messages_received: number;
  frontend_bytes_received: number;
  frontend_messages_sent: number;
  frontend_bytes_sent: number;
  backend_messages_received: number;
  backend_bytes_received: number;
  backend_messages_sent: number;
  backend_bytes_sent: number;
}

const STAT_NAMES: (keyof BrokerStats)[] = [
  "frontend_messages_received",
  "frontend_bytes_received",
  "frontend_messages_sent",
  "frontend_bytes_sent",
  "backend_messages_received",
  "backend_bytes_received",
  "backend_messages_sent",
  "backend_bytes_sent",
];

/** The eight counters by name, from an engine's array of them (STAT_NAMES' order). */
function namedStats(values: ArrayLike<number>): BrokerStats {
  const s = {} as BrokerStats;
  STAT_NAMES.forEach((name, i) => (s[name] = values[i]!));
  return s;
}

/** Broker.socketOptions from what holds them: the sockets, or their properties read back elsewhere. */
function brokerSocketOptions(xpub: object, xsub: object): Broker["socketOptions"] {
  return { xpub: readSocketOptions("broker_xpub", xpub), xsub: readSocketOptions("broker_xsub", xsub) };
}

export type BrokerOptions = Pick<
  NodeOptions,
  "listen_xpub_endpoint" | "listen_xsub_endpoint" | "listen_xpub_nodrop" | "proxy_io_threads" | "ipv6"
> &
  /** Absent: their defaults (options.ts). */
  Partial<Pick<NodeOptions, "rcv_maxmsgsize" | "listen_xpub_sndbuf">> & {
  engine?: BrokerEngine;
  /**
   * ZMQ_LINGER of the broker's two sockets at stop: how long it keeps
   * delivering what it already forwarded (e.g. the unsubscriptions of the
   * node that hosts it) before its ports come free. Default 500 (upstream's
   * linger_ms default); -1 waits for ever.
   */
  linger_ms?: number;
};

export interface Broker {
  /** The engine that runs ("counting" only when the C forwarder does). */
  readonly engine: BrokerEngine;
  /** The endpoints actually bound (with the port chosen for `:*`). */
  readonly xpubEndpoint: string;
  readonly xsubEndpoint: string;
  /**
   * The two sockets' options by option name, read back from libzmq once
   * set (kernel buffers and size limits cannot be observed otherwise).
   */
  readonly socketOptions: { xpub: SocketOptionValues; xsub: SocketOptionValues };
  /** The eight counters, or null for the native engine. */
  stats(): BrokerStats | null;
  /** Stop forwarding and close both sockets; idempotent. */
  stop(): Promise<void>;
}

/**
 * The default engine: "counting" when the C forwarder was built, as
 * upstream's proxy always keeps its counters; else "native" (the counters
 * would then cost the JavaScript forwarder's ~0.2x speed, so they stay
 * opt-in there). Measured with C peers, 4-frame events, on this project's
 * 2-core machine (`npm run bench -- --only broker`): the C forwarder runs
 * at the native proxy's rate (bench/README.md has the figures).
 */
export const DEFAULT_BROKER_ENGINE: BrokerEngine = countingProxy.built() ? "counting" : "native";

/**
 * Bind and start the broker. Resolves once both sockets are bound, so nodes
 * may connect right after; rejects with upstream's bind error text.
 */
export async function startBroker(opts: BrokerOptions): Promise<Broker> {
  const engine = opts.engine ?? DEFAULT_BROKER_ENGINE;
  const o: NodeOptions = { ...resolveOptions(), ...opts };
  const xpubOptions = socketOptionsFor("broker_xpub", o);
  const xsubOptions = socketOptionsFor("broker_xsub", o);
  if (engine === "native") return startNative(opts, xpubOptions, xsubOptions);
  if (engine === "counting" && countingProxy.available()) return startCountingC(opts, xpubOptions, xsubOptions);
  return startCounting(opts, xpubOptions, xsubOptions);
}

function brokerLinger(opts: BrokerOptions): number {
  return opts.linger_ms ?? 500;
}

async function startNative(
  opts: BrokerOptions,
  xpubOptions: Record<string, unknown>,
  xsubOptions: Record<string, unknown>,
): Promise<Broker> {
  const context = new zmq.Context({ ioThreads: opts.proxy_io_threads });
  const linger = brokerLinger(opts);
  const xsub = new zmq.XSubscriber({ context, ...xsubOptions, linger });
  const xpub = new zmq.XPublisher({ context, ...xpubOptions, linger, verbosity: "allSubsUnsubs" });
  // Upstream order (ProxyThread::Start): XPUB first, then XSUB. Monitors
  // (for socketGone) only after binding: libzmq reports a failed bind to a
  // monitor before returning, which overwrites the bind's errno (EAGAIN
  // instead of e.g. ENODEV).
  for (const [which, sock, ep] of [
    ["xpub", xpub, opts.listen_xpub_endpoint],
    ["xsub", xsub, opts.listen_xsub_endpoint],
  ] as const) {
    try {
      await sock.bind(ep);
    } catch (err) {
      const gone = Promise.all([socketGone(xsub), socketGone(xpub)]);
      xsub.close();
      xpub.close();
      await gone;
      throw new BindError(which, ep, err as Error);
    }
  }
  const gone = Promise.all([socketGone(xsub), socketGone(xpub)]);
  // Read before the proxy thread owns the sockets.
  const socketOptions = brokerSocketOptions(xpub, xsub);
  const proxy = new zmq.Proxy(xsub, xpub);
  const done = proxy.run();
  let stopping: Promise<void> | undefined;
  return {
    engine: "native",
    xpubEndpoint: xpub.lastEndpoint ?? opts.listen_xpub_endpoint,
    xsubEndpoint: xsub.lastEndpoint ?? opts.listen_xsub_endpoint,
    socketOptions,
    stats: () => null,
    stop() {
      stopping ??= (async () => {
        proxy.terminate();
        // zmq_proxy reads its control socket only between messages: while
        // it is blocked in a send to a full XPUB pipe (XPUB_NODROP, a peer
        // that stopped reading), TERMINATE waits. Bound the wait so a stop
        // never hangs; the process exit ends the proxy thread then.
        const bound = linger + STOP_GRACE_MS;
        const stopped = await settlesWithin(
          (async () => {
            await done; // the Proxy closes both sockets when it returns
            await gone; // ... and now they are gone, ports free
          })(),
          bound,
        );
        if (!stopped) process.stderr.write(`[zeromq] proxy: did not stop within ${bound} ms (blocked on a full subscriber pipe)\n`);
      })();
      return stopping;
    },
  };
}

/** Extra time, beyond the linger, that a broker stop may take. */
const STOP_GRACE_MS = 2000;

/** True when `p` settles within `ms`; the timer never keeps the process alive. */
function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    t.unref();
    p.then(
      () => {
        clearTimeout(t);
        resolve(true);
      },
      () => {
        clearTimeout(t);
        resolve(true);
      },
    );
  });
}

async function startCountingC(
  opts: BrokerOptions,
  xpubOptions: Record<string, unknown>,
  xsubOptions: Record<string, unknown>,
): Promise<Broker> {
  const linger = brokerLinger(opts);
  let proxy: countingProxy.NativeProxy;
  try {
    proxy = countingProxy.openNativeProxy(
      opts.proxy_io_threads,
      opts.listen_xpub_endpoint,
      opts.listen_xsub_endpoint,
      { ...xpubOptions, linger },
      { ...xsubOptions, linger },
    );
  } catch (err) {
    const e = err as Error & { which?: string; errno?: number };
    if (e.which === "xpub" || e.which === "xsub") {
      throw new BindError(e.which, e.which === "xpub" ? opts.listen_xpub_endpoint : opts.listen_xsub_endpoint, e, e.errno);
    }
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    engine: "counting",
    xpubEndpoint: proxy.xpubEndpoint,
    xsubEndpoint: proxy.xsubEndpoint,
    socketOptions: brokerSocketOptions(proxy.xpubOptions, proxy.xsubOptions),
    stats: () => namedStats(proxy.stats()),
    stop() {
      // zmq_ctx_shutdown wakes the loop even from a send held at a full
      // XPUB_NODROP pipe; `done` settles once the sockets have lingered and
      // the context is gone (ports free).
      stopping ??= (async () => {
        proxy.stop();
        const stopped = await settlesWithin(proxy.done, linger + STOP_GRACE_MS);
        if (!stopped) process.stderr.write(`[zeromq] proxy: did not stop within ${linger + STOP_GRACE_MS} ms\n`);
      })();
      return stopping;
    },
  };
}

async function startCounting(
  opts: BrokerOptions,
  xpubOptions: Record<string, unknown>,
  xsubOptions: Record<string, unknown>,
): Promise<Broker> {
  const stats = new SharedArrayBuffer(8 * 8);
  const counters = new Float64Array(stats);
  const worker = new Worker(new URL("./broker-worker.mjs", import.meta.url), {
    workerData: {
      xsubEndpoint: opts.listen_xsub_endpoint,
      xpubEndpoint: opts.listen_xpub_endpoint,
      xpubOptions,
      xsubOptions,
      ioThreads: opts.proxy_io_threads,
      linger: brokerLinger(opts),
      stats,
    },
  });
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  const bound = await new Promise<{ xpub: string; xsub: string; xpubOptions: object; xsubOptions: object }>((resolve, reject) => {
    worker.on("message", (m) => {
      if (m.type === "ready") resolve(m);
      else if (m.type === "bind-error") reject(new BindError(m.which, m.endpoint, new Error(m.message), m.errno));
      else if (m.type === "error") process.stderr.write(m.message + "\n");
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`broker thread exited early (code ${code})`)));
  });
  let stopping: Promise<void> | undefined;
  return {
    engine: "counting-js",
    xpubEndpoint: bound.xpub,
    xsubEndpoint: bound.xsub,
    socketOptions: brokerSocketOptions(bound.xpubOptions, bound.xsubOptions),
    stats: () => namedStats(counters),
    stop() {
      stopping ??= (async () => {
        worker.postMessage({ type: "stop" });
        await exited;
      })();
      return stopping;
    },
  };
}
