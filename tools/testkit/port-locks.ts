// Ports for real-socket clusters, safe when several run at once (test files,
// the fault suite, in this process or others).
//
// Asking the kernel for port 0 is not enough: the kernel picks from the
// ephemeral range, the same range every outgoing TCP connection takes its
// local port from — each node's connection to the broker and to the
// loggers. Between picking a port and a node process binding it a second or
// two later, a connection of another cluster can take it, and the bind
// fails with "Address already in use". So ports come from below the
// ephemeral range (never used for outgoing connections), are checked to
// bind, and are reserved across processes with an O_EXCL lock file holding
// our pid; a lock whose process is gone counts as free. Locks are released
// by the caller, or at the latest when this process exits.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LOCKS = join(tmpdir(), "zmq-cluster-test-ports");
const LOWEST = 20000;
const held = new Set<string>();
let exitHook = false;

/** The highest port below the kernel's ephemeral range. */
function highest(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low - 1 : 32767;
  } catch {
    return 32767;
  }
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
  held.delete(file);
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

/** The lock file for `port`, or undefined when a live process holds it. */
function reserve(port: number): string | undefined {
  const file = join(LOCKS, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(file);
      if (!exitHook) {
        exitHook = true;
        process.on("exit", () => [...held].forEach(rmQuiet));
      }
      return file;
    } catch {
      // Taken: reclaim it only if its owner is gone.
      let owner = NaN;
      try {
        owner = Number(readFileSync(file, "utf8"));
      } catch {
        continue;
      }
      if (owner === process.pid || alive(owner)) return undefined;
      rmQuiet(file);
    }
  }
  return undefined;
}

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** `n` ports that bind on `host`, and the function that releases them. */
export async function reservePorts(n: number, host = "127.0.0.1"): Promise<{ ports: number[]; release: () => void }> {
  mkdirSync(LOCKS, { recursive: true });
  const top = highest();
  const ports: number[] = [];
  const locks: string[] = [];
  for (let tries = 0; ports.length < n; tries++) {
    if (tries > 10_000) throw new Error(`no free port in ${LOWEST}..${top} on ${host}`);
    const port = LOWEST + Math.floor(Math.random() * (top - LOWEST + 1));
    const lock = reserve(port);
    if (!lock) continue;
    locks.push(lock);
    if (await bindable(port, host)) ports.push(port);
  }
  return { ports, release: () => locks.forEach(rmQuiet) };
}
