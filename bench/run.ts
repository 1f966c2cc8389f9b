// `npm run bench [-- --quick] [--json FILE] [--only stage,...]`
//
// Every figure is measured against a baseline taken on the same machine in
// the same run (machines here are shared and noisy), and reported as both.
// Stages (each prints a progress line on stderr; the table goes to stdout):
//   events    our nodes vs pyzmq vs C through libzmq's proxy, + RSS
//   broker    raw frames through zeromq's native proxy vs our counting broker
//   latency   one-way publish -> handler latency at a steady 10k events/s
//   logs      worker -> logger file vs msgpackr encode+decode alone
//   converge  a 20-node cluster from `zmq-cluster cluster` to full mesh
//   sim       the core alone: 1,000 simulated nodes to full membership
//   core      the membership + batching hot path, JS build vs Wasm build
// bench/README.md explains each measurement and records a full run.

import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { runRole } from "./roles";
import { stopAll } from "./lib";
import { STAGES, type Results, type Mode } from "./stages";
import { printTable } from "./table";

async function main(argv: string[]): Promise<number> {
  const roleAt = argv.indexOf("--role");
  if (roleAt >= 0) {
    await runRole(argv[roleAt + 1], argv[roleAt + 2] ?? "{}");
    return -1; // a role decides itself when the process ends
  }
  const quick = argv.includes("--quick");
  const jsonAt = argv.indexOf("--json");
  const jsonFile = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;
  if (jsonAt >= 0 && !jsonFile) throw new Error("--json needs a file name");
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt >= 0 ? argv[onlyAt + 1].split(",") : undefined;
  for (const s of only ?? []) if (!STAGES.some((x) => x.name === s)) throw new Error(`unknown stage ${s} (stages: ${STAGES.map((x) => x.name).join(", ")})`);

  const mode: Mode = quick ? "quick" : "full";
  const results: Results = {};
  const t0 = Date.now();
  const say = (s: string) => process.stderr.write(`[bench] ${s}\n`);
  say(`${mode} run on ${cpus().length} x ${cpus()[0]?.model ?? "?"}, node ${process.version}`);
  for (const stage of STAGES) {
    if (only ? !only.includes(stage.name) : stage.dev) continue;
    const s0 = Date.now();
    say(`${stage.name}: ${stage.title} ...`);
    Object.assign(results, await stage.run(mode, (line) => say(`${stage.name}: ${line}`)));
    say(`${stage.name}: done in ${((Date.now() - s0) / 1000).toFixed(1)} s`);
  }
  const bad = Object.entries(results).filter(([, v]) => typeof v !== "number" || !Number.isFinite(v));
  if (bad.length > 0) throw new Error(`not a finite number: ${bad.map(([k, v]) => `${k}=${v}`).join(", ")}`);
  printTable(results, process.stdout);
  say(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (jsonFile) {
    writeFileSync(jsonFile, JSON.stringify({ ...results, mode, machine: machine(), at: new Date().toISOString() }, null, 2) + "\n");
    say(`wrote ${jsonFile}`);
  }
  return 0;
}

function machine(): Record<string, unknown> {
  return { nproc: cpus().length, cpu: cpus()[0]?.model ?? "", node: process.version };
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  async (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    await stopAll();
    process.exit(1);
  },
);
