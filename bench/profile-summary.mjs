// Summarise a V8 .cpuprofile (node --cpu-prof; BENCH_CPU_PROF=<dir> makes
// every bench role write one): self time per function, the top entries.
//   node bench/profile-summary.mjs FILE.cpuprofile [top=25]
// For a flame graph, open the same file in Chrome DevTools (Performance)
// or speedscope.
import { readFileSync } from "node:fs";

const [file, topArg] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = prof.timeDeltas;
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const n = byId.get(prof.samples[i]);
  const d = dt[i] ?? 0;
  total += d;
  const f = n.callFrame;
  const where = f.url ? `${f.url.replace(/^.*\//, "")}:${f.lineNumber + 1}` : "";
  const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + d);
}
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25));
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
for (const [k, v] of rows) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${(v / 1e3).toFixed(0).padStart(7)} ms  ${k}`);
