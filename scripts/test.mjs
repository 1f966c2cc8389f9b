// npm test: vitest over every suite, then the plain closing line CI reads
// (`N passed, N failed`), taken from vitest's JSON report. Extra arguments
// go to vitest (e.g. `npm test -- test/core`).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

const report = "vitest.json";
rmSync(report, { force: true });
const r = spawnSync(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, "utf8"));
  passed = j.numPassedTests ?? 0;
  // Failed tests, plus files that failed to load (they hold no test results).
  failed = (j.numFailedTests ?? 0) + (j.testResults ?? []).filter((f) => f.status === "failed" && (f.assertionResults ?? []).length === 0).length;
} else {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(r.status === 0 && failed === 0 ? 0 : r.status || 1);
