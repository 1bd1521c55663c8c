// UI benchmarks of the swarm's pages, run by scripts/bench-ui.sh (`make bench`); not a test.
// Against a real swarm manager (scripts/swarm.sh's) with 500 services of 10 replicas each whose
// constraint no node meets, so their 5,000 tasks stay pending and cost no container: how long
// the Services and Tasks pages take to their first rows, beside the engine's own answer to the
// same lists; and how long a change takes from the engine to the row (a service scaled, seen in
// its row), and the Configs page with 200 configs, opened cold and from the console's menu.
// Writes a section of BENCHMARKS.md between markers.

import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { engineRequestOn, pool } from "./engine-api.mjs";
import { clickInPage, drawnAt, launchBrowser, openPage, startBerth, writeReportSection } from "./support.mjs";

const SERVICES = Number(process.env.BERTH_BENCH_SERVICES ?? 500);
const CONFIGS = 200;
const REPLICAS = 10;
const ROUNDS = 5;
const LABEL = "berth.bench";
const output = process.argv[2];
const host = process.env.BERTH_TEST_SWARM_MANAGER ?? "";
const address = process.env.BERTH_TEST_SWARM_MANAGER_ADDR ?? "";
const socket = host.replace(/^unix:\/\//, "");
if (!socket.startsWith("/")) throw new Error("BERTH_TEST_SWARM_MANAGER must be a unix:// engine");

const engine = (method, path, body) => engineRequestOn(host, method, path, body);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${value.toFixed(0)} ms`;

async function cleanup() {
  const filters = encodeURIComponent(JSON.stringify({ label: [`${LABEL}=swarm`] }));
  const old = await engine("GET", `/services?filters=${filters}`);
  await pool(old, 8, (service) => engine("DELETE", `/services/${service.ID}`));
  const configs = await engine("GET", `/configs?filters=${filters}`);
  await pool(configs, 8, (config) => engine("DELETE", `/configs/${config.ID}`));
}

const info = await engine("GET", "/info");
if (!info.Swarm.ControlAvailable) {
  execFileSync("docker", ["swarm", "init", "--advertise-addr", address], { env: { ...process.env, DOCKER_HOST: host } });
}
await cleanup();
const names = Array.from({ length: SERVICES }, (_, i) => `bench-svc-${String(i).padStart(4, "0")}`);
const started = Date.now();
await pool(names, 8, (name) => engine("POST", "/services/create", {
  Name: name,
  Labels: { [LABEL]: "swarm" },
  TaskTemplate: {
    ContainerSpec: { Image: "busybox:latest", Args: ["sleep", "86400"] },
    Placement: { Constraints: ["node.labels.berth-bench==never"] },
  },
  Mode: { Replicated: { Replicas: REPLICAS } },
}));
// Configs of a few hundred bytes each, as an nginx or app config is.
const configText = Buffer.from("server {\n  listen 80;\n  location / { proxy_pass http://app:8080; }\n}\n".repeat(4)).toString("base64");
await pool(Array.from({ length: CONFIGS }, (_, i) => `bench-config-${String(i).padStart(4, "0")}`), 8, (name) =>
  engine("POST", "/configs/create", { Name: name, Labels: { [LABEL]: "swarm" }, Data: configText }),
);
// The orchestrator makes the tasks after the services: wait until they are all there.
for (;;) {
  const tasks = await engine("GET", "/tasks");
  if (tasks.filter((task) => task.DesiredState === "running").length >= SERVICES * REPLICAS) break;
  await new Promise((resolve) => setTimeout(resolve, 500));
}
const setup = (Date.now() - started) / 1000;

// The engine's own answers, for scale.
const direct = {};
for (const [key, path] of [["services", "/services?status=true"], ["tasks", "/tasks"], ["configs", "/configs"]]) {
  const times = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    await engine("GET", path);
    times.push(performance.now() - start);
  }
  direct[key] = median(times);
}

const berth = await startBerth({ engine: host });
const chromium = await launchBrowser();
const results = {};
try {
  for (const [key, path, selector] of [
    ["services", "services", "tr[data-service]"],
    ["tasks", "tasks", "tr[data-task]"],
    ["configs", "configs", "tr[data-object]"],
  ]) {
    const times = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { page, context } = await openPage(chromium.browser, `${berth.base}/favicon.svg`);
      await page.goto(`${berth.base}/env/local/${path}`, { waitUntil: "commit" });
      const { at, drawn } = await drawnAt(page, selector);
      times.push(at);
      results[`${key}Rows`] = drawn;
      await context.close();
    }
    results[key] = median(times);
  }

  // The Configs page reached from the console's own menu, the way a user who is already in the
  // console gets there: the app is running (on the Containers page), the swarm pages' code is not
  // loaded yet.
  const inApp = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { page, context } = await openPage(chromium.browser, `${berth.base}/env/local/containers`);
    const link = 'a[href="/env/local/configs"]';
    await page.locator(link).waitFor({ timeout: 60_000 });
    const clicked = await clickInPage(page, link);
    inApp.push((await drawnAt(page, "tr[data-object]")).at - clicked);
    await context.close();
  }
  results.configsInApp = median(inApp);

  // A change to its row: scale a service, and time from the request to the row's new count.
  const { page, context } = await openPage(chromium.browser, `${berth.base}/env/local/services`);
  await page.locator('[data-testid="live-indicator"]', { hasText: "Live" }).waitFor({ timeout: 60_000 });
  const changes = [];
  for (let round = 0; round < 10; round++) {
    const name = names[round];
    const service = await engine("GET", `/services/${name}`);
    const replicas = REPLICAS + round + 1;
    const row = page.locator(`tr[data-service="${name}"] [data-testid="replicas"]`);
    await row.waitFor();
    const start = Date.now();
    await engine("POST", `/services/${service.ID}/update?version=${service.Version.Index}`, {
      ...service.Spec,
      Mode: { Replicated: { Replicas: replicas } },
    });
    await row.filter({ hasText: `/${replicas}` }).waitFor({ timeout: 30_000 });
    changes.push(Date.now() - start);
  }
  results.change = median(changes);
  results.changeMax = Math.max(...changes);
  await context.close();
} finally {
  await chromium.close();
  await berth.stop();
  await cleanup();
}

const load = loadavg()[0].toFixed(2);
const section = `<!-- swarm-ui:start -->
## The swarm's pages at scale

${SERVICES} services of ${REPLICAS} replicas, whose constraint no node meets, so ${SERVICES * REPLICAS} tasks stay
pending (made in ${setup.toFixed(0)} s), on a real swarm manager (dockerd 20.10, API 1.41), a release build,
headless Chromium, median of ${ROUNDS} loads. Load average at the end: ${load}. Written by \`make bench\`
(tests/e2e/bench-swarm.mjs).

| measure | Berth | the engine's answer alone | target |
|---|---|---|---|
| Services page, navigation to the frame that paints the first rows (${results.servicesRows} rows) | ${ms(results.services)} | \`GET /services?status=true\` ${ms(direct.services)} | ≤ 1 s |
| Tasks page, navigation to the frame that paints the first rows (${results.tasksRows} rows) | ${ms(results.tasks)} | \`GET /tasks\` ${ms(direct.tasks)} | ≤ 1.5 s |
| a service scaled, request to its row's new count (median, worst of 10) | ${ms(results.change)}, ${ms(results.changeMax)} | | ≤ 300 ms |
| Configs page with ${CONFIGS} configs, navigation to the frame that paints the first rows (${results.configsRows} rows) | ${ms(results.configs)} | \`GET /configs\` ${ms(direct.configs)} | ≤ 500 ms |
| the same, from the console's menu (the app running, the swarm pages' code not yet loaded), click to the frame that paints the first rows | ${ms(results.configsInApp)} | | ≤ 500 ms |
<!-- swarm-ui:end -->
`;
writeReportSection(output, "swarm-ui", section);
console.log(section);
