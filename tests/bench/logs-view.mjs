// Benchmarks the log viewer in the real browser: a container with 100,000 log lines is opened
// with "tail: all", and the time until every line is loaded and drawn, the rows in the DOM,
// the JS heap and the WebAssembly memory are measured. Writes its section of the report given as
// the first argument (BENCHMARKS.md). Run with BERTH_BIN and BERTH_TEST_DOCKER_HOST set.

import {
  docker, launchBrowser, openPage, removeContainers, startBerth, writeReportSection,
} from "../e2e/support.mjs";

const LINES = 100_000;
const output = process.argv[2] ?? "BENCHMARKS.md";
const name = `berth-bench-logs-${process.pid}`;
removeContainers(name);
docker("run", "-d", "--name", name, "busybox:latest", "sh", "-c",
  `seq 1 ${LINES} | sed 's/^/GET \\/api\\/items request served in some milliseconds, line /'; ` +
  "trap 'exit 0' TERM; while true; do sleep 1; done");
for (let i = 0; i < 100 && !docker("logs", "--tail", "1", name).includes(`line ${LINES}`); i++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}

const berth = await startBerth();
const chromium = await launchBrowser();
const runs = [];
try {
  for (let run = 0; run < 3; run++) {
    const { page, context } = await openPage(chromium.browser, `${berth.base}/env/local/containers/${name}/logs`);
    // Trunk's loader announces the instantiated module: keep it to read its memory's size.
    await page.addInitScript(() => {
      addEventListener("TrunkApplicationStarted", (event) => { window.berthWasm = event.detail?.wasm; });
    });
    await page.reload();
    await page.getByTestId("logview").waitFor();
    const elapsed = await page.evaluate(async (lines) => {
      const select = document.querySelector('select[aria-label="Tail"]');
      const status = document.querySelector('[data-testid="logs-status"]');
      const start = performance.now();
      select.value = "all";
      select.dispatchEvent(new Event("change", { bubbles: true }));
      const wanted = `${lines.toLocaleString("en-US")} lines`;
      await new Promise((resolve) => {
        const poll = () => {
          const last = document.querySelector('[data-testid="logview"] .log-row:last-child');
          if (status.textContent.startsWith(wanted) && last?.textContent.endsWith(`line ${lines}`)) resolve();
          else requestAnimationFrame(poll);
        };
        poll();
      });
      return performance.now() - start;
    }, LINES);
    // Jumps across the whole log: the time from setting scrollTop to the rows being drawn.
    const jumps = await page.evaluate(async () => {
      const view = document.querySelector('[data-testid="logview"]');
      const times = [];
      for (let i = 0; i < 40; i++) {
        const start = performance.now();
        view.scrollTop = Math.random() * (view.scrollHeight - view.clientHeight);
        view.dispatchEvent(new Event("scroll"));
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      return times[Math.floor(times.length / 2)];
    });
    const client = await context.newCDPSession(page);
    await client.send("HeapProfiler.collectGarbage");
    await client.send("Performance.enable");
    const { metrics } = await client.send("Performance.getMetrics");
    const metric = (key) => metrics.find((m) => m.name === key)?.value ?? 0;
    const rows = await page.locator('[data-testid="logview"] .log-row').count();
    const wasm = await page.evaluate(() => {
      const memory = window.berthWasm?.memory;
      return memory instanceof WebAssembly.Memory ? memory.buffer.byteLength : null;
    });
    runs.push({ elapsed, jumps, rows, heap: metric("JSHeapUsedSize"), nodes: metric("Nodes"), wasm });
    await context.close();
  }
} finally {
  await chromium.close();
  await berth.stop();
  removeContainers(name);
}

const median = (key) => runs.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
const mb = (bytes) => (bytes == null ? "n/a" : `${(bytes / 1e6).toFixed(1)} MB`);
const section = `<!-- logs-view:start -->
## Logs view: ${LINES.toLocaleString("en-US")} lines in the browser

A container that printed ${LINES.toLocaleString("en-US")} lines is opened on the Logs tab with
"tail: all"; medians of ${runs.length} runs in headless Chromium.

| measure | value | target |
|---|---:|---:|
| time until every line is loaded and the last drawn | ${median("elapsed").toFixed(0)} ms | ≤ 3000 ms |
| time to draw after a jump anywhere in the log (p50 of 40) | ${median("jumps").toFixed(1)} ms | ≤ 50 ms |
| log rows in the DOM | ${median("rows")} | ≤ 200 |
| DOM nodes in the page | ${median("nodes")} | — |
| JS heap after GC | ${mb(median("heap"))} | — |
| WebAssembly memory | ${mb(median("wasm"))} | ≤ 64 MB |
<!-- logs-view:end -->
`;
writeReportSection(output, "logs-view", section);
console.log(section);
