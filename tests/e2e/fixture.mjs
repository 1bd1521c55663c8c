// The fixture of the browser test files: one Berth and one Chromium per file, and whatever a test
// made on the engine (containers, volumes, networks, images), removed at the end whatever happened.

import { before, after } from "node:test";
import { docker, launchBrowser, removeContainers, startBerth, uniqueName } from "./support.mjs";

/** Runs a docker removal, ignoring what is already gone. */
function removeQuietly(...args) {
  try {
    docker(...args);
  } catch {
    // Already gone, or removed by the test.
  }
}

/**
 * Registers the file's set-up and clean-up. Returns the live fixture: `berth` and `browser`
 * once started, the lists to push what a test creates onto, and `runScript`.
 */
export function berthFixture({ users = ["admin"] } = {}) {
  const fixture = { berth: null, browser: null, created: [], volumes: [], networks: [], images: [] };
  /** Runs busybox with a shell script as its command, without a TTY; removed at the end. */
  fixture.runScript = (prefix, script, ...extra) => {
    const name = uniqueName(prefix);
    docker("run", "-d", "--name", name, ...extra, "busybox:latest", "sh", "-c", script);
    fixture.created.push(name);
    return name;
  };
  let chromium;
  before(async () => {
    fixture.berth = await startBerth({ users });
    chromium = await launchBrowser();
    fixture.browser = chromium.browser;
  });
  after(async () => {
    removeContainers(...fixture.created);
    for (const volume of fixture.volumes) removeQuietly("volume", "rm", "-f", volume);
    for (const network of fixture.networks) removeQuietly("network", "rm", network);
    for (const image of fixture.images) removeQuietly("rmi", "-f", image);
    await chromium?.close();
    await fixture.berth?.stop();
  });
  return fixture;
}
