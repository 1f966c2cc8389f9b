// The fault suite's reduced form (`npm run faults -- --quick`), one test per
// scenario, so `npm test` (and .ci/run) catches a regression in how the
// cluster survives a killed broker, worker or logger, a Ctrl-C under load,
// overload, hostile input and bad configuration. Same checks as the full
// run, fewer records and events; each scenario has its own hard time bound
// and kills whatever it started when it ends. The figures are printed at
// the end; docs/reliability.md holds the latest full run's.
import { afterAll, describe, expect, it } from "vitest";
import { renderTable } from "../../faults/lib/report";
import { runScenario, type ScenarioResult } from "../../faults/lib/scenario";
import { SCENARIOS } from "../../faults/scenarios/index";

const results: ScenarioResult[] = [];

afterAll(() => {
  if (results.length) console.log(`fault suite (quick):\n${renderTable(results)}`);
});

describe("fault suite (quick)", () => {
  for (const s of SCENARIOS) {
    it(s.title, { timeout: s.timeoutMs.quick + 30_000 }, async () => {
      const r = await runScenario(s, { quick: true, log: () => {} });
      results.push(r);
      const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.what}${c.detail ? ` (${c.detail})` : ""}`);
      if (!r.ok && r.transcript) console.log(`--- ${s.id}: transcript (last 150 lines)\n${r.transcript.split("\n").slice(-150).join("\n")}`);
      expect({ error: r.error, failed }).toEqual({ error: undefined, failed: [] });
      expect(r.checks.length).toBeGreaterThan(0);
    });
  }
});
