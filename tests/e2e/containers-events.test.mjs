// The events page and the keyboard layer: an event from the engine appears live, filters
// narrow the list, the command palette navigates and acts, and `?` lists the shortcuts.

import { test } from "node:test";
import assert from "node:assert/strict";
import { docker, openPage, runContainer, uniqueName } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture();
const created = fx.created;

/** Waits until the engine's clock is in a later second than the RFC 3339 time `at`. */
async function engineClockPasses(at) {
  const second = (time) => Math.floor(Date.parse(time) / 1000);
  const deadline = Date.now() + 20_000;
  while (second(docker("info", "--format", "{{.SystemTime}}")) <= second(at)) {
    assert.ok(Date.now() < deadline, `the engine's clock never passed ${at}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("the events page shows an engine event as it happens, and filters", async () => {
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/events`);
  await page.getByTestId("live-indicator").getByText("Live").waitFor({ timeout: 15_000 });
  const name = runContainer(uniqueName("events"));
  created.push(name);
  const start = page.locator(`tr[data-actor="${name}"][data-event-action="start"]`);
  await start.waitFor({ timeout: 20_000 });
  assert.match(await start.textContent(), /container/);

  // Only image events: the container's rows go.
  await page.getByLabel("Type").selectOption("image");
  await start.waitFor({ state: "detached" });
  await page.getByLabel("Type").selectOption("container");
  // The range starts fifteen minutes back, so the start is replayed.
  await start.waitFor({ timeout: 20_000 });
  await page.getByLabel("Actor").fill("no-such-actor");
  await start.waitFor({ state: "detached" });
  await page.getByLabel("Actor").fill(name);
  await start.waitFor();

  await page.getByLabel("Action").fill("die");
  await page.getByLabel("Action").press("Enter");
  await start.waitFor({ state: "detached" });
  docker("stop", "-t", "1", name);
  await page.locator(`tr[data-actor="${name}"][data-event-action="die"]`).waitFor({ timeout: 20_000 });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("the events page opens on the last fifteen minutes, events from before it included", async () => {
  const name = runContainer(uniqueName("replay"));
  created.push(name);
  // The page must connect in a later second of the engine's clock than the start, so that the
  // start can only reach it by the replay.
  await engineClockPasses(docker("inspect", "-f", "{{.State.StartedAt}}", name));
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/events`);
  await page.locator(`tr[data-actor="${name}"][data-event-action="start"]`).waitFor({ timeout: 20_000 });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("the command palette navigates and runs actions; ? lists the shortcuts", async () => {
  const name = runContainer(uniqueName("palette"));
  created.push(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await page.locator(`tr[data-container="${name}"]`).waitFor();

  await page.keyboard.press("Control+k");
  const palette = page.getByRole("dialog", { name: "Command palette" });
  await palette.waitFor();
  await page.keyboard.type("events");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/env\/local\/events$/);
  await palette.waitFor({ state: "detached" });

  await page.keyboard.press("Control+k");
  await page.keyboard.type(`stop ${name}`);
  const option = page.getByRole("option", { name: new RegExp(`Stop container ${name}`) });
  await option.waitFor();
  await page.keyboard.press("Enter");
  await page.getByText(`Stopped ${name}`).waitFor({ timeout: 20_000 });
  assert.equal(docker("inspect", "-f", "{{.State.Status}}", name), "exited");

  await page.keyboard.press("Control+k");
  await page.keyboard.type("new cont");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/containers\/new$/);

  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await help.waitFor();
  assert.match(await help.textContent(), /Open the command palette/);
  await page.keyboard.press("Escape");
  await help.waitFor({ state: "hidden" });
  await page.context().close();
});
