// `zmq-cluster run`: one node of a layout in the foreground, as `zeek` runs
// one cluster node. Loads the node scripts, starts the node, writes received
// logs to files when it is a log receiver, and stops in order on SIGINT or
// SIGTERM (or when a script calls node.terminate()).
import { ClusterNode, StartError, type ClusterLayout, type NodeOptionsInput } from "../adapters/node/index";
import { LogFileWriters, type LogFormat } from "./log-writers";
import { loadScripts } from "./scripts";

export interface RunNodeOptions {
  layout: ClusterLayout;
  name: string;
  scripts: string[];
  logDir: string;
  logFormat: LogFormat;
  core?: "js" | "wasm";
  /** Options that override the layout's (e.g. run_proxy_thread from the supervisor). */
  options?: NodeOptionsInput;
  /** Supervised: stop when the supervisor's pipe on stdin closes (it died). */
  supervised?: boolean;
}

/** Runs until the node stops; resolves with the process exit code. */
export async function runNode(o: RunNodeOptions): Promise<number> {
  const node = new ClusterNode({ layout: o.layout, name: o.name, core: o.core, options: o.options });
  let writers: LogFileWriters | undefined;
  node.on("log", (batch) => {
    writers ??= new LogFileWriters(o.logDir, o.logFormat);
    writers.write(batch);
  });

  try {
    await loadScripts(o.scripts, node);
  } catch (err) {
    process.stderr.write(`fatal error: ${(err as Error).message}\n`);
    return 1;
  }

  const finished = new Promise<void>((resolve) => node.once("terminated", () => resolve()));
  const stop = (why: string) => {
    if (why) process.stderr.write(`${why}\n`);
    void node.terminate();
  };
  const onSignal = () => stop("received termination signal");
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  if (o.supervised) {
    // The supervisor holds our stdin open; EOF means it is gone.
    process.stdin.on("end", () => stop("supervisor went away")).resume();
  }

  try {
    await node.start();
  } catch (err) {
    if (err instanceof StartError) {
      process.stderr.write(`error: ${err.cause.message}\nfatal error: ${err.fatal}\n`);
    } else {
      process.stderr.write(`fatal error: ${(err as Error).message}\n`);
    }
    return 1;
  }
  await finished;
  writers?.close();
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  if (o.supervised) process.stdin.pause();
  return 0;
}
