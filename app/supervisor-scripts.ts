// Supervisor scripts: ES modules run inside the `zmq-cluster cluster`
// supervisor, which is no cluster node. Their default export receives a
// pub/sub-only Client on the cluster's broker, the way upstream's supervisor
// loads only the ZeroMQ options, calls Cluster::init() and then subscribes
// and publishes (supervisor-runs-zmq-proxy-and-connects.zeek). It never
// joins the hello handshake, so nodes see no node_up for it and log no
// expiry warnings about it.
//
// Scripts run before the client connects and before any node starts: a
// subscribe() there reaches the broker first. With `--proxy supervisor` the
// supervisor also waits for the client to be ready before starting nodes, so
// no node can publish before it knows of the client's subscriptions.
import type { Client, ClusterLayout } from "../adapters/node/index";
import { importDefault } from "./import-script";

export interface SupervisorScriptContext {
  /** Pub/sub on the cluster's broker (connect endpoints from the layout). Not a node. */
  readonly client: Client;
  /** The layout the supervisor runs. */
  readonly layout: ClusterLayout;
  /** The --log-dir of the cluster. */
  readonly logDir: string;
  /** Stop the cluster in order (workers and proxies, manager, loggers), then the supervisor: Zeek's terminate(). */
  terminate(): void;
}

export type SupervisorScript = (supervisor: SupervisorScriptContext) => void | Promise<void>;

export async function loadSupervisorScripts(modules: string[], context: SupervisorScriptContext): Promise<void> {
  for (const m of modules) {
    const fn = await importDefault(m, "(supervisor) => { ... }");
    await (fn as SupervisorScript)(context);
  }
}
