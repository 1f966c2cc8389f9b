// `npm run faults`: the fault suite. Runs each scenario in turn, each in its
// own hard time bound, prints one table of figures at the end, and (full run
// only) writes the table with the machine it ran on to docs/reliability.md.
//
//   npm run faults                        full run
//   npm run faults -- --quick             reduced (CI): fewer records, same checks
//   npm run faults -- --only logger-kill  some scenarios (comma-separated ids)
//   npm run faults -- --no-write          do not touch docs/reliability.md
//
// Exit status 0 when every check of every scenario held.
import { join } from "node:path";
import { ROOT } from "./lib/root";
import { runScenario, type ScenarioResult } from "./lib/scenario";
import { machine, renderTable, writeReliabilityDoc } from "./lib/report";
import { SCENARIOS } from "./scenarios/index";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const onlyArg = argv.indexOf("--only");
const only = onlyArg >= 0 ? new Set((argv[onlyArg + 1] ?? "").split(",").filter(Boolean)) : undefined;
const write = !argv.includes("--no-write") && !quick && !only;

const chosen = SCENARIOS.filter((s) => !only || only.has(s.id));
if (only && chosen.length !== only.size) {
  process.stderr.write(`unknown scenario id; known: ${SCENARIOS.map((s) => s.id).join(", ")}\n`);
  process.exit(2);
}

const results: ScenarioResult[] = [];
const started = new Date();
for (const s of chosen) {
  process.stderr.write(`[faults] ${s.id}: ${s.title}${quick ? " (quick)" : ""}\n`);
  const r = await runScenario(s, { quick });
  results.push(r);
  process.stderr.write(`[faults] ${s.id}: ${r.ok ? "ok" : "FAILED"} in ${r.seconds.toFixed(1)} s\n`);
  if (!r.ok && r.transcript) process.stderr.write(`${r.transcript.split("\n").slice(-120).join("\n")}\n`);
}

process.stdout.write(`\n${renderTable(results)}\n`);
const failed = results.filter((r) => !r.ok);
for (const r of failed) {
  process.stdout.write(`\n${r.id} FAILED${r.error ? `: ${r.error}` : ""}\n`);
  for (const c of r.checks.filter((c) => !c.ok)) process.stdout.write(`  - ${c.what}${c.detail ? ` (${c.detail})` : ""}\n`);
}
if (write) {
  const file = join(ROOT, "docs", "reliability.md");
  writeReliabilityDoc(file, results, machine(), started);
  process.stdout.write(`\nwrote ${file}\n`);
}
process.stdout.write(`\n${results.length - failed.length} of ${results.length} scenarios passed\n`);
process.exit(failed.length === 0 ? 0 : 1);
