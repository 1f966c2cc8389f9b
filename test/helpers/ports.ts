// Ports for real-socket tests: the shared cross-process allocator
// (tools/testkit/port-locks.ts has why they come from below the ephemeral
// range and how they are locked), released when the test that took them has
// finished (its cluster stopped first: vitest runs onTestFinished hooks
// last-registered first), or at the latest when this process exits.
import { onTestFinished } from "vitest";
import { reservePorts } from "../../tools/testkit/port-locks";

/** `n` ports that bind on `host`, reserved until the current test has finished. */
export async function freePorts(n: number, host = "127.0.0.1"): Promise<number[]> {
  const { ports, release } = await reservePorts(n, host);
  try {
    onTestFinished(release);
  } catch {
    // Called outside a test (a beforeAll hook): held until this process exits.
  }
  return ports;
}

/** One port (see freePorts). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return (await freePorts(1, host))[0];
}
