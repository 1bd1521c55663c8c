// UI benchmarks of the Containers page, run by scripts/bench-ui.sh (`make bench`); not a test.
// Measures, against a real engine with 1,000 containers: how long the list takes to render
// (first load, and a full re-render on a sort change), and how long an engine event takes to
// show in the UI (from the event's own timestamp to the row changing). Writes a section of
// BENCHMARKS.md between markers, leaving the rest of the file alone.

import http from "node:http";
import { loadavg } from "node:os";
import { engineRequestOn, pool } from "./engine-api.mjs";
import { drawnAt, launchBrowser, openPage, startBerth, writeReportSection } from "./support.mjs";

const COUNT = Number(process.env.BERTH_BENCH_CONTAINERS ?? 1000);
const ROUNDS = 7;
const EVENT_ROUNDS = 20;
const LABEL = "berth.bench=containers-ui";
const output = process.argv[2];
const socket = (process.env.BERTH_TEST_DOCKER_HOST ?? "").replace(/^unix:\/\//, "");
if (!socket.startsWith("/")) throw new Error("BERTH_TEST_DOCKER_HOST must be a unix:// engine");

const engine = (method, path, body) => engineRequestOn(process.env.BERTH_TEST_DOCKER_HOST ?? "", method, path, body);

async function cleanup() {
  const filters = encodeURIComponent(JSON.stringify({ label: [LABEL] }));
  const old = await engine("GET", `/containers/json?all=1&filters=${filters}`);
  await pool(old, 8, (c) => engine("DELETE", `/containers/${c.Id}?force=1`));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p95 = (values) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)];
const ms = (value) => `${value.toFixed(0)} ms`;

await cleanup();
const names = Array.from({ length: COUNT }, (_, i) => `berth-bench-${String(i).padStart(4, "0")}`);
await pool(names, 8, (name) => engine("POST", `/containers/create?name=${name}`, {
  Image: "busybox:latest",
  Cmd: ["sleep", "86400"],
  Labels: { "berth.bench": "containers-ui", "com.docker.compose.project": `bench${name.slice(-1)}` },
}));
// A few running ones, so rows differ.
await pool(names.slice(0, 20), 4, (name) => engine("POST", `/containers/${name}/start`));

