// `zmq-cluster run`: one node of a layout in the foreground, as `zeek` runs
// one cluster node. Loads the node scripts, starts the node, writes received
// logs to files when it is a log receiver, and stops in order on SIGINT or
// SIGTERM (or when a script calls node.terminate()).
import { ClusterNode, StartError, type ClusterLayout, type NodeConfig, type NodeOptionsInput } from "../adapters/node/index";
import { LogFileWriters, type LogFormat } from "./log-writers";
import { loadScripts } from "./scripts";

export interface RunNodeOptions {
  layout: ClusterLayout;
  name: string;
  scripts: string[];
  logDir: string;
  logFormat: LogFormat;
  core?: NodeConfig["core"];
  /** Options that override the layout's (e.g. run_proxy_thread from the supervisor). */
  options?: NodeOptionsInput;
  /** Supervised: stop when the supervisor's pipe on stdin closes (it died). */
  supervised?: boolean;
  /**
   * Give up when the broker has not answered within this many ms after the
   * start (the node's ready probe never came back: nothing listens at the
   * connect endpoints, or not the broker): one line, exit 1. 0 = wait for
   * ever, as upstream's node does.
   */
  brokerTimeoutMs?: number;
}

/** Runs until the node stops; resolves with the process exit code. */
export async function runNode(o: RunNodeOptions): Promise<number> {
  // Log files are journaled (log-journal.ts): a restarted logger knows
  // exactly which batches it wrote before it was killed, and the node tells
  // the senders (acknowledged delivery), so nothing is lost or written twice.
  let writers: LogFileWriters | undefined;
  const openWriters = () => (writers ??= new LogFileWriters(o.logDir, o.logFormat, true));
  const logState = () => {
    const r = openWriters().recover();
    if (r.repaired) {
      process.stderr.write(`log journal: ${r.repaired.file} ended in an incomplete write (${r.repaired.from} bytes); cut back to ${r.repaired.to}\n`);
    }
    return r.states;
  };
  const node = new ClusterNode({ layout: o.layout, name: o.name, core: o.core, options: o.options, logState });
  node.on("log", (batch) => openWriters().write(batch));

  try {
    await loadScripts(o.scripts, node, { logDir: o.logDir, logFormat: o.logFormat });
  } catch (err) {
    process.stderr.write(`fatal error: ${(err as Error).message}\n`);
    return 1;
  }

  const finished = new Promise<void>((resolve) => node.once("terminated", () => resolve()));
  // A signal during start() is acted on once start() has settled: the node
  // cannot stop half-built.
  let started = false;
  let stopRequested = false;
  const stop = (why: string) => {
    if (why) process.stderr.write(`${why}\n`);
    if (started) void node.terminate();
    else stopRequested = true;
  };
  const onSignal = () => stop("received termination signal");
  const onSupervisorGone = () => stop("supervisor went away");
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // The supervisor holds our stdin open; EOF means it is gone.
  if (o.supervised) process.stdin.on("end", onSupervisorGone).resume();

  try {
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
    started = true;
    if (stopRequested) void node.terminate();
    let unreachable = false;
    const limit = o.brokerTimeoutMs ?? 0;
    const timer =
      limit > 0
        ? setTimeout(() => {
            unreachable = true;
            const opts = node.options;
            process.stderr.write(
              `fatal error: ZeroMQ: no answer from the broker within ${limit / 1000} s ` +
                `(connect_xsub_endpoint ${opts.connect_xsub_endpoint}, connect_xpub_endpoint ${opts.connect_xpub_endpoint}): ` +
                "is it running, and are these its listen endpoints?\n",
            );
            void node.terminate();
          }, limit)
        : undefined;
    // ready rejects when the node stops first: nothing to clear then.
    node.ready.then(
      () => clearTimeout(timer),
      () => {},
    );
    await finished;
    clearTimeout(timer);
    return unreachable ? 1 : 0;
  } finally {
    // Nothing of ours may keep the process alive after this (stdin above all).
    writers?.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (o.supervised) process.stdin.off("end", onSupervisorGone).pause();
  }
}
