// Screenshots of the pages the other review scripts leave out (the home and environments pages,
// the create form, a container's terminal, events, plugins, account, audit, guardrails, an
// image's page and a volume's files), in the light and dark themes and at a phone's width, for
// review. Not a test (its name does not end in .test.mjs); run by `scripts/screenshots.sh review`:
//   BERTH_BIN=target/debug/berth BERTH_TEST_DOCKER_HOST=unix://… node tests/e2e/console-screenshots.mjs

import { docker, launchBrowser, removeContainers, screenshotPages, startBerth } from "./support.mjs";

const web = "berth-shot-shell";
const volume = "berth-shot-files";

function tearDown() {
  removeContainers(web);
  try {
    docker("volume", "rm", volume);
  } catch {
    // Not there.
  }
}

tearDown();
docker("volume", "create", volume);
docker("run", "--rm", "-v", `${volume}:/data`, "busybox:latest", "sh", "-c",
  "mkdir -p /data/conf && echo 'listen 80' > /data/conf/site.conf && dd if=/dev/zero of=/data/blob bs=1024 count=64 2>/dev/null");
docker("run", "-d", "-t", "--name", web, "-v", `${volume}:/data`, "busybox:latest", "sh");
const berth = await startBerth();
const chromium = await launchBrowser();
try {
  const pages = [
    ["home", "/environments", '[data-testid="environment-cards"]'],
    ["environments", "/admin/environments", '[data-testid="environments-table"]'],
    ["container-new", "/env/local/containers/new", 'form input'],
    ["terminal", `/env/local/containers/${web}/terminal`, '[data-testid="terminal-connect"]', async (page) => {
      await page.getByTestId("terminal-connect").click();
      await page.getByTestId("terminal-status").filter({ hasText: "Running" }).waitFor({ timeout: 20_000 });
      await page.locator('[data-testid="terminal"] .xterm').click();
      await page.keyboard.type("ls /data\n");
      await page.locator(".xterm-rows", { hasText: "conf" }).waitFor();
    }],
    ["events", "/env/local/events", '[data-testid="events-table"] tbody tr'],
    ["plugins", "/env/local/plugins", '[data-testid="install-plugin"]'],
    ["account", "/account", '[data-testid="sessions-table"]'],
    ["audit", "/admin/audit", '[data-testid="audit-table"] tbody tr'],
    ["guardrails", "/env/local/guardrails", '[data-testid="guardrails-form"]'],
    ["image", "/env/local/images/busybox:latest", ".image-cards"],
    ["volume-files", `/env/local/volumes/${volume}/files`, '[data-testid="files-table"]'],
  ];
  await screenshotPages(chromium.browser, berth.base, pages, { fullPage: (name) => !["terminal", "events"].includes(name) });
} finally {
  await chromium.close();
  await berth.stop();
  tearDown();
}
