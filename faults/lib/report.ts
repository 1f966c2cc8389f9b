// The fault suite's table, and the part of docs/reliability.md it owns
// (between the `faults:begin` and `faults:end` markers; the rest of the
// document is written by hand and kept as it is).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import type { ScenarioResult } from "./scenario";

const BEGIN = "<!-- faults:begin (written by npm run faults; do not edit by hand) -->";
const END = "<!-- faults:end -->";

function fmt(v: number | string): string {
  if (typeof v === "string") return v;
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);
}

/** One Markdown table: scenario, result, checks, time, figures. */
export function renderTable(results: ScenarioResult[]): string {
  const rows = [
    "| scenario | result | checks | time | figures |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const r of results) {
    const passed = r.checks.filter((c) => c.ok).length;
    const figures = r.figures.map((f) => `${f.key} = ${fmt(f.value)}${f.unit ? ` ${f.unit}` : ""}`).join("<br>");
    rows.push(`| ${r.title} | ${r.ok ? "pass" : r.error?.startsWith("timed out") ? "**TIMEOUT**" : "**FAIL**"} | ${passed}/${r.checks.length} | ${r.seconds.toFixed(0)} s | ${figures || "-"} |`);
  }
  return rows.join("\n");
}

/** What the figures were measured on. */
export function machine(): string {
  const c = cpus();
  let load = "";
  try {
    load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    /* not Linux */
  }
  return `${c.length} x ${c[0]?.model.trim() ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}${load ? `, load average ${load} at the end` : ""}`;
}

export function writeReliabilityDoc(file: string, results: ScenarioResult[], where: string, when: Date): void {
  const block = [
    BEGIN,
    "",
    `Latest full run: ${when.toISOString().slice(0, 16).replace("T", " ")} UTC, ${where}.`,
    "",
    renderTable(results),
    "",
    "Checks per scenario (every one must hold for a pass):",
    "",
    ...results.flatMap((r) => [`- **${r.title}**`, ...r.checks.map((c) => `  - ${c.ok ? "✓" : "✗"} ${c.what}${c.detail ? ` — ${c.detail}` : ""}`)]),
    "",
    END,
  ].join("\n");
  const text = existsSync(file) ? readFileSync(file, "utf8") : `# Reliability\n\n${BEGIN}\n${END}\n`;
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  const next = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + END.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
