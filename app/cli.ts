// The `zmq-cluster` command. Argument parsing is commander's (a well-kept
// parser that gives per-command --help, unknown-option errors and choices
// checks for free); everything else lives in the modules it calls.
import { Command, InvalidArgumentError, Option } from "commander";
import { resolve } from "node:path";
import {
  DEFAULT_BROKER_ENGINE,
  LayoutError,
  OptionsError,
  parseLayout,
  resolveOptions,
  startBroker,
  type ClusterLayout,
} from "../adapters/node/index";
import { DEFAULT_LAYOUT } from "./default-layout";
import { checkNodeName, readLayoutFile } from "./layout-file";
import type { LogFormat } from "./log-writers";
import { DEFAULT_NODE_SEMI_SPACE_MB } from "./node-flags";
import { runNode } from "./run-node";
import { runCluster } from "./supervisor";

const collect = (value: string, previous: string[]) => [...previous, value];

function secondsArg(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number of seconds (0 or more)");
  return n;
}

function semiSpaceArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a size in MB (a whole number, 0 = V8's default)");
  return n;
}

/** How long a node waits for the broker's first answer before it gives up (ours; upstream waits for ever). */
const brokerTimeoutOption = () =>
  new Option("--broker-timeout <seconds>", "give up (exit 1, one line naming the endpoints) when the broker has not answered within this time; 0 = wait for ever")
    .argParser(secondsArg)
    .default(30);

const OPTION_DEFAULTS = resolveOptions();

function bytesArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1) throw new InvalidArgumentError("expected a size in bytes (a whole number; -1 = no setting)");
  return n;
}

function endpointArg(value: string): string {
  if (!/^(tcp|ipc|inproc):\/\/.+/.test(value)) throw new InvalidArgumentError("expected a ZeroMQ endpoint such as tcp://127.0.0.1:5555");
  return value;
}

const logFormatOption = () =>
  new Option("--log-format <format>", "log file format: Zeek JSON lines or Zeek tab-separated ASCII").choices(["json", "tsv"]).default("json");
const coreOption = () =>
  new Option("--core <build>", "which build of the core decides: js (fastest), wasm (AssemblyScript bindings) or wasm-abi (the raw ABI)")
    .choices(["js", "wasm", "wasm-abi"])
    .default("js");

