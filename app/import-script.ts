// Importing a user script module (node or supervisor script): a path or a
// file: URL whose default export is a function. Errors name the module.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

export async function importDefault(module: string, shape: string): Promise<(...args: never[]) => unknown> {
  const url = module.startsWith("file:") ? module : pathToFileURL(resolve(module)).href;
  let mod: { default?: unknown };
  try {
    mod = await import(url);
  } catch (err) {
    throw new Error(`cannot load script ${module}: ${(err as Error).message}`);
  }
  if (typeof mod.default !== "function") {
    throw new Error(`script ${module} has no default export function (export default ${shape})`);
  }
  return mod.default as (...args: never[]) => unknown;
}
