// The C counting forwarder (native/counting-proxy.c): upstream's eight
// proxy counters at the native proxy's speed. Loaded from the addon the
// build makes when the system has libzmq's headers (Debian: libzmq3-dev);
// without it, `available()` is false and the broker's "counting" engine
// uses the JavaScript forwarder (broker-worker.mjs) instead.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The addon's API (see the comment at the top of native/counting-proxy.c). */
interface Addon {
  open(
    ioThreads: number,
    xpubEndpoint: string,
    xsubEndpoint: string,
    xpubOptions: [number, number][],
    xsubOptions: [number, number][],
  ): { handle: object; xpub: string; xsub: string; xpubOptions: [number, number][]; xsubOptions: [number, number][] };
  run(handle: object): Promise<void>;
  stats(handle: object): number[];
  stop(handle: object): void;
}

/** zeromq.js socket property -> ZMQ_* option number (zmq.h), for the options the broker's sockets take. */
const ZMQ_OPTION: Record<string, number> = {
  linger: 17, // ZMQ_LINGER
  sendBufferSize: 11, // ZMQ_SNDBUF
  maxMessageSize: 22, // ZMQ_MAXMSGSIZE (int64)
  sendHighWaterMark: 23, // ZMQ_SNDHWM
  receiveHighWaterMark: 24, // ZMQ_RCVHWM
  ipv6: 42, // ZMQ_IPV6
  noDrop: 69, // ZMQ_XPUB_NODROP
};

let addon: Addon | null | undefined;

/**
 * build/native/counting-proxy.node of the package this file is in: found by
 * walking up from here, so the source tree, dist/ and the bundles the tests
 * and benchmarks make under node_modules/.cache all find the one build.
 */
function find(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const path = join(dir, "build", "native", "counting-proxy.node");
    if (existsSync(path)) return path;
    if (dirname(dir) === dir) return undefined;
  }
}

function load(): Addon | null {
  if (addon !== undefined) return addon;
  const path = find();
  addon = path ? (createRequire(import.meta.url)(path) as Addon) : null;
  return addon;
}

/**
 * True when the C forwarder's file is there, without loading it: a node
 * that never starts a broker then maps neither the addon nor the system's
 * libzmq (~1.5 MB of RSS; bench/README.md, Memory).
 */
export function built(): boolean {
  return addon !== undefined ? addon !== null : find() !== undefined;
}

/** True when the C forwarder was built (scripts/build.mjs, needs libzmq's headers). */
export function available(): boolean {
  return load() !== null;
}

/** zeromq.js-style options (socketOptionsFor + linger) as [ZMQ_*, value] pairs. */
function zmqOptions(options: Record<string, unknown>): [number, number][] {
  return Object.entries(options).map(([name, value]) => {
    const opt = ZMQ_OPTION[name];
    if (opt === undefined) throw new Error(`counting proxy: no ZMQ_* mapping for socket option ${name}`);
    return [opt, typeof value === "boolean" ? Number(value) : Number(value)];
  });
}

/** [ZMQ_*, value] pairs back to zeromq.js property names (the options as libzmq holds them). */
function propertyValues(pairs: [number, number][]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [opt, value] of pairs) {
    const name = Object.keys(ZMQ_OPTION).find((k) => ZMQ_OPTION[k] === opt);
    if (name) out[name] = value;
  }
  return out;
}

export interface NativeProxy {
  xpubEndpoint: string;
  xsubEndpoint: string;
  /** The sockets' options read back once set, by zeromq.js property name. */
  xpubOptions: Record<string, number>;
  xsubOptions: Record<string, number>;
  /** Resolves once the loop ended and both sockets are closed (after their linger). */
  done: Promise<void>;
  stats(): number[];
  stop(): void;
}

/**
 * Bind (XPUB first, as upstream) and start forwarding. Throws the addon's
 * bind error ({ which, errno, message }) when an endpoint cannot be bound.
 */
export function openNativeProxy(
  ioThreads: number,
  xpubEndpoint: string,
  xsubEndpoint: string,
  xpubOptions: Record<string, unknown>,
  xsubOptions: Record<string, unknown>,
): NativeProxy {
  const a = load();
  if (!a) throw new Error("the C counting proxy is not built (needs libzmq's headers: apt-get install -y libzmq3-dev, then npm run build)");
  const opened = a.open(ioThreads, xpubEndpoint, xsubEndpoint, zmqOptions(xpubOptions), zmqOptions(xsubOptions));
  const handle = opened.handle;
  const done = a.run(handle);
  return {
    xpubEndpoint: opened.xpub,
    xsubEndpoint: opened.xsub,
    xpubOptions: propertyValues(opened.xpubOptions),
    xsubOptions: propertyValues(opened.xsubOptions),
    done,
    stats: () => a.stats(handle),
    stop: () => a.stop(handle),
  };
}
