// Reading the reports of faults/scripts/mesh.mjs: who sees whom up, when,
// and whether pub/sub works between them.
import type { Proc, Report } from "./proc";
import { pairs } from "./cluster";

/** The last node_up/node_down of `peer` seen by `self` after time `since`, or undefined. */
export function lastMembership(p: Proc, self: string, peer: string, since = -Infinity): Report | undefined {
  const rs = p.reports(self).filter((r) => (r.ev === "node_up" || r.ev === "node_down") && r.peer === peer && r.t >= since);
  return rs[rs.length - 1];
}

/** For each ordered pair, when `self` last saw `peer` come up after `since` (and is still up), or undefined. */
export function upTimes(p: Proc, names: string[], since = -Infinity): Map<string, number | undefined> {
  const out = new Map<string, number | undefined>();
  for (const [a, b] of pairs(names)) {
    const r = lastMembership(p, a, b, since);
    out.set(`${a}->${b}`, r?.ev === "node_up" ? r.t : undefined);
  }
  return out;
}

/** Every ordered pair has seen node_up after `since` and no node_down since. */
export function meshUp(p: Proc, names: string[], since = -Infinity): boolean {
  return [...upTimes(p, names, since).values()].every((t) => t !== undefined);
}

/** Every ordered pair (a, b): a received a ping from b after `since`. */
export function meshPinged(p: Proc, names: string[], since = -Infinity): boolean {
  return pairs(names).every(([a, b]) => p.reports(a).some((r) => r.ev === "ping" && r.peer === b && r.t >= since));
}

/** Pairs still missing, for error messages. */
export function missing(p: Proc, names: string[], since = -Infinity): string[] {
  return [...upTimes(p, names, since)].filter(([, t]) => t === undefined).map(([k]) => k);
}

/** Reporter warnings and errors of every node after `since`. */
export function warnings(p: Proc, since = -Infinity): Report[] {
  return p.reports().filter((r) => (r.ev === "warning" || r.ev === "error") && r.t >= since);
}
