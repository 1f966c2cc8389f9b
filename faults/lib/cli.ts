// The `zmq-cluster` command the fault scenarios run: bundled from the
// current sources, the same recipe and cache as the scenario tests
// (tools/testkit/cluster-cli.ts). ROOT is found at run time, so this works
// from source (vitest) and from the bundle `npm run faults` runs.
import { bundledCli } from "../../tools/testkit/cluster-cli";
import { ROOT } from "./root";

/** Path of a cli.js built from the current sources. */
export function faultCli(): Promise<string> {
  return bundledCli(ROOT);
}
