// The fixture of the containers browser tests: one Berth and one Chromium per file, and the
// containers (and volumes) a test made, removed at the end whatever happened.

import { before, after } from "node:test";
import { docker, launchBrowser, removeContainers, startBerth } from "./support.mjs";

/**
 * Registers the file's set-up and clean-up. Returns the live fixture: `berth` and `browser`
 * once started, and the lists to push created containers and volumes onto.
 */
export function containersFixture({ users = ["admin"] } = {}) {
  const fixture = { berth: null, browser: null, created: [], volumes: [] };
  let chromium;
  before(async () => {
    fixture.berth = await startBerth({ users });
    chromium = await launchBrowser();
    fixture.browser = chromium.browser;
  });
  after(async () => {
    removeContainers(...fixture.created);
    for (const volume of fixture.volumes) {
      try {
        docker("volume", "rm", "-f", volume);
      } catch {
        // Already gone.
      }
    }
    await chromium?.close();
    await fixture.berth?.stop();
  });
  return fixture;
}
