// The output of a `zmq-cluster` process, line by line, as the scenario
// tests and the fault suite read it. The supervisor prefixes every line a
// node prints with `[name] `; a line whose prefix names a known node (or
// the supervisor) is attributed to it, anything else (supervisor scripts,
// a `run` node's own output) has source "".

import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface OutputLine {
  stream: "out" | "err";
  /** Node name from the `[name] ` prefix, "supervisor", or "" for unprefixed lines. */
  source: string;
  text: string;
  /** When it was read, by the caller's clock. */
  t: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Hand every line of `proc`'s stdout and stderr to `onLine`. Resolves on
 * "close", not "exit": by then both streams are read to the end, so a
 * caller that waited for the exit has seen every line.
 */
export function followClusterOutput(proc: ChildProcess, known: ReadonlySet<string>, onLine: (line: OutputLine) => void, now: () => number): Promise<Exit> {
  for (const [stream, from] of [
    ["out", proc.stdout!],
    ["err", proc.stderr!],
  ] as const) {
    createInterface({ input: from, crlfDelay: Infinity }).on("line", (raw) => {
      const m = /^\[([^\]\s]+)\] (.*)$/.exec(raw);
      onLine(m && known.has(m[1]!) ? { stream, source: m[1]!, text: m[2]!, t: now() } : { stream, source: "", text: raw, t: now() });
    });
  }
  return new Promise((resolve) => proc.once("close", (code, signal) => resolve({ code, signal })));
}
