// The browser host's page (esbuild -> build/browser/page.js): fetches
// core.wasm, instantiates it through the raw ABI (the same abi-core.ts the
// Node host uses: plain WebAssembly.instantiate, no bindings) and replays
// vector steps it is handed by browser-host.ts, answering with the outputs.
// The vector session logic (record queues for log batches) is flat-host.ts
// over the ABI's CoreApi facade, so the browser is judged like every host.

import { abiCoreApi, ZcModule } from "../wasm/abi-core";
import { ZC_ABI_VERSION } from "../wasm/abi-records";
import type { VectorSession } from "../vectors/driver";
import { flatHost } from "../vectors/flat-host";
import type { VectorConfig, VectorInput, VectorOutput } from "../vectors/format";

export interface ZcPage {
  /** Resolves to the ABI version once the module is instantiated. */
  ready: Promise<number>;
  open(config: VectorConfig): Promise<number>;
  step(id: number, input: VectorInput, now: number): Promise<VectorOutput[]>;
  close(id: number): Promise<void>;
}

declare global {
  interface Window {
    zcPage: ZcPage;
  }
}

async function load(): Promise<ZcModule> {
  const res = await fetch("core.wasm");
  if (!res.ok) throw new Error(`fetch core.wasm: HTTP ${res.status}`);
  return ZcModule.instantiate(await res.arrayBuffer());
}

const module = load();
const host = module.then((m) => flatHost(abiCoreApi(m)));
const sessions = new Map<number, VectorSession>();
let nextId = 1;

window.zcPage = {
  ready: module.then(() => ZC_ABI_VERSION),
  async open(config) {
    const id = nextId++;
    sessions.set(id, await (await host).open(config));
    return id;
  },
  async step(id, input, now) {
    const s = sessions.get(id);
    if (!s) throw new Error(`no session ${id}`);
    return s.step(input, now);
  },
  async close(id) {
    const s = sessions.get(id);
    sessions.delete(id);
    await s?.close();
  },
};
