// The browser host as a vector host: headless Chromium (Debian's `chromium`)
// driven by playwright-core, loading build/browser/index.html + page.js and
// build/core.wasm. The files are served by request interception on a
// made-up origin, so no server or port is involved and nothing leaves the
// machine. Each vector step is one page.evaluate; the core runs in the page.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { VectorHost, VectorSession } from "../vectors/driver";
import type { VectorConfig, VectorInput, VectorOutput } from "../vectors/format";
import { packageRoot } from "../wasm/package-root";
import type { ZcPage } from "./page";

export const CHROMIUM = "/usr/bin/chromium";

/** Flags for a quiet, sandbox-less, offline headless Chromium (plus a fresh --user-data-dir). */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const ORIGIN = "http://zmq-cluster.test";
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
};

/** URL path -> file: the page and its bundle from build/browser, the module from build/. */
function fileFor(root: string, path: string): string | undefined {
  if (path === "/" || path === "/index.html") return join(root, "build", "browser", "index.html");
  if (path === "/page.js") return join(root, "build", "browser", "page.js");
  if (path === "/core.wasm") return join(root, "build", "core.wasm");
  return undefined;
}

export interface BrowserPage {
  page: Page;
  /** Page errors and console errors seen so far (for failure messages). */
  problems: string[];
  close(): Promise<void>;
}

/** Launch Chromium and open the host page with its module instantiated. */
export async function openBrowserPage(executablePath: string = CHROMIUM): Promise<BrowserPage> {
  const { chromium } = await import("playwright-core");
  const root = packageRoot();
  const userDataDir = await mkdtemp(join(tmpdir(), "zc-chromium-"));
  let context: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    await context?.close();
    await rm(userDataDir, { recursive: true, force: true });
  };
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    await context.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      const file = fileFor(root, path);
      if (!file) return route.fulfill({ status: 404, body: `no ${path}` });
      try {
        return await route.fulfill({ status: 200, body: await readFile(file), headers: { "content-type": TYPES[extname(file)] ?? "application/octet-stream" } });
      } catch (err) {
        return route.fulfill({ status: 500, body: `${file}: ${(err as Error).message} (run \`npm run build\`)` });
      }
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
    });
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(() => "zcPage" in window, undefined, { timeout: 10_000 }).catch(() => {
      throw new Error(`the host page did not start: ${problems.join("; ") || "no zcPage"}`);
    });
    await page.evaluate(() => (window as unknown as { zcPage: ZcPage }).zcPage.ready);
    return { page, problems, close };
  } catch (err) {
    await close();
    throw err;
  }
}

class BrowserSession implements VectorSession {
  constructor(
    private page: Page,
    private id: number,
  ) {}

  step(input: VectorInput, now: number): Promise<VectorOutput[]> {
    return this.page.evaluate(
      ([id, input, now]) => (window as unknown as { zcPage: ZcPage }).zcPage.step(id, input, now),
      [this.id, input, now] as const,
    );
  }

  close(): Promise<void> {
    return this.page.evaluate((id) => (window as unknown as { zcPage: ZcPage }).zcPage.close(id), this.id);
  }
}

export async function browserHost(executablePath?: string): Promise<VectorHost & { dispose(): Promise<void> }> {
  const b = await openBrowserPage(executablePath);
  return {
    async open(config: VectorConfig): Promise<VectorSession> {
      const id = await b.page.evaluate((c) => (window as unknown as { zcPage: ZcPage }).zcPage.open(c), config);
      return new BrowserSession(b.page, id);
    },
    dispose: () => b.close(),
  };
}
