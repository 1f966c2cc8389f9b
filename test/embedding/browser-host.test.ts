// The browser host: headless Chromium loads build/browser/ and build/core.wasm
// and nothing else (no AssemblyScript bindings), instantiates the module
// through the raw ABI, and reports a refused input as a clear error.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowserPage, type BrowserPage } from "../../adapters/browser/browser-host";
import type { ZcPage } from "../../adapters/browser/page";

type W = { zcPage: ZcPage };

describe("the browser host page", () => {
  let b: BrowserPage;
  beforeAll(async () => {
    b = await openBrowserPage();
  });
  afterAll(async () => {
    await b?.close();
  });

  it("runs in Chromium and fetches only the page, its bundle and core.wasm", async () => {
    expect(await b.page.evaluate(() => navigator.userAgent)).toMatch(/Chrome\/\d+/);
    const urls: string[] = [];
    b.page.on("request", (r) => urls.push(new URL(r.url()).pathname));
    await b.page.reload();
    expect(await b.page.evaluate(() => (window as unknown as W).zcPage.ready)).toBe(1);
    expect(urls.sort()).toEqual(["/core.wasm", "/index.html", "/page.js"]);
    expect(b.problems).toEqual([]);
  });

  it("replays a step and rejects an input it cannot feed with the reason", async () => {
    const config = { node: "m", node_id: "M1", nodes: { m: { node_type: "manager" }, w: { node_type: "worker" } } };
    const id = await b.page.evaluate((c) => (window as unknown as W).zcPage.open(c), config);
    const out = await b.page.evaluate(
      (id) => (window as unknown as W).zcPage.step(id, { kind: "event", topic: "t", name: "Cluster::hello", args: ["w", "W1"] }, 5),
      id,
    );
    expect(out).toEqual([
      { kind: "node_up", name: "w", id: "W1" },
      { kind: "cluster_log", message: "got hello from w (W1)" },
    ]);
    await expect(
      b.page.evaluate((id) => (window as unknown as W).zcPage.step(id, { kind: "bogus" } as never, 6), id),
    ).rejects.toThrow(/unknown input kind 'bogus'/);
    await b.page.evaluate((id) => (window as unknown as W).zcPage.close(id), id);
  });
});
