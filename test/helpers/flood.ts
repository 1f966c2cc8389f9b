// Flood a broker from a separate process while this one is blocked, so the
// nodes of this process cannot read (see flood.py). Blocking is the point:
// spawnSync stops the JS thread, not libzmq's I/O threads nor the broker's
// thread, so queues fill exactly as behind a stalled receiver, and the
// messages are all queued before the node reads again.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { codec } from "../../adapters/node/wire";

export const PYTHON = "/usr/bin/python3";
const script = fileURLToPath(new URL("./flood.py", import.meta.url));

export interface FloodResult {
  /** Events handed to libzmq by the publisher. */
  sent: number;
  /** Events a healthy subscriber (the witness) received meanwhile. */
  witness: number;
  /** The publisher gave up: no progress for quiet_ms (broker back-pressure). */
  stalled: boolean;
}

export interface FloodOptions {
  /** Broker XSUB endpoint (where node XPUBs connect). */
  xsub: string;
  /** Broker XPUB endpoint (where node XSUBs connect). */
  xpub: string;
  topic: string;
  /** Event name; args are one string of `size` bytes. */
  event?: string;
  size?: number;
  count: number;
  quietMs?: number;
}

/**
 * Send `count` copies of a 4-frame log message to a PULL endpoint from a
 * separate process while this one is blocked; stops when the PUSH has been
 * blocked for quietMs (back-pressure).
 */
export function pushFloodSync(o: { endpoint: string; frames: (string | Uint8Array)[]; count: number; quietMs?: number }): FloodResult {
  const cfg = {
    mode: "push",
    endpoint: o.endpoint,
    frames: o.frames.map((f) => Buffer.from(f).toString("hex")),
    count: o.count,
    quiet_ms: o.quietMs ?? 500,
  };
  return run(cfg);
}

function run(cfg: object): FloodResult {
  const r = spawnSync(PYTHON, [script, JSON.stringify(cfg)], { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`flood.py failed (${r.status ?? r.signal}): ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as FloodResult;
}

/** Run the flood; blocks this process until it is over. */
export function floodSync(o: FloodOptions): FloodResult {
  const payload = codec.encodeEvent(o.event ?? "Test::flood", ["x".repeat(o.size ?? 100)]);
  const cfg = {
    xsub: o.xsub,
    xpub: o.xpub,
    topic: o.topic,
    format: codec.eventFormat,
    payload: Buffer.from(payload).toString("hex"),
    count: o.count,
    quiet_ms: o.quietMs ?? 500,
  };
  return run(cfg);
}
