// Node's way to get the raw-ABI core: read build/core.wasm from disk and
// instantiate it with plain WebAssembly.instantiate (abi-core.ts).

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { CoreApi } from "../core-api";
import { abiCoreApi, ZcModule } from "./abi-core";
import { packageRoot } from "./package-root";

/** build/core.wasm of this package. */
export function coreWasmPath(): string {
  return join(packageRoot(), "build", "core.wasm");
}

export async function loadZcModule(wasmPath: string = coreWasmPath()): Promise<ZcModule> {
  let bytes: Buffer;
  try {
    bytes = await readFile(wasmPath);
  } catch (err) {
    throw new Error(`cannot read the core module ${wasmPath}: run \`npm run build\` first (${(err as Error).message})`);
  }
  return ZcModule.instantiate(bytes);
}

/** The flat CoreApi served by the raw ABI (the Node adapter's `core: "wasm-abi"`). */
export async function loadAbiCore(wasmPath?: string): Promise<CoreApi> {
  return abiCoreApi(await loadZcModule(wasmPath));
}
