// Every host the vectors can be replayed through, by `--core` name.

import { loadCore } from "../core-api";
import type { VectorHost } from "./driver";
import { flatHost } from "./flat-host";

export type HostFactory = () => Promise<VectorHost & { dispose?: () => Promise<void> | void }>;

export const VECTOR_HOSTS: Record<string, HostFactory> = {
  js: async () => flatHost(await loadCore("js")),
  wasm: async () => flatHost(await loadCore("wasm")),
};
