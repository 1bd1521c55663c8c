// UI size benchmark, run by scripts/bench-ui.sh (`make bench`); not a test. Measures what the
// browser actually transfers (Brotli, as Berth serves it to a browser that offers it; headers
// included) on a first visit with an
// empty cache, counting the UI's own files and not the API calls the page makes:
// - the Containers page, where the console opens;
// - a container's page, on its Overview tab;
// - a container's terminal with a shell running, which also loads xterm.js;
// and the whole UI: every file of every page, as served with Brotli and with gzip only (as a
// browser on plain HTTP to another host is served). Writes a section of BENCHMARKS.md.

import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import {
  launchBrowser, removeContainers, runContainer, signIn, startBerth, uniqueName, writeReportSection,
} from "./support.mjs";

/** The targets of a first visit: at most this many kilobytes, and (where given) files. */
const TARGETS = {
  containers: { kb: 350, files: 25 },
  overview: { kb: 430 },
  terminal: { kb: 430 },
};
const output = process.argv[2];
const dist = process.argv[3];

/**
 * Opens `path` in a fresh, signed-in context with an empty cache, runs `ready` on the page, and
 * returns the UI files transferred and their bytes on the wire.
 */
async function firstVisit(browser, base, path, ready) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await signIn(context, base, "admin");
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const urls = new Map();
  const files = [];
  cdp.on("Network.requestWillBeSent", (event) => urls.set(event.requestId, new URL(event.request.url).pathname));
  cdp.on("Network.loadingFinished", (event) => {
    const url = urls.get(event.requestId) ?? "";
    if (!url.startsWith("/api/") && !url.startsWith("/engine/")) files.push({ url, bytes: event.encodedDataLength });
  });
  await page.goto(`${base}${path}`);
  await ready(page);
  // Let the last responses finish reporting.
  await page.waitForTimeout(500);
  await context.close();
  if (process.env.BERTH_SIZE_DETAIL) {
    for (const file of files.sort((a, b) => b.bytes - a.bytes)) console.log(`${path}\t${file.bytes}\t${file.url}`);
  }
  return { count: files.length, bytes: files.reduce((sum, file) => sum + file.bytes, 0) };
}

/** Every file under `dir`, with its path. */
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const berth = await startBerth({ users: ["admin"] });
const chromium = await launchBrowser();
const name = runContainer(uniqueName("size"));
let containers;
let overview;
let terminal;
// Every file as Berth serves it, to a browser that offers Brotli and to one that offers gzip only.
const all = walk(dist).map((path) => relative(dist, path));
const allBytes = { br: 0, gzip: 0 };
try {
  containers = await firstVisit(chromium.browser, berth.base, "/env/local/containers", (page) =>
    page.locator(`tr[data-container="${name}"]`).waitFor({ timeout: 30_000 }));
  overview = await firstVisit(chromium.browser, berth.base, `/env/local/containers/${name}`, (page) =>
    page.getByTestId("overview").waitFor({ timeout: 30_000 }));
  terminal = await firstVisit(chromium.browser, berth.base, `/env/local/containers/${name}/terminal`, async (page) => {
    await page.getByTestId("terminal-connect").click();
    await page.getByTestId("terminal-status").filter({ hasText: "Running" }).waitFor({ timeout: 30_000 });
  });
  for (const path of all) {
    for (const [coding, offered] of [["br", "gzip, deflate, br, zstd"], ["gzip", "gzip, deflate"]]) {
      const response = await fetch(`${berth.base}/${path}`, { headers: { "accept-encoding": offered } });
      if (!response.ok) throw new Error(`${path}: ${response.status}`);
      allBytes[coding] += Number(response.headers.get("content-length"));
    }
  }
} finally {
  removeContainers(name);
  await chromium.close();
  await berth.stop();
}
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
/** The target of `visit` in words, and whether `measured` meets it. */
function verdict(visit, measured) {
  const target = TARGETS[visit];
  const limits = [`≤ ${target.kb} KB`];
  let met = measured.bytes <= target.kb * 1024;
  if (target.files !== undefined) {
    limits.push(`≤ ${target.files} files`);
    met &&= measured.count <= target.files;
  }
  return `${limits.join(", ")}: ${met ? "met" : "missed"}`;
}

const section = `<!-- ui-size:start -->
## UI: transfer size

Measured by \`tests/e2e/bench-ui-size.mjs\` in headless Chromium with an empty cache: the UI's own
files as transferred (headers included), not the API calls the pages make. Berth embeds each file
compressed twice, with Brotli and with gzip, and serves Brotli where the browser offers it (on
HTTPS and on localhost, as here); a browser on plain HTTP to another host gets gzip. The app is
code-split: the first load carries the shell, the router and the code every page shares, plus the
WebAssembly modules of the page shown; other pages' modules load when first visited. A container's
page carries its Overview and terminal tabs; its other tabs share a module of their own, and
xterm.js loads when the first terminal opens.

| first visit to | files | transferred | target |
|---|---:|---:|---:|
| the Containers page (where the console opens) | ${containers.count} | ${kb(containers.bytes)} | ${verdict("containers", containers)} |
| a container's page, on its Overview tab | ${overview.count} | ${kb(overview.bytes)} | ${verdict("overview", overview)} |
| a container's terminal, with a shell running (includes xterm.js) | ${terminal.count} | ${kb(terminal.bytes)} | ${verdict("terminal", terminal)} |
| every page of the UI (all its files, as served with Brotli) | ${all.length} | ${kb(allBytes.br)} | |
| the same, with gzip only | ${all.length} | ${kb(allBytes.gzip)} | |
<!-- ui-size:end -->
`;
writeReportSection(output, "ui-size", section);
console.log(section);
