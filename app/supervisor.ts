// `zmq-cluster cluster`: a supervisor in the manner of `zeek -j`.
//
// Starts every node of the layout as its own child process (`zmq-cluster
// run`), prefixes each child's output with its node name, restarts a node
// that dies unexpectedly (it rejoins with a new node id; its peers see
// node_down, then node_up), and on SIGINT/SIGTERM stops the cluster in
// order: workers and proxies, then the manager, loggers last so the final
// log batches land. With `proxy: "supervisor"` the broker runs here instead
// of in the manager (upstream's supervisor-hosted proxy): the supervisor is
// no cluster node and takes no part in the hello handshake.
//
// A child that exits with status 0 stopped on purpose (a script called
// terminate()) and is not restarted; when every node has stopped, so does
// the supervisor.
//
// Supervisor scripts (supervisor-scripts.ts) get a pub/sub-only Client on
// the broker; it connects before the nodes start and closes after they
// stopped, before the broker.
//
// Log receivers write to --log-dir; when the layout has several (e.g. two
// loggers), each gets <log-dir>/<name>/ so their files stay apart, as each
// Zeek logger writes in its own directory.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Client, startBroker, resolveOptions, type Broker, type ClusterLayout, type NodeConfig } from "../adapters/node/index";
import type { LogFormat } from "./log-writers";
import { nodeV8Flags } from "./node-flags";
import { loadSupervisorScripts } from "./supervisor-scripts";

