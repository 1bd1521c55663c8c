// The containers list stays current from the engine's event stream: changes made outside the
// UI appear without a reload, only the touched rows are fetched again, and after a dropped
// stream the client resumes with `since`, so an event from the gap is not missed. The UI's own
// actions show their outcome without waiting for the stream.

import { test } from "node:test";
import assert from "node:assert/strict";
import { containerExists, docker, openPage, runContainer, uniqueName } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture();
const created = fx.created;

const row = (page, name) => page.locator(`tr[data-container="${name}"]`);

test("a container started and stopped outside the UI shows up live, row by row", async () => {
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await page.getByTestId("live-indicator").getByText("Live").waitFor({ timeout: 15_000 });
  const listRequests = [];
  let recording = false;
  page.on("request", (request) => {
    if (recording && request.url().includes("/containers/json")) {
      listRequests.push(decodeURIComponent(request.url()));
    }
  });

  recording = true;
  const name = runContainer(uniqueName("live"));
  created.push(name);
  await page.waitForSelector(`tr[data-container="${name}"] .badge[data-state="running"]`, { timeout: 20_000 });

  docker("stop", "-t", "1", name);
  await page.waitForSelector(`tr[data-container="${name}"] .badge[data-state="exited"]`, { timeout: 20_000 });

  docker("rm", name);
  await row(page, name).waitFor({ state: "detached", timeout: 20_000 });

  assert.ok(listRequests.length > 0, "events led to row fetches");
  for (const url of listRequests) {
    assert.match(url, /"id":\[/, `only the touched rows are fetched, not the whole list: ${url}`);
  }
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("after the stream drops, it resumes with since and misses nothing", async () => {
  const name = uniqueName("resume");
  created.push(name);
  const eventUrls = [];
  const { page, context, errors } = await openPage(fx.browser, `${fx.berth.base}/favicon.svg`);
  await context.route("**/engine/local/events**", async (route) => {
    const url = route.request().url();
    eventUrls.push(url);
    if (eventUrls.length === 1) {
      // The first connection ends at once, as a proxy cutting the stream would.
      await route.fulfill({ status: 200, headers: { date: new Date().toUTCString() }, body: "" });
      return;
    }
    if (eventUrls.length === 2) {
      // The container starts while the client is disconnected.
      runContainer(name);
    }
    await route.continue();
  });
  await page.goto(`${fx.berth.base}/env/local/containers`);
  await page.waitForSelector(`tr[data-container="${name}"] .badge[data-state="running"]`, { timeout: 20_000 });
  assert.ok(eventUrls.length >= 2);
  assert.doesNotMatch(eventUrls[0], /since=/);
  assert.match(eventUrls[1], /since=\d+\.\d{9}/, "the reconnection resumes from the engine's clock");
  assert.deepEqual(errors.filter((e) => !e.includes("Failed to load resource")), []);
  await context.close();
});

test("an action's outcome shows as soon as it ends, even with the event stream down", async () => {
  const name = runContainer(uniqueName("nostream"));
  created.push(name);
  const { page, context, errors } = await openPage(fx.browser, `${fx.berth.base}/favicon.svg`);
  // No event ever arrives: every connection to the stream fails.
  await context.route("**/engine/local/events**", (route) => route.abort());
  await page.goto(`${fx.berth.base}/env/local/containers`);
  await row(page, name).locator('.badge[data-state="running"]').waitFor();
  await page.getByTestId("live-indicator").getByText("Reconnecting…").waitFor();

  await page.getByRole("button", { name: `Stop ${name}` }).click();
  await row(page, name).locator('.badge[data-state="exited"]').waitFor({ timeout: 20_000 });

  await page.getByRole("button", { name: `More actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Remove…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await row(page, name).waitFor({ state: "detached", timeout: 20_000 });
  assert.ok(!containerExists(name));
  assert.deepEqual(errors.filter((e) => !e.includes("Failed to load resource")), []);
  await context.close();
});

test("status and label filters go to the engine", async () => {
  const labelled = runContainer(uniqueName("label"), "--label", "berth.test=live-filter");
  const plain = runContainer(uniqueName("plain"));
  created.push(labelled, plain);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, plain).waitFor();
  const request = page.waitForRequest((r) => decodeURIComponent(r.url()).includes('"label":["berth.test=live-filter"]'));
  await page.getByLabel("Label filter").fill("berth.test=live-filter");
  await page.getByLabel("Label filter").press("Enter");
  await request;
  await row(page, plain).waitFor({ state: "detached" });
  await row(page, labelled).waitFor();

  await page.getByLabel("Label filter").fill("");
  await page.getByLabel("Label filter").press("Enter");
  await page.getByLabel("Status").selectOption("exited");
  await row(page, labelled).waitFor({ state: "detached" });
  docker("stop", "-t", "1", plain);
  // A container that comes to match the filter joins the list live.
  await row(page, plain).waitFor({ timeout: 20_000 });
  await page.context().close();
});

test("groups compose projects and sorts", async () => {
  const web = runContainer(uniqueName("shop-web"), "--label", "com.docker.compose.project=berthshop");
  const db = runContainer(uniqueName("shop-db"), "--label", "com.docker.compose.project=berthshop");
  created.push(web, db);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, web).waitFor();
  const heading = page.locator("tr.containers-group", { hasText: "berthshop" });
  await heading.waitFor();
  assert.match(await heading.textContent(), /2 of 2 running/);
  await page.getByLabel("Sort by").selectOption("name");
  const names = await page.locator("tr[data-container]").evaluateAll((rows) => rows.map((r) => r.dataset.container));
  const shop = names.filter((n) => n === web || n === db);
  assert.deepEqual(shop, [db, web].sort());
  await page.getByRole("checkbox", { name: "Group by project" }).uncheck();
  await heading.waitFor({ state: "detached" });
  await page.context().close();
});
