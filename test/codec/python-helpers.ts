// Child Python processes for the interop tests: Debian's python3 (which has
// the zmq and msgpack modules), line-by-line stdout with bounded waits.

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const PYTHON = "/usr/bin/python3";
export const TOOLS = fileURLToPath(new URL("../../tools/python/", import.meta.url));

export class PythonTool {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiter: (() => void) | undefined;
  private exited = false;
  stderr = "";

  constructor(script: string, args: string[]) {
    this.child = spawn(PYTHON, [TOOLS + script, ...args], { cwd: TOOLS, stdio: ["pipe", "pipe", "pipe"] });
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      this.lines.push(line);
      this.waiter?.();
    });
    this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
      this.waiter?.();
    });
    this.child.on("exit", () => {
      this.exited = true;
      this.waiter?.();
    });
  }

  /** The next stdout line, within `ms`; a timeout says what was awaited and shows stderr. */
  async nextLine(ms: number, what: string): Promise<string> {
    const deadline = Date.now() + ms;
    while (this.lines.length === 0) {
      if (this.exited) throw new Error(`${what}: the process exited; stderr:\n${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: no line within ${ms} ms; stderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.lines.shift()!;
  }

  /** Wait until stderr contains `text`, within `ms`. */
  async stderrContains(text: string, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.stderr.includes(text)) {
      const left = deadline - Date.now();
      if (left <= 0 || this.exited) throw new Error(`stderr never showed ${JSON.stringify(text)}; it has:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Exit code, waiting at most `ms` (then the process is killed). */
  async exit(ms: number): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    return new Promise((resolve) => {
      const t = setTimeout(() => this.child.kill("SIGKILL"), ms);
      this.child.once("exit", (code) => {
        clearTimeout(t);
        resolve(code);
      });
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}