export function buildProgram(): Command {
  const program = new Command("zmq-cluster")
    .description("Zeek's ZeroMQ cluster backend in Node.js: run a whole cluster, one node, or a broker")
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ outputError: (s, write) => write(s) });

  program
    .command("cluster")
    .description("run every node of a layout as child processes under a supervisor (default: manager, logger, proxy, worker-1, worker-2 on 127.0.0.1)")
    .option("--layout <file>", "cluster layout (JSON); default: the built-in 5-node layout")
    .option("--script <module>", "node script (ES module, default export receives the node); repeatable", collect, [])
    .option(
      "--supervisor-script <module>",
      "script run in the supervisor (ES module, default export receives { client, layout, logDir, terminate }; the client is pub/sub only, not a node); repeatable",
      collect,
      [],
    )
    .option("--log-dir <dir>", "where log receivers write <path>.log (several receivers: <dir>/<node>/)", "logs")
    .addOption(logFormatOption())
    .addOption(new Option("--proxy <host>", "who hosts the central broker").choices(["manager", "supervisor"]).default("manager"))
    .addOption(coreOption())
    .addOption(brokerTimeoutOption())
    .addOption(
      new Option(
        "--node-semi-space <MB>",
        "V8's --max-semi-space-size for every node process: caps the young generation a busy node grows and keeps (RSS); 0 = V8's default",
      )
        .argParser(semiSpaceArg)
        .default(DEFAULT_NODE_SEMI_SPACE_MB),
    )
    .action(async (opts) => {
      const layout: ClusterLayout = opts.layout ? readLayoutFile(opts.layout) : parseLayout(DEFAULT_LAYOUT, "built-in layout");
      const code = await runCluster({
        layout,
        scripts: (opts.script as string[]).map((s) => resolve(s)),
        supervisorScripts: (opts.supervisorScript as string[]).map((s) => resolve(s)),
        logDir: resolve(opts.logDir),
        logFormat: opts.logFormat as LogFormat,
        proxy: opts.proxy,
        core: opts.core,
        brokerTimeout: opts.brokerTimeout,
        nodeSemiSpaceMb: opts.nodeSemiSpace,
        cli: process.argv[1],
      });
      // Every node has stopped: so does the supervisor, whatever a supervisor script left running.
      exitAfterOutput(code);
    });

  program
    .command("run")
    .description("run one node of a layout in the foreground")
    .option("--layout <file>", "cluster layout (JSON)")
    .requiredOption("--node <name>", "this node's name in the layout")
    .option("--script <module>", "node script (ES module); repeatable", collect, [])
    .option("--log-dir <dir>", "where a log receiver writes <path>.log", "logs")
    .addOption(logFormatOption())
    .addOption(coreOption())
    .addOption(brokerTimeoutOption())
    .action(async (opts) => {
      const fromSupervisor = process.env.ZMQ_CLUSTER_LAYOUT;
      let layout: ClusterLayout;
      if (opts.layout) layout = readLayoutFile(opts.layout);
      else if (fromSupervisor) layout = parseLayout(JSON.parse(fromSupervisor), "supervisor layout");
      else throw new LayoutError("run: --layout <file> is required");
      checkNodeName(layout, opts.node, opts.layout ?? "layout");
      const code = await runNode({
        layout,
        name: opts.node,
        scripts: opts.script,
        logDir: resolve(opts.logDir),
        logFormat: opts.logFormat as LogFormat,
        core: opts.core,
        supervised: process.env.ZMQ_CLUSTER_SUPERVISED === "1",
        brokerTimeoutMs: (opts.brokerTimeout as number) * 1000,
        // The supervisor hosts the broker: nodes neither run nor bind one.
        options: process.env.ZMQ_CLUSTER_NO_PROXY === "1" ? { run_proxy_thread: false } : undefined,
      });
      // The node has stopped (terminate(), a signal) or failed fatally: the
      // process ends now, as zeek's does, even if a script's timer or a
      // half-started socket would keep the event loop alive.
      exitAfterOutput(code);
    });

  program
    .command("proxy")
    .description("run a standalone central broker (XSUB <-> XPUB forwarder)")
    .option("--listen-xpub <endpoint>", "broker XPUB bind address (nodes' connect_xsub_endpoint)", endpointArg, "tcp://127.0.0.1:5555")
    .option("--listen-xsub <endpoint>", "broker XSUB bind address (nodes' connect_xpub_endpoint)", endpointArg, "tcp://127.0.0.1:5556")
    .addOption(
      new Option(
        "--engine <engine>",
        "native: libzmq's proxy; counting: upstream's 8 proxy counters (C forwarder, else counting-js); counting-js: the counters in a JavaScript thread",
      )
        .choices(["native", "counting", "counting-js"])
        .default(DEFAULT_BROKER_ENGINE),
    )
    .option("--ipv6", "enable IPv6 on the broker sockets (ZMQ_IPV6)", false)
    .option("--listen-xpub-sndbuf <bytes>", "listen_xpub_sndbuf: kernel send buffer towards each node (-1 = the OS's)", bytesArg, OPTION_DEFAULTS.listen_xpub_sndbuf)
    .option("--rcv-maxmsgsize <bytes>", "rcv_maxmsgsize: cut off a peer that sends a larger frame (-1 = no limit)", bytesArg, OPTION_DEFAULTS.rcv_maxmsgsize)
    .action(async (opts) => {
      let options;
      try {
        options = resolveOptions({
          listen_xpub_endpoint: opts.listenXpub,
          listen_xsub_endpoint: opts.listenXsub,
          ipv6: opts.ipv6,
          listen_xpub_sndbuf: opts.listenXpubSndbuf,
          rcv_maxmsgsize: opts.rcvMaxmsgsize,
          // The broker only forwards: max_message_size is the nodes' check.
          max_message_size: -1,
        });
      } catch (err) {
        process.stderr.write(`error: ${(err as Error).message.replace(/\n/g, "; ")}\n`);
        process.exitCode = 1;
        return;
      }
      let broker;
      try {
        broker = await startBroker({ ...options, engine: opts.engine });
      } catch (err) {
        process.stderr.write(`error: ${(err as Error).message}\nfatal error: Failed to spawn ZeroMQ proxy thread\n`);
        process.exitCode = 1;
        return;
      }
      // Options away from their defaults, as the broker's XPUB holds them.
      const extra = (["listen_xpub_sndbuf", "rcv_maxmsgsize"] as const)
        .filter((k) => broker.socketOptions.xpub[k] !== OPTION_DEFAULTS[k])
        .map((k) => `; ${k} ${broker.socketOptions.xpub[k]}`)
        .join("");
      process.stdout.write(`broker listening: xpub ${broker.xpubEndpoint}, xsub ${broker.xsubEndpoint} (${broker.engine}${extra})\n`);
      await new Promise<void>((resolveStop) => {
        const stop = () => {
          process.stderr.write("received termination signal\n");
          resolveStop();
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      const stats = broker.stats();
      await broker.stop();
      if (stats) process.stdout.write(`broker stats: ${JSON.stringify(stats)}\n`);
    });

  return program;
}

/** Exit once stdout and stderr have taken everything written so far (pipes are asynchronous on some platforms). */
function exitAfterOutput(code: number): void {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    // Configuration problems are one clear line, never a stack trace.
    if (err instanceof LayoutError || err instanceof OptionsError) {
      process.stderr.write(`zmq-cluster: ${err.message}\n`);
    } else {
      process.stderr.write(`zmq-cluster: ${(err as Error).message}\n`);
    }
    process.exitCode = 1;
  }
}

await main();
