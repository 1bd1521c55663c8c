// Home-page benchmark, run by scripts/bench-ui.sh (`make bench`); not a test. Twenty
// environments: `local`, fourteen more on the engine's socket, and five black-holed ones, whose
// packets a namespace drops (scripts/blackhole.sh: a host that is down or firewalled, the worst
// kind, since nothing fails fast). Measures, in
// headless Chromium, the time from opening `/environments` until every reachable card is painted
// online, on a Berth that has just started (nothing probed yet) and again once it has looked.
// Writes a section of BENCHMARKS.md.

import { execFileSync } from "node:child_process";
import { berthBin, dockerHost, launchBrowser, signIn, startBerth, writeReportSection } from "./support.mjs";

const output = process.argv[2];
const REACHABLE = 15;
const BLACK_HOLED = 5;
const RUNS = 5;
const TARGET_MS = 1000;

// The black hole is routed in this benchmark's own namespace (scripts/bench-ui.sh runs it
// isolated), before Chromium starts, under a namespace name of its own.
const blackholeEnv = { ...process.env, BERTH_BLACKHOLE_NETNS: "berth-blackhole-bench" };
const blackhole = execFileSync("bash", ["scripts/blackhole.sh", "start"], { env: blackholeEnv })
  .toString()
  .match(/BERTH_TEST_BLACKHOLE=(\S+)/)[1];

function addEnvironments(dataDir) {
  const add = (...args) =>
    execFileSync(berthBin(), ["environment", "add", ...args], {
      env: { ...process.env, BERTH_DATA_DIR: dataDir },
      stdio: ["ignore", "ignore", "pipe"],
    });
  for (let i = 1; i < REACHABLE; i += 1) add("--name", `engine ${i}`, "--docker-host", dockerHost());
  for (let i = 0; i < BLACK_HOLED; i += 1)
    add("--name", `dropped ${i}`, "--docker-host", `tcp://${blackhole}:${2375 + i}`, "--insecure", "--offline-ok");
}

/** Opens the home page and returns the milliseconds until every reachable card is online. */
async function paint(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await signIn(context, base, "admin");
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(`${base}/environments`);
  await page.waitForFunction(
    (count) => document.querySelectorAll('article.env-card[data-state="online"]').length >= count,
    REACHABLE,
    { timeout: 30_000, polling: "raf" },
  );
  const elapsed = Date.now() - started;
  const deadChecking = await page.locator('article.env-card[data-state="checking"]').count();
  await context.close();
  return { elapsed, deadChecking };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cold = [];
const warm = [];
let stillChecking = 0;
const chromium = await launchBrowser();
try {
  for (let run = 0; run < RUNS; run += 1) {
    // A fresh Berth each run: nothing probed yet, the case of the first visit after a start.
    const berth = await startBerth({ users: ["admin"] });
    try {
      addEnvironments(berth.dataDir);
      const first = await paint(chromium.browser, berth.base);
      cold.push(first.elapsed);
      stillChecking = Math.max(stillChecking, first.deadChecking);
      warm.push((await paint(chromium.browser, berth.base)).elapsed);
    } finally {
      await berth.stop();
    }
  }
} finally {
  await chromium.close();
  execFileSync("bash", ["scripts/blackhole.sh", "stop"], { env: blackholeEnv });
}
const verdict = (ms) => (ms <= TARGET_MS ? `≤ ${TARGET_MS} ms: met` : `≤ ${TARGET_MS} ms: missed`);
const worst = (values) => Math.max(...values);

const section = `<!-- home-bench:start -->
## UI: the home page with dead hosts

Measured by \`tests/e2e/bench-environments.mjs\` in headless Chromium: ${REACHABLE + BLACK_HOLED} environments, ${REACHABLE} on
the engine's socket and ${BLACK_HOLED} black-holed (a namespace drops their packets). The time is
from opening \`/environments\` until all ${REACHABLE} reachable cards are painted online, over ${RUNS} runs. "Cold" is a
Berth that has just started, so no engine has been probed; "warm" is the next visit, from the
probes' last-known state. Each engine is probed in parallel with its own 3 s timeout; when the
reachable cards were all painted, up to ${stillChecking} of the black-holed ones were still being checked.
The page's loader asks for the overview before the app has started, so the probes of a cold
Berth start while the app downloads; a first probe pings and negotiates the version at once.

| visit | median | worst | target |
|---|---:|---:|---:|
| cold | ${median(cold)} ms | ${worst(cold)} ms | ${verdict(worst(cold))} |
| warm | ${median(warm)} ms | ${worst(warm)} ms | ${verdict(worst(warm))} |
<!-- home-bench:end -->
`;
writeReportSection(output, "home-bench", section);
console.log(section);