const berth = await startBerth();
const chromium = await launchBrowser();
// The rows the list draws before the browser first paints (components/row_limit.rs).
const FIRST_ROWS = Math.min(COUNT, 40);
const results = {};
try {
  // First load: from navigation to the frame that paints the first rows (the list draws 40
  // lines before the first paint, the rest of its first 150 a frame later, then more as the
  // end comes near); then "Show all": every row drawn.
  const firstLoads = [];
  const renders = [];
  const showAll = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { page, context } = await openPage(chromium.browser, `${berth.base}/favicon.svg`);
    await page.goto(`${berth.base}/env/local/containers`, { waitUntil: "commit" });
    const { at: done } = await drawnAt(page, "tr[data-container]", { count: FIRST_ROWS });
    const answered = await page.evaluate(() => {
      const list = performance.getEntriesByType("resource").find((e) => e.name.includes("/containers/json"));
      return list ? list.responseEnd : NaN;
    });
    firstLoads.push(done);
    renders.push(done - answered);
    showAll.push(await page.evaluate((count) => new Promise((resolve) => {
      const started = performance.now();
      [...document.querySelectorAll("button")].find((b) => b.textContent === "Show all").click();
      const check = () => {
        if (document.querySelectorAll("tr[data-container]").length >= count) {
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started), 0));
        } else {
          requestAnimationFrame(check);
        }
      };
      check();
    }), COUNT));
    await context.close();
  }
  results.firstLoad = firstLoads;
  results.render = renders;
  results.showAll = showAll;

  // Re-render: change the sort, which reorders every row, until the next frame is painted.
  const { page, context } = await openPage(chromium.browser, `${berth.base}/env/local/containers`);
  await page.getByRole("button", { name: "Show all" }).click();
  await page.waitForFunction((count) => document.querySelectorAll("tr[data-container]").length >= count, COUNT, { timeout: 120_000 });
  await page.getByTestId("live-indicator").getByText("Live").waitFor({ timeout: 30_000 });
  const resorts = [];
  for (let round = 0; round < ROUNDS; round++) {
    const value = round % 2 === 0 ? "name" : "state";
    resorts.push(await page.evaluate((value) => new Promise((resolve) => {
      const select = document.querySelector('select[aria-label="Sort by"]');
      const started = performance.now();
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started), 0));
    }), value));
  }
  results.resort = resorts;

  // Event to UI: start or stop a container through the engine; the time from the event's own
  // timestamp to the row's state badge changing in the page (one clock: the same machine).
  await page.evaluate(() => {
    window.__seen = {};
    new MutationObserver(() => {
      for (const badge of document.querySelectorAll("tr[data-container] .badge[data-state]")) {
        const key = `${badge.closest("tr").dataset.container}:${badge.dataset.state}`;
        window.__seen[key] ??= Date.now();
      }
    }).observe(document.querySelector("tbody"), { subtree: true, childList: true, attributes: true });
  });
  const latencies = [];
  const events = new Map();
  const stream = http.request({ socketPath: socket, path: `/events?filters=${encodeURIComponent(JSON.stringify({ type: ["container"], event: ["start", "die"] }))}` }, (response) => {
    let buffered = "";
    response.on("data", (chunk) => {
      buffered += chunk;
      let end;
      while ((end = buffered.indexOf("\n")) >= 0) {
        const event = JSON.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        const state = event.Action === "start" ? "running" : "exited";
        events.set(`${event.Actor.Attributes.name}:${state}`, event.timeNano / 1e6);
      }
    });
  });
  stream.end();
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (let round = 0; round < EVENT_ROUNDS; round++) {
    const name = names[COUNT - 1 - round];
    await engine("POST", `/containers/${name}/start`);
    const key = `${name}:running`;
    await page.waitForFunction((key) => window.__seen[key], key, { timeout: 30_000 });
    const shown = await page.evaluate((key) => window.__seen[key], key);
    while (!events.has(key)) await new Promise((resolve) => setTimeout(resolve, 10));
    latencies.push(shown - events.get(key));
  }
  stream.destroy();
  results.eventToUi = latencies;
  await context.close();
} finally {
  await chromium.close();
  await berth.stop();
  await cleanup();
}

const section = `<!-- ui-bench:start -->
## UI: the Containers page with ${COUNT.toLocaleString("en")} containers

Measured by \`tests/e2e/bench-containers.mjs\` in headless Chromium against the same engine, with the
release UI. ${ROUNDS} rounds for the list, ${EVENT_ROUNDS} events.

| measure | median | p95 / worst | target |
|---|---:|---:|---:|
| first load: navigation to the frame that paints the first ${FIRST_ROWS} rows (WASM start, one list request of all ${COUNT}, render) | ${ms(median(results.firstLoad))} | ${ms(Math.max(...results.firstLoad))} | ≤ 500 ms |
| of which: from the list's answer to that frame | ${ms(median(results.render))} | ${ms(Math.max(...results.render))} | ≤ 300 ms |
| "Show all": every one of the ${COUNT} rows drawn | ${ms(median(results.showAll))} | ${ms(Math.max(...results.showAll))} | ≤ 1500 ms |
| full re-render of ${COUNT} drawn rows: sort change to the next painted frame | ${ms(median(results.resort))} | ${ms(Math.max(...results.resort))} | ≤ 250 ms |
| engine event (its \`timeNano\`) to the row's new state in the DOM | ${ms(median(results.eventToUi))} | ${ms(p95(results.eventToUi))} | ≤ 300 ms |

Machine load during the run (1-minute load average on 2 CPUs): ${loadavg()[0].toFixed(1)}.
The list is never polled: after the first load, each event fetches only the rows it touched
(\`filters={"id":[…]}\`), gathered for 50 ms so bursts cost one request.
<!-- ui-bench:end -->
`;
writeReportSection(output, "ui-bench", section);
console.log(section);
