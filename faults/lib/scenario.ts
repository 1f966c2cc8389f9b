// One fault scenario: a function that drives real processes, records
// checks (what must hold) and figures (what was measured), inside a hard
// time bound. When the bound is reached the scenario's Scope is disposed —
// every process it started is killed — and the scenario fails with
// "timed out": nothing outlives it, and the suite always comes to an end.
import { faultCli } from "./cli";
import { nowMs, Scope } from "./proc";

export interface Check {
  what: string;
  ok: boolean;
  detail?: string;
  /**
   * A bound on elapsed time that depends on how busy the machine is (not on
   * our logic alone). `npm run faults` asserts it; the quick form inside
   * `npm test`, which shares two cores with other suites, reports it.
   */
  timing?: boolean;
}

export interface Figure {
  key: string;
  value: number | string;
  unit?: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  ok: boolean;
  seconds: number;
  figures: Figure[];
  checks: Check[];
  error?: string;
  /** Process output, kept when the scenario failed. */
  transcript?: string;
}

export interface Ctx {
  readonly scope: Scope;
  /** The reduced form (CI): fewer records and events, same assertions. */
  readonly quick: boolean;
  /** Path of the zmq-cluster command built from the current sources. */
  readonly cli: string;
  /** Progress line (stderr). */
  log(line: string): void;
  /** Record something that must hold. */
  check(what: string, ok: boolean, detail?: string, opts?: { timing?: boolean }): boolean;
  /** Record a measured figure. */
  figure(key: string, value: number | string, unit?: string): void;
}

export interface Scenario {
  /** Short id, e.g. "broker-restart": `npm run faults -- --only broker-restart`. */
  id: string;
  /** The issue's scenario number and name. */
  title: string;
  /** Hard bound of the whole scenario, in ms. */
  timeoutMs: { full: number; quick: number };
  run(ctx: Ctx): Promise<void>;
}

export interface RunOptions {
  quick: boolean;
  log?: (line: string) => void;
}

export async function runScenario(s: Scenario, o: RunOptions): Promise<ScenarioResult> {
  const log = o.log ?? ((line: string) => process.stderr.write(`[faults] ${line}\n`));
  const scope = new Scope(s.id);
  const checks: Check[] = [];
  const figures: Figure[] = [];
  const start = nowMs();
  const ctx: Ctx = {
    scope,
    quick: o.quick,
    cli: await faultCli(),
    log: (line) => log(`${s.id}: ${line}`),
    check(what, ok, detail, opts) {
      checks.push({ what, ok, detail, ...(opts?.timing ? { timing: true } : {}) });
      if (!ok) log(`${s.id}: FAILED: ${what}${detail ? ` (${detail})` : ""}`);
      return ok;
    },
    figure(key, value, unit) {
      figures.push({ key, value, unit });
    },
  };
  const bound = o.quick ? s.timeoutMs.quick : s.timeoutMs.full;
  let error: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      s.run(ctx),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${bound / 1000} s (the scenario's hard bound)`)), bound))),
    ]);
  } catch (err) {
    error = (err as Error).message;
    log(`${s.id}: ERROR: ${error}`);
  } finally {
    clearTimeout(timer);
  }
  const failed = error !== undefined || checks.some((c) => !c.ok) || checks.length === 0;
  const transcript = failed ? scope.transcripts() : undefined;
  await scope.dispose();
  return {
    id: s.id,
    title: s.title,
    ok: !failed,
    seconds: (nowMs() - start) / 1000,
    figures,
    checks,
    error,
    transcript,
  };
}
