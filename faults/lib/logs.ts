// Reading what the loggers wrote: the fault records ({worker, n}, JSON
// lines) of one or more log files, checked record by record.
import { existsSync, readFileSync, statSync } from "node:fs";

export interface FileTally {
  /** Distinct (worker, n) records. */
  unique: number;
  /** Records seen more than once. */
  duplicates: number;
  /** Lines that are not a whole JSON record (a torn write). */
  torn: number;
  /** Distinct records per worker. */
  perWorker: Map<string, number>;
}

/** Tally the fault records of `files` together. */
export function tally(files: string[]): FileTally {
  const seen = new Map<string, Set<number>>();
  let duplicates = 0;
  let torn = 0;
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    let at = 0;
    while (at < text.length) {
      let end = text.indexOf("\n", at);
      if (end < 0) end = text.length;
      const line = text.slice(at, end);
      at = end + 1;
      if (!line) continue;
      let r: { worker?: unknown; n?: unknown };
      try {
        r = JSON.parse(line);
      } catch {
        torn++;
        continue;
      }
      if (typeof r.worker !== "string" || typeof r.n !== "number") {
        torn++;
        continue;
      }
      let s = seen.get(r.worker);
      if (!s) seen.set(r.worker, (s = new Set()));
      if (s.has(r.n)) duplicates++;
      else s.add(r.n);
    }
  }
  const perWorker = new Map([...seen].map(([w, s]) => [w, s.size]));
  return { unique: [...perWorker.values()].reduce((a, b) => a + b, 0), duplicates, torn, perWorker };
}

/** A file's size, 0 if it does not exist. */
export function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}
