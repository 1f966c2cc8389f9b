// Schedules for simulated clusters: which node starts when, which in-flight
// message goes next, when the virtual clock jumps. A schedule is plain data,
// so fast-check can generate and shrink it, and replaying one schedule on two
// builds of the core must give the same outputs.

import fc from "fast-check";
import type { CoreApi } from "../../adapters/core-api";
import { SimCluster, type SimNodeSpec, type SimNodeType } from "./cluster";

export type Action =
  /** Deliver on busy channel number `pick` (modulo the busy count). */
  | { k: "deliver"; pick: number }
  /** Start one of the nodes not started yet (`pick` modulo their count). */
  | { k: "start"; pick: number }
  /** Advance the virtual clock by `ms`, firing due timers. */
  | { k: "tick"; ms: number };

export interface Scenario {
  layout: SimNodeSpec[];
  actions: Action[];
  /** Seeds the delivery order of the final drain. */
  drainSeed: number;
  /** Host part of the node ids. */
  host: string;
  /** hello_expiration in ms. */
  expiration: number;
}

/** A manager plus 1..maxOthers loggers, proxies and workers (workers twice as likely). */
export function layoutArb(maxOthers = 7): fc.Arbitrary<SimNodeSpec[]> {
  return fc
    .array(fc.constantFrom<SimNodeType>("logger", "proxy", "worker", "worker"), { minLength: 1, maxLength: maxOthers })
    .map((types) => [{ name: "manager", type: "manager" as SimNodeType }, ...types.map((type, i) => ({ name: `${type}-${i + 1}`, type }))]);
}

export function actionArb(maxTick: number): fc.Arbitrary<Action> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.record({ k: fc.constant("deliver" as const), pick: fc.nat(1 << 16) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("start" as const), pick: fc.nat(64) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: maxTick }) }) },
  );
}

export function scenarioArb(opts: { maxTick: number; maxActions: number; expirations: number[]; maxOthers?: number }): fc.Arbitrary<Scenario> {
  return fc.record({
    layout: layoutArb(opts.maxOthers),
    // size "max": fast-check's default size would keep schedules at a few
    // actions, leaving nearly everything to the final drain.
    actions: fc.array(actionArb(opts.maxTick), { minLength: opts.maxActions >> 1, maxLength: opts.maxActions, size: "max" }),
    drainSeed: fc.nat(),
    // Host names with dots make node ids with dots (FQDNs).
    host: fc.constantFrom("sim", "h1.dc1.example.org"),
    expiration: fc.constantFrom(...opts.expirations),
  });
}

/**
 * Run a scenario: its actions, then start whoever is left and deliver
 * everything in flight (in an order drawn from drainSeed) without advancing
 * time. The caller destroys the returned cluster.
 */
export function runScenario(api: CoreApi, s: Scenario): SimCluster {
  const sim = new SimCluster(api, s.layout, { helloExpirationMs: s.expiration, host: s.host });
  const unstarted = s.layout.map((n) => n.name);
  for (const a of s.actions) {
    if (a.k === "start") {
      if (unstarted.length > 0) sim.start(unstarted.splice(a.pick % unstarted.length, 1)[0]);
    } else if (a.k === "tick") {
      sim.advance(a.ms);
    } else {
      sim.step(a.pick);
    }
  }
  for (const name of unstarted) sim.start(name);
  let seed = s.drainSeed >>> 0;
  sim.drain(() => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 8;
  });
  return sim;
}
