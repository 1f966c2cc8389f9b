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
      // Timing bounds that hinge on machine load are asserted by `npm run
      // faults`, not here: this file shares two cores with the other suites,
      // and the project keeps timed assertions out of npm test.
      const line = (c: (typeof r.checks)[number]) => `${c.what}${c.detail ? ` (${c.detail})` : ""}`;
      for (const c of r.checks) if (c.timing && !c.ok) console.log(`${s.id}: timing bound missed under test load: ${line(c)}`);
      const failed = r.checks.filter((c) => !c.ok && !c.timing).map(line);
      // A timing check still ran and measured something.
      expect(r.checks.filter((c) => c.timing).every((c) => c.detail !== undefined)).toBe(true);
      if (!r.ok && r.transcript) console.log(`--- ${s.id}: transcript (last 150 lines)\n${r.transcript.split("\n").slice(-150).join("\n")}`);
      expect({ error: r.error, failed }).toEqual({ error: undefined, failed: [] });
      expect(r.checks.length).toBeGreaterThan(0);
    });
  }
});
