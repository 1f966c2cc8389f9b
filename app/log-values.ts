// Rendering log values for the file writers. Values arrive decoded by the
// wire codec: JS primitives, bigint counts, and the codec's typed classes
// (addr, subnet, port, time, interval, enum, set, table, int), all of which
// have a Zeek-style toString().

/** Zeek ASCII (TSV) rendering of one field. */
export function logValueToText(v: unknown): string {
  if (v === undefined || v === null) return "-";
  switch (typeof v) {
    case "string":
      return v.length === 0 ? "(empty)" : escapeText(v);
    case "boolean":
      return v ? "T" : "F";
    case "number":
      return Number.isInteger(v) ? String(v) : v.toFixed(6);
    case "bigint":
      return v.toString();
  }
  if (Array.isArray(v)) return v.length === 0 ? "(empty)" : v.map(logValueToText).join(",");
  const items = containerItems(v);
  if (items) return items.length === 0 ? "(empty)" : items.map(logValueToText).join(",");
  const seconds = timeSeconds(v);
  if (seconds !== undefined) return seconds.toFixed(6);
  return escapeText(String(v));
}

/** Zeek JSON rendering of one field (a JSON text). */
export function logValueToJson(v: unknown): string {
  if (v === undefined || v === null) return "null";
  switch (typeof v) {
    case "string":
    case "boolean":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
    case "bigint":
      return v.toString();
  }
  if (Array.isArray(v)) return "[" + v.map(logValueToJson).join(",") + "]";
  const items = containerItems(v);
  if (items) return "[" + items.map(logValueToJson).join(",") + "]";
  const seconds = timeSeconds(v);
  if (seconds !== undefined) return String(seconds);
  const num = (v as { valueOf(): unknown }).valueOf();
  if (typeof num === "bigint" || typeof num === "number") return String(num);
  return JSON.stringify(String(v));
}

function containerItems(v: object): unknown[] | undefined {
  if (v instanceof Set) return [...v];
  const items = (v as { items?: unknown; values?: unknown }).items;
  if (Array.isArray(items)) return items;
  return undefined;
}

function timeSeconds(v: object): number | undefined {
  const s = (v as { seconds?: unknown }).seconds;
  return typeof s === "number" ? s : undefined;
}

function escapeText(s: string): string {
  // Zeek escapes the separators and non-printable bytes as \xNN.
  return s.replace(/[\x00-\x1f\x7f\\]/g, (c) => (c === "\\" ? "\\\\" : "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0")));
}
