// Ports for real-socket tests, safe when several clusters run at once.
//
// Asking the kernel for port 0 is not enough:
// the kernel picks from the ephemeral range, the same range every outgoing
// TCP connection takes its local port from — each node's connection to the
// broker and to the loggers. Between picking a port and a node process
// binding it a second or two later, a connection of another cluster running
// in parallel can take it, and the bind fails with "Address already in
// use". So ports come from below the ephemeral range (never used for
// outgoing connections), are checked to bind, and are reserved across test
// processes with an O_EXCL lock file, released when the test that took them
// has finished (its cluster stopped first: vitest runs onTestFinished hooks
// last-registered first), or at the latest when this process exits; a lock
// whose process is gone counts as free.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

const LOCKS = join(tmpdir(), "zmq-cluster-test-ports");
const LOWEST = 20000;
const held = new Set<string>();
let cleanup = false;

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : 32768;
  } catch {
    return 32768;
  }
}
const HIGHEST = ephemeralLow() - 1;

function reserve(port: number): boolean {
  const file = join(LOCKS, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(file);
      if (!cleanup) {
        cleanup = true;
        process.on("exit", () => held.forEach((f) => rmQuiet(f)));
      }
      return true;
    } catch {
      // Taken: reclaim it only if its owner is gone.
      let owner = NaN;
      try {
        owner = Number(readFileSync(file, "utf8"));
      } catch {
        continue;
      }
      if (owner === process.pid || alive(owner)) return false;
      rmQuiet(file);
    }
  }
  return false;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function rmQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** `n` ports that bind on `host`, reserved until the current test has finished. */
export async function freePorts(n: number, host = "127.0.0.1"): Promise<number[]> {
  mkdirSync(LOCKS, { recursive: true });
  const out: number[] = [];
  const taken: string[] = [];
  for (let tries = 0; out.length < n; tries++) {
    if (tries > 10_000) throw new Error(`no free port in ${LOWEST}..${HIGHEST} on ${host}`);
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
    if (!reserve(port)) continue;
    taken.push(join(LOCKS, String(port)));
    if (await bindable(port, host)) out.push(port);
  }
  const release = () => {
    for (const f of taken) {
      held.delete(f);
      rmQuiet(f);
    }
  };
  try {
    onTestFinished(release);
  } catch {
    // Called outside a test (a beforeAll hook): held until this process exits.
  }
  return out;
}

/** One port (see freePorts). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return (await freePorts(1, host))[0];
}
