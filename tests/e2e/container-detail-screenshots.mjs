// Screenshots of the container detail page (overview, logs, stats, files) and the stats
// overview, in the light and dark themes and at a narrow width, into tests/e2e/artifacts/.
// Not a test (its name does not end in .test.mjs): run it by hand to look at the pages.

import { join } from "node:path";
import { artifacts, docker, launchBrowser, openPage, removeContainers, screenshotPages, startBerth } from "./support.mjs";

const name = "berth-shot-web";
removeContainers(name);
docker("run", "-d", "--name", name, "-e", "API_TOKEN=s3cret", "-e", "MODE=production", "--label", "app=shop",
  "--memory", "128m", "busybox:latest", "sh", "-c",
  "trap 'exit 0' TERM; i=0; while true; do printf '\\033[32mINFO\\033[0m request %s served in %sms\\n' $i $((i % 17)); " +
  "[ $((i % 5)) = 0 ] && echo \"WARN slow upstream $i\" >&2; i=$((i+1)); sleep 0.1; done");
const berth = await startBerth();
const chromium = await launchBrowser();
try {
  const container = `/env/local/containers/${name}`;
  const pages = [
    ["overview", container, '[data-testid="overview"]'],
    ["logs", `${container}/logs`, '[data-testid="logview"] .log-row >> nth=10', async (page) => {
      await page.getByLabel("Search logs").fill("slow");
      await page.getByLabel("Timestamps").check();
    }],
    ["stats", `${container}/stats`, '[data-chart="CPU"]', async (page) => {
      await page.waitForFunction(() => document.querySelectorAll('[data-chart="CPU"] polyline')[0]?.getAttribute("points").split(" ").length >= 4,
        null, { timeout: 20_000 });
    }],
    ["files", `${container}/files`, '[data-testid="files-table"]'],
  ];
  await screenshotPages(chromium.browser, berth.base, pages, { prefix: "detail-", fullPage: () => false });
  const { page, context } = await openPage(chromium.browser, `${berth.base}/env/local/stats`);
  await page.locator('[data-testid="stat-cell"]').first().waitFor({ timeout: 20_000 });
  await page.screenshot({ path: join(artifacts, "stats-overview-light.png") });
  await context.close();
} finally {
  await chromium.close();
  await berth.stop();
  removeContainers(name);
}
