// Replays core vectors through any host of the core.
//
// A host only has to offer `VectorSession`: open a core for a config, feed
// one input at a time, and answer with that step's outputs in the vector
// format. The comparison, the reporting and the file walking are shared, so
// the JS, Wasm, raw-ABI, C and browser hosts are judged identically.

import { diffOutputs, type Vector, type VectorInput, type VectorOutput, type VectorConfig } from "./format";

export interface VectorSession {
  step(input: VectorInput, now: number): VectorOutput[] | Promise<VectorOutput[]>;
  close(): void | Promise<void>;
}

export interface VectorHost {
  open(config: VectorConfig): VectorSession | Promise<VectorSession>;
}

export interface VectorResult {
  name: string;
  ok: boolean;
  /** First difference, "" when ok. */
  detail: string;
}

export async function replayVector(host: VectorHost, vector: Vector): Promise<VectorResult> {
  const name = vector.name ?? "(unnamed)";
  let session: VectorSession | undefined;
  try {
    session = await host.open(vector.config);
    for (let i = 0; i < vector.steps.length; i++) {
      const step = vector.steps[i];
      const actual = await session.step(step.in, step.now);
      const diff = diffOutputs(step.out ?? [], actual);
      if (diff) return { name, ok: false, detail: `step ${i} (${step.in.kind} at ${step.now}): ${diff}` };
    }
    return { name, ok: true, detail: "" };
  } catch (err) {
    return { name, ok: false, detail: `error: ${(err as Error).message ?? String(err)}` };
  } finally {
    if (session) await session.close();
  }
}
