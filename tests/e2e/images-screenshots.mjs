// Screenshots of the Images page and its Build dialog in the light and dark themes and at a
// phone's width, for review. Not a test (its name does not end in .test.mjs); run by
// `scripts/screenshots.sh review`, or by hand:
//   BERTH_BIN=target/debug/berth BERTH_TEST_DOCKER_HOST=unix://… node tests/e2e/images-screenshots.mjs

import { join } from "node:path";
import { artifacts, launchBrowser, openPage, startBerth } from "./support.mjs";

const berth = await startBerth();
const chromium = await launchBrowser();
try {
  for (const [name, options] of [
    ["light", { colorScheme: "light" }],
    ["dark", { colorScheme: "dark" }],
    ["narrow", { colorScheme: "light", width: 390, height: 844 }],
  ]) {
    const { page, context } = await openPage(chromium.browser, `${berth.base}/env/local/images`, options);
    await page.getByTestId("images-table").waitFor();
    await page.getByTestId("build-cache").locator("dl").waitFor();
    await page.screenshot({ path: join(artifacts, `images-${name}.png`), fullPage: true });
    await page.getByRole("button", { name: "Build", exact: true }).click();
    await page.screenshot({ path: join(artifacts, `images-build-dialog-${name}.png`) });
    await context.close();
  }
} finally {
  await chromium.close();
  await berth.stop();
}
