// Ports for fault clusters. As in test/scenarios/harness/ports.ts (and in the
// same lock folder, so both can run at once): ports come from below the
// kernel's ephemeral range (outgoing connections never take them), are
// checked to bind, and are reserved across processes with an O_EXCL lock
// file holding our pid; a lock whose process is gone counts as free. The
// scenario's Scope releases them when it ends.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LOCKS = join(tmpdir(), "zmq-cluster-test-ports");
const LOWEST = 20000;

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
  try {
    unlinkSync(file);
  } catch {
    /* gone already */
  }
}

function reserve(port: number): string | undefined {
  const file = join(LOCKS, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return file;
    } catch {
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

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** `n` free ports on 127.0.0.1, and the function that releases them. */
export async function reservePorts(n: number): Promise<{ ports: number[]; release: () => void }> {
  mkdirSync(LOCKS, { recursive: true });
  const top = highest();
  const ports: number[] = [];
  const locks: string[] = [];
  for (let tries = 0; ports.length < n; tries++) {
    if (tries > 10_000) throw new Error(`no free port in ${LOWEST}..${top}`);
    const port = LOWEST + Math.floor(Math.random() * (top - LOWEST + 1));
    const lock = reserve(port);
    if (!lock) continue;
    locks.push(lock);
    if (await bindable(port)) ports.push(port);
  }
  return { ports, release: () => locks.forEach(rmQuiet) };
}
