// Node scripts: ES modules whose default export receives the node, the way
// Zeek scripts attach event handlers. They run before the node starts, so a
// subscribe() there happens "before Cluster::init" and is never lost.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ClusterNode } from "../adapters/node/index";

export type NodeScript = (node: ClusterNode) => void | Promise<void>;

export async function loadScripts(modules: string[], node: ClusterNode): Promise<void> {
  for (const m of modules) {
    const url = m.startsWith("file:") ? m : pathToFileURL(resolve(m)).href;
    let mod: { default?: unknown };
    try {
      mod = await import(url);
    } catch (err) {
      throw new Error(`cannot load script ${m}: ${(err as Error).message}`);
    }
    if (typeof mod.default !== "function") {
      throw new Error(`script ${m} has no default export function (export default (node) => { ... })`);
    }
    await (mod.default as NodeScript)(node);
  }
}
