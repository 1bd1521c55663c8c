// Writes the README's screenshots: the Containers page in the light and the dark theme.
// Run by scripts/screenshots.sh; not a test (its name does not end in .test.mjs).

import { launchBrowser, openPage, startBerth } from "./support.mjs";

const outDir = process.argv[2];
process.env.BERTH_TEST_DOCKER_HOST ??= process.env.DOCKER_HOST;
const berth = await startBerth();
const chromium = await launchBrowser();
try {
  for (const theme of ["light", "dark"]) {
    const { page, context } = await openPage(chromium.browser, `${berth.base}/env/local/containers`, {
      colorScheme: theme,
      width: 1280,
      height: 560,
    });
    await page.locator('tr[data-container="berth-demo-web"]').waitFor();
    await page.getByTestId("engine-indicator").getByText(/API/).waitFor();
    await page.screenshot({ path: `${outDir}/containers-${theme}.png` });
    await context.close();
  }
} finally {
  await chromium.close();
  await berth.stop();
}
