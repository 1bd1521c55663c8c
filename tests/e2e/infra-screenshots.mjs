// Screenshots of the pages on the resource-page kit (Networks, Volumes, Images, Registries,
// Users), the Containers page with a very long name, and the System page, in the light and dark
// themes and at a phone's width, for review. Not a test (its name does not end in .test.mjs):
//   BERTH_BIN=target/debug/berth BERTH_TEST_DOCKER_HOST=unix://… node tests/e2e/infra-screenshots.mjs

import { docker, launchBrowser, removeContainers, screenshotPages, startBerth } from "./support.mjs";

const demo = {
  network: "berth-shot-net", volume: "berth-shot-data", spare: "berth-shot-spare", web: "berth-shot-web",
  long: `berth-shot-${"x".repeat(240)}`,
};

function setUp() {
  tearDown();
  docker("network", "create", "--subnet", "10.232.1.0/24", "--label", "team=infra", demo.network);
  docker("volume", "create", "--label", "team=infra", demo.volume);
  docker("volume", "create", demo.spare);
  docker("run", "-d", "--name", demo.web, "--network", demo.network, "--ip", "10.232.1.10",
    "--network-alias", "web", "-v", `${demo.volume}:/data`, "busybox:latest", "sleep", "3600");
  docker("run", "-d", "--name", demo.long, "busybox:latest", "sleep", "3600");
  docker("run", "--rm", "-v", `${demo.spare}:/data`, "busybox:latest", "dd", "if=/dev/zero", "of=/data/blob", "bs=1024", "count=512");
}

function tearDown() {
  removeContainers(demo.web, demo.long);
  for (const args of [["network", "rm", demo.network], ["volume", "rm", demo.volume], ["volume", "rm", demo.spare]]) {
    try {
      docker(...args);
    } catch {
      // Not there.
    }
  }
}

setUp();
const berth = await startBerth();
const chromium = await launchBrowser();
try {
  const networkId = docker("network", "inspect", "-f", "{{.Id}}", demo.network);
  const pages = [
    ["networks", "/env/local/networks", '[data-testid="networks-table"]', async (page, look) => {
      if (look !== "narrow") await page.getByRole("button", { name: "Create network" }).click();
    }],
    ["network-detail", `/env/local/networks/${networkId}`, '[data-testid="connected-table"]'],
    ["volumes", "/env/local/volumes", '[data-testid="volumes-table"] td[data-testid="volume-size"]:not(:has(.skeleton-bar))'],
    ["volume-detail", `/env/local/volumes/${demo.volume}`, '[data-testid="volume-users-table"]'],
    ["system", "/env/local/system", '[data-testid="disk-table"]'],
    ["containers", "/env/local/containers", `tr[data-container="${demo.long}"]`],
    ["images", "/env/local/images", '[data-testid="images-table"]'],
    ["registries", "/admin/registries", '[data-testid="registry-form"]'],
    ["users", "/admin/users", '[data-testid="users-table"]'],
  ];
  await screenshotPages(chromium.browser, berth.base, pages);
} finally {
  await chromium.close();
  await berth.stop();
  tearDown();
}
