// The table on stdout: every figure, its baseline or target, and whether
// the target is met.

import type { Results } from "./stages";

interface Row {
  key: string;
  label: string;
  unit: string;
  /** A target: the value must be >= (min) or <= (max). */
  min?: number | ((r: Results) => number);
  max?: number;
  digits?: number;
}

const ROWS: Row[] = [
  { key: "events_per_s", label: "events, our nodes", unit: "/s", min: 0 },
  { key: "events_baseline_per_s", label: "events, pyzmq + zmq_proxy", unit: "/s" },
  { key: "events_ratio", label: "  ours / pyzmq", unit: "x", min: 1.0, digits: 2 },
  { key: "events_c_limit_per_s", label: "events, C + zmq_proxy (limit)", unit: "/s" },
  { key: "events_vs_c_limit", label: "  ours / C", unit: "x", min: 0.5, digits: 2 },
  { key: "events_zeromqjs_per_s", label: "events, bare zeromq.js peers", unit: "/s" },
  { key: "events_vs_zeromqjs", label: "  ours / bare zeromq.js", unit: "x", digits: 2 },
  { key: "event_frames_bytes", label: "  bytes per event (4 frames)", unit: "B" },
  { key: "broker_native_per_s", label: "broker, zeromq native proxy", unit: "/s" },
  { key: "broker_ours_per_s", label: "broker, ours (counting, C)", unit: "/s", min: (r) => 0.9 * r.broker_native_per_s },
  { key: "broker_ratio", label: "  ours / native", unit: "x", min: 0.9, digits: 2 },
  { key: "broker_counting_js_per_s", label: "broker, counting-js", unit: "/s" },
  { key: "broker_counting_js_ratio", label: "  counting-js / native", unit: "x", digits: 2 },
  { key: "event_latency_p50_us", label: "latency p50 at 10k/s", unit: "us" },
  { key: "event_latency_p99_us", label: "latency p99 at 10k/s", unit: "us", max: 2000 },
  { key: "event_latency_max_us", label: "latency max at 10k/s", unit: "us" },
  { key: "log_records_per_s", label: "log records to the file", unit: "/s", min: 500_000 },
  { key: "log_codec_baseline_per_s", label: "log records, msgpackr alone", unit: "/s" },
  { key: "log_ratio", label: "  file / msgpackr", unit: "x", min: 0.5, digits: 2 },
  { key: "converge_s_20", label: "20-node cluster to full mesh", unit: "s", max: 5, digits: 2 },
  { key: "sim_converge_s_1000", label: "1,000 simulated nodes (JS core)", unit: "s", max: 10, digits: 2 },
  { key: "sim_converge_s_1000_wasm", label: "1,000 simulated nodes (Wasm core)", unit: "s", digits: 2 },
  { key: "core_js_ops_per_s", label: "core hot path, JS build", unit: "/s" },
  { key: "core_wasm_ops_per_s", label: "core hot path, Wasm build", unit: "/s" },
  { key: "core_wasm_ratio", label: "  Wasm / JS", unit: "x", min: 0.5, digits: 2 },
  { key: "idle_rss_mb", label: "one node idle, RSS", unit: "MB", max: 60, digits: 1 },
  { key: "rss_growth_mb_1m_events", label: "  RSS growth after 1M events", unit: "MB", max: 5, digits: 1 },
  { key: "rss_growth_mb_1m_events_v8_default", label: "RSS growth, 1M events, V8 default", unit: "MB", digits: 1 },
  { key: "rss_growth_mb_1m_events_capped", label: "RSS growth, 1M events, semi-space cap", unit: "MB", max: 5, digits: 1 },
  { key: "events_1m_capped_vs_v8_default", label: "  events/s capped / V8 default", unit: "x", digits: 2 },
];

function show(v: number, digits = 0): string {
  return digits > 0 ? v.toFixed(digits) : Math.round(v).toLocaleString("en-US");
}

export function printTable(r: Results, out: NodeJS.WritableStream): void {
  const lines: string[][] = [["metric", "value", "target", "met"]];
  for (const row of ROWS) {
    if (!(row.key in r)) continue;
    const v = r[row.key];
    let target = "";
    let met = "";
    if (row.min !== undefined && row.key !== "events_per_s") {
      const m = typeof row.min === "function" ? row.min(r) : row.min;
      target = `>= ${show(m, row.digits)}`;
      met = v >= m ? "yes" : "NO";
    } else if (row.max !== undefined) {
      target = `<= ${show(row.max, row.digits)}`;
      met = v <= row.max ? "yes" : "NO";
    }
    lines.push([row.label, `${show(v, row.digits)} ${row.unit}`, target, met]);
  }
  const w = [0, 1, 2, 3].map((i) => Math.max(...lines.map((l) => l[i].length)));
  const fmtLine = (l: string[]) => `| ${l[0].padEnd(w[0])} | ${l[1].padStart(w[1])} | ${l[2].padEnd(w[2])} | ${l[3].padEnd(w[3])} |`;
  out.write(fmtLine(lines[0]) + "\n");
  out.write(`|${"-".repeat(w[0] + 2)}|${"-".repeat(w[1] + 1)}:|${"-".repeat(w[2] + 2)}|${"-".repeat(w[3] + 2)}|\n`);
  for (const l of lines.slice(1)) out.write(fmtLine(l) + "\n");
}
