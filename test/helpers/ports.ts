// Free TCP ports on 127.0.0.1 for real-socket tests: ask the kernel for an
// ephemeral port, release it, and never hand the same one out twice in this
// process (parallel test files run in separate processes with their own
// kernel-chosen ports, so collisions need the kernel to reuse a port within
// milliseconds, which Linux avoids).
import { createServer } from "node:net";

const handedOut = new Set<number>();

export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(0, host, () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export async function freePorts(n: number, host = "127.0.0.1"): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await freePort(host));
  return out;
}
