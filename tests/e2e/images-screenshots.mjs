// Screenshots of the Images page and its Build dialog in the light and dark themes and at a
// phone's width, for review. Not a test (its name does not end in .test.mjs); run by
// `scripts/screenshots.sh review`, or by hand:
//   BERTH_BIN=target/debug/berth BERTH_TEST_DOCKER_HOST=unix://… node tests/e2e/images-screenshots.mjs

import { launchBrowser, screenshotPages, startBerth } from "./support.mjs";

const berth = await startBerth();
const chromium = await launchBrowser();
try {
  const ready = '[data-testid="images-table"]';
  const pages = [
    ["images", "/env/local/images", ready, async (page) => page.getByTestId("build-cache").locator("dl").waitFor()],
    ["images-build-dialog", "/env/local/images", ready, async (page) => {
      await page.getByRole("button", { name: "Build", exact: true }).click();
    }],
  ];
  await screenshotPages(chromium.browser, berth.base, pages, { fullPage: (name) => name === "images" });
} finally {
  await chromium.close();
  await berth.stop();
}