export interface SupervisorOptions {
  layout: ClusterLayout;
  scripts: string[];
  /** Supervisor scripts: run here, with a pub/sub-only Client (see supervisor-scripts.ts). */
  supervisorScripts?: string[];
  logDir: string;
  logFormat: LogFormat;
  proxy: "manager" | "supervisor";
  core?: NodeConfig["core"];
  /** Passed to each node (`run --broker-timeout`), in seconds. */
  brokerTimeout?: number;
  /** The CLI entry to run children with (process.argv[1]). */
  cli: string;
  /** V8's --max-semi-space-size (MB) for every node process; 0 = V8's default. Default: app/node-flags.ts. */
  nodeSemiSpaceMb?: number;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

/** Stop order: lower first. */
const STOP_PHASE: Record<string, number> = { worker: 0, proxy: 0, manager: 1, logger: 2 };
const STOP_GRACE_MS = 10_000;
const BACKOFF_START_MS = 250;
const BACKOFF_MAX_MS = 5_000;
/** A node that dies this many times in a row within QUICK_DEATH_MS of starting has failed for good. */
const MAX_QUICK_DEATHS = 5;
const QUICK_DEATH_MS = 2_000;
/** How long the supervisor's client may take to become ready on the supervisor's own broker. */
const CLIENT_READY_MS = 10_000;

interface Child {
  name: string;
  type: string;
  proc?: ChildProcess;
  exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  startedAt: number;
  backoff: number;
  quickDeaths: number;
  lastCode: number | null;
  done: boolean;
  restartTimer?: NodeJS.Timeout;
}

export async function runCluster(o: SupervisorOptions): Promise<number> {
  const out = o.out ?? process.stdout;
  const err = o.err ?? process.stderr;
  const say = (line: string) => out.write(`[supervisor] ${line}\n`);
  let broker: Broker | undefined;
  let stopping = false;
  let failed = false;

  const layoutJson = JSON.stringify(o.layout);
  if (o.proxy === "supervisor") {
    const opts = resolveOptions(o.layout.zeromq);
    try {
      broker = await startBroker(opts);
    } catch (e) {
      err.write(`error: ${(e as Error).message}\nfatal error: Failed to spawn ZeroMQ proxy thread\n`);
      return 1;
    }
    say(`broker listening: xpub ${broker.xpubEndpoint}, xsub ${broker.xsubEndpoint}`);
  }

  const receivers = Object.entries(o.layout.nodes)
    .filter(([, n]) => n.node_type === "logger" || (o.layout.manager_is_logger && n.node_type === "manager"))
    .map(([name]) => name);
  const logDirFor = (name: string) => (receivers.length > 1 && receivers.includes(name) ? join(o.logDir, name) : o.logDir);

  const children: Child[] = Object.entries(o.layout.nodes)
    .map(([name, n]) => ({ name, type: n.node_type, startedAt: 0, backoff: BACKOFF_START_MS, quickDeaths: 0, lastCode: null, done: false }))
    // The manager first: by default it hosts the broker.
    .sort((a, b) => Number(b.type === "manager") - Number(a.type === "manager"));

  let resolveAllDone!: () => void;
  const allDone = new Promise<void>((r) => (resolveAllDone = r));
  const checkAllDone = () => {
    if (children.every((c) => c.done)) resolveAllDone();
  };

  const spawnChild = (c: Child) => {
    const args = [o.cli, "run", "--node", c.name, "--log-dir", logDirFor(c.name), "--log-format", o.logFormat];
    if (o.core) args.push("--core", o.core);
    if (o.brokerTimeout !== undefined) args.push("--broker-timeout", String(o.brokerTimeout));
    for (const s of o.scripts) args.push("--script", s);
    const env: NodeJS.ProcessEnv = { ...process.env, ZMQ_CLUSTER_LAYOUT: layoutJson, ZMQ_CLUSTER_SUPERVISED: "1" };
    if (o.proxy === "supervisor") env.ZMQ_CLUSTER_NO_PROXY = "1";
    // A process group of its own: a terminal's Ctrl-C reaches only the
    // supervisor, which then stops the nodes in order.
    const proc = spawn(process.execPath, [...nodeV8Flags(o.nodeSemiSpaceMb), ...args], { env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    c.proc = proc;
    c.startedAt = Date.now();
    prefixLines(proc.stdout!, out, c.name);
    prefixLines(proc.stderr!, err, c.name);
    // "close", not "exit": only then has every line the node wrote been
    // forwarded; the supervisor may exit right after its last node.
    c.exited = new Promise((resolve) => proc.once("close", (code, signal) => resolve({ code, signal })));
    void c.exited.then(({ code, signal }) => onExit(c, code, signal));
  };

  const onExit = (c: Child, code: number | null, signal: NodeJS.Signals | null) => {
    c.proc = undefined;
    c.lastCode = code;
    if (stopping) {
      c.done = true;
      return;
    }
    if (code === 0) {
      say(`${c.name} stopped`);
      c.done = true;
      checkAllDone();
      return;
    }
    const quick = Date.now() - c.startedAt < QUICK_DEATH_MS;
    c.quickDeaths = quick ? c.quickDeaths + 1 : 0;
    if (!quick) c.backoff = BACKOFF_START_MS;
    const how = signal ? `signal ${signal}` : `status ${code}`;
    if (c.quickDeaths >= MAX_QUICK_DEATHS) {
      say(`${c.name} failed ${c.quickDeaths} times in a row right after starting (${how}); stopping the cluster`);
      failed = true;
      c.done = true;
      void shutdown();
      return;
    }
    say(`${c.name} exited unexpectedly (${how}); restarting in ${(c.backoff / 1000).toFixed(2)} s`);
    c.restartTimer = setTimeout(() => {
      c.restartTimer = undefined;
      if (!stopping) spawnChild(c);
    }, c.backoff);
    c.backoff = Math.min(c.backoff * 2, BACKOFF_MAX_MS);
  };

  let shuttingDown: Promise<void> | undefined;
  const shutdown = () => {
    shuttingDown ??= (async () => {
      stopping = true;
      for (const c of children) if (c.restartTimer) clearTimeout(c.restartTimer);
      for (const phase of [0, 1, 2]) {
        const group = children.filter((c) => (STOP_PHASE[c.type] ?? 0) === phase && c.proc);
        await Promise.all(group.map((c) => stopChild(c)));
      }
      for (const c of children) c.done = true;
      resolveAllDone();
    })();
    return shuttingDown;
  };

  const stopChild = async (c: Child) => {
    const proc = c.proc;
    if (!proc || !c.exited) return;
    proc.kill("SIGTERM");
    const killer = setTimeout(() => {
      say(`${c.name} did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
      proc.kill("SIGKILL");
    }, STOP_GRACE_MS);
    const { code, signal } = await c.exited;
    clearTimeout(killer);
    // Killed by our own SIGTERM: the node was still starting and had not
    // installed its handler yet, so nothing was running that could be lost.
    if (signal === "SIGTERM") {
      say(`${c.name} stopped while still starting`);
      return;
    }
    if (code !== 0) {
      failed = true;
      say(`${c.name} stopped with ${signal ? `signal ${signal}` : `status ${code}`}`);
    }
  };

  const onSignal = () => {
    say("received termination signal, stopping the cluster");
    void shutdown();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let client: Client | undefined;
  if (o.supervisorScripts?.length) {
    client = await startClient(o, broker !== undefined, say, err, () => {
      say("terminate() called by a supervisor script, stopping the cluster");
      void shutdown();
    });
    if (!client) {
      await broker?.stop();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      return 1;
    }
  }

  if (!stopping) {
    say(`starting ${children.length} nodes: ${children.map((c) => c.name).join(", ")}`);
    for (const c of children) spawnChild(c);
  }
  await allDone;
  if (shuttingDown) await shuttingDown;
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  await client?.close();
  await broker?.stop();
  const anyFailed = failed || children.some((c) => c.lastCode !== 0 && c.lastCode !== null);
  say(anyFailed ? "cluster stopped; a node failed" : "cluster stopped");
  return anyFailed ? 1 : 0;
}

/**
 * Create the supervisor's client, run the supervisor scripts with it, then
 * connect. On our own broker, wait until the client is ready so its
 * subscriptions are in place before any node starts. Undefined on failure.
 */
async function startClient(
  o: SupervisorOptions,
  ownBroker: boolean,
  say: (line: string) => void,
  err: NodeJS.WritableStream,
  terminate: () => void,
): Promise<Client | undefined> {
  // The layout's connect_* endpoints: the broker the nodes use.
  const client = new Client({ options: o.layout.zeromq });
  try {
    await loadSupervisorScripts(o.supervisorScripts!, { client, layout: o.layout, logDir: o.logDir, terminate });
    await client.start();
  } catch (e) {
    err.write(`fatal error: ${(e as Error).message}\n`);
    await client.close();
    return undefined;
  }
  if (ownBroker) {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), CLIENT_READY_MS)));
    if (await Promise.race([client.ready.then(() => false), timedOut])) {
      say(`the supervisor's client is not ready after ${CLIENT_READY_MS / 1000} s (do connect_xsub_endpoint/connect_xpub_endpoint point at the broker?); starting the nodes anyway`);
    }
    clearTimeout(timer);
  }
  return client;
}

function prefixLines(from: NodeJS.ReadableStream, to: NodeJS.WritableStream, name: string): void {
  const rl = createInterface({ input: from, crlfDelay: Infinity });
  rl.on("line", (line) => to.write(`[${name}] ${line}\n`));
}
