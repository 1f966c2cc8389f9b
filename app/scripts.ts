// Node scripts: ES modules whose default export receives the node, the way
// Zeek scripts attach event handlers. They run before the node starts, so a
// subscribe() there happens "before Cluster::init" and is never lost.
import type { ClusterNode } from "../adapters/node/index";
import type { LogFormat } from "./log-writers";
import { importDefault } from "./import-script";

/** What a node script may want to know about the process it runs in. */
export interface NodeScriptContext {
  /** Where this node writes received logs (<logDir>/<path>.log) when it is a log receiver. */
  logDir: string;
  logFormat: LogFormat;
}

export type NodeScript = (node: ClusterNode, context: NodeScriptContext) => void | Promise<void>;

export async function loadScripts(modules: string[], node: ClusterNode, context: NodeScriptContext): Promise<void> {
  for (const m of modules) {
    const fn = await importDefault(m, "(node) => { ... }");
    await (fn as NodeScript)(node, context);
  }
}
