// The codec limit for log records: msgpackr alone encoding and decoding the
// same records (as plain values) in batches of Log::write_buffer_size, in
// one process, no sockets, no files.

import { pack, unpack } from "msgpackr";
import { connRow } from "./records";

const BATCH = 1000;

/** Records per second through msgpackr pack + unpack, over `batches` batches of 1000. */
export function logCodecBaseline(batches: number): number {
  const rows = Array.from({ length: BATCH }, (_, i) => connRow(i));
  let sink = 0;
  // Warm-up, so the JIT has seen the shapes (as a long-running logger has).
  for (let i = 0; i < 20; i++) sink += (unpack(pack(rows)) as unknown[]).length;
  const t0 = performance.now();
  for (let i = 0; i < batches; i++) sink += (unpack(pack(rows)) as unknown[]).length;
  const s = (performance.now() - t0) / 1000;
  if (sink !== (batches + 20) * BATCH) throw new Error("msgpackr lost records");
  return (batches * BATCH) / s;
}
