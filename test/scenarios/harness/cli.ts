// The `zmq-cluster` command as the scenarios run it: bundled from the
// current sources (tools/testkit/cluster-cli.ts has the recipe and why).
import { resolve } from "node:path";
import { bundledCli } from "../../../tools/testkit/cluster-cli";

const ROOT = resolve(import.meta.dirname, "../../..");

/** Path of a cli.js built from the current sources (built once per content). */
export function scenarioCli(): Promise<string> {
  return bundledCli(ROOT);
}
