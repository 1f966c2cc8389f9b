// Reading a layout file: JSON, validated by the layout schema; every error
// names the file, the JSON path and what was expected.
import { readFileSync } from "node:fs";
import { parseLayout, LayoutError, type ClusterLayout } from "../adapters/node/index";

export function readLayoutFile(file: string): ClusterLayout {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new LayoutError(`${file}: cannot read layout: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new LayoutError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  return parseLayout(json, file);
}

/** The node must exist in the layout. */
export function checkNodeName(layout: ClusterLayout, name: string, source: string): void {
  if (!layout.nodes[name]) {
    throw new LayoutError(`${source}: $.nodes: no node named '${name}' (nodes: ${Object.keys(layout.nodes).join(", ")})`);
  }
}
