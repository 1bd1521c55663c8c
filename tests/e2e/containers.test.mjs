// The Containers page against the real engine: listing, stopping, removing and its states.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  artifacts, containerExists, docker, openPage, runContainer, uniqueName,
} from "./support.mjs";
import { berthFixture } from "./fixture.mjs";
import { engineGet, engineRequest } from "./engine-api.mjs";

const fx = berthFixture();
const { created } = fx;

function row(page, name) {
  return page.locator(`tr[data-container="${name}"]`);
}

test("lists a container started on the engine, with its state and image", async () => {
  const name = runContainer(uniqueName("list"), "-p", "127.0.0.1::80");
  created.push(name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/`);
  await page.waitForURL(/\/env\/local\/containers$/);
  const container = row(page, name);
  await container.waitFor({ timeout: 15_000 });
  assert.equal(await container.locator(".badge[data-state]").first().getAttribute("data-state"), "running");
  assert.match(await container.textContent(), /busybox:latest/);
  const port = docker("port", name, "80/tcp").split("\n")[0].split(":").pop();
  const link = container.locator("a.port-link");
  assert.equal(await link.getAttribute("href"), `http://127.0.0.1:${port}/`);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("a container the engine lists with null labels (created without an image) leaves the page working", async () => {
  const odd = uniqueName("noimage");
  await engineRequest("POST", `/containers/create?name=${odd}`, { Cmd: ["true"] });
  created.push(odd);
  const listed = await engineGet(`/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ name: [odd] }))}`);
  assert.equal(listed[0]?.Labels, null, "the engine itself sends null labels for it");
  const name = runContainer(uniqueName("beside"));
  created.push(name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, name).waitFor({ timeout: 15_000 });
  await row(page, odd).waitFor({ timeout: 15_000 });
  assert.equal(await row(page, odd).locator(".badge[data-state]").first().getAttribute("data-state"), "created");
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("the header names the engine, its version and the negotiated API version", async () => {
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  const indicator = page.getByTestId("engine-indicator");
  const version = docker("version", "--format", "{{.Server.Version}}");
  const api = docker("version", "--format", "{{.Server.APIVersion}}");
  const hostName = docker("info", "--format", "{{.Name}}");
  // The version and the engine's name come from two requests, in either order.
  await page.waitForFunction(
    (texts) => texts.every((text) => document.querySelector('[data-testid="engine-indicator"]')?.textContent.includes(text)),
    [`Docker ${version}`, hostName],
  );
  const text = await indicator.textContent();
  assert.match(text, new RegExp(`API ${api.replace(".", "\\.")}`));
  assert.ok(text.includes(hostName), `${text} names ${hostName}`);
  await page.context().close();
});

test("stops a container through the UI and shows the new state", async () => {
  const name = runContainer(uniqueName("stop"));
  created.push(name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, name).waitFor();
  await page.getByRole("button", { name: `Stop ${name}` }).click();
  await page.waitForSelector(`tr[data-container="${name}"] .badge[data-state="exited"]`, { timeout: 20_000 });
  assert.equal(docker("inspect", "-f", "{{.State.Status}}", name), "exited");
  await page.screenshot({ path: `${artifacts}/after-stop.png` });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("starts a stopped container through the UI", async () => {
  const name = uniqueName("start");
  docker("create", "--name", name, "busybox:latest", "sleep", "600");
  created.push(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, name).waitFor();
  await page.getByRole("button", { name: `Start ${name}` }).click();
  await page.waitForSelector(`tr[data-container="${name}"] .badge[data-state="running"]`, { timeout: 20_000 });
  assert.equal(docker("inspect", "-f", "{{.State.Status}}", name), "running");
  await page.context().close();
});

test("asks before removing, and cancelling keeps the container", async () => {
  const name = runContainer(uniqueName("remove"));
  created.push(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, name).waitFor();

  await page.getByRole("button", { name: `More actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Remove…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  assert.equal(await dialog.getByRole("heading").textContent(), `Remove container ${name}?`);
  assert.match(await dialog.textContent(), /running and will be stopped first/);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "hidden" });
  assert.ok(containerExists(name), "cancelling must keep the container");

  await page.getByRole("button", { name: `More actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Remove…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await row(page, name).waitFor({ state: "detached", timeout: 20_000 });
  assert.ok(!containerExists(name), "confirming must remove the container");
  await page.context().close();
});

test("filters by state and searches by name", async () => {
  const running = runContainer(uniqueName("filter-run"));
  const stopped = uniqueName("filter-stop");
  docker("create", "--name", stopped, "busybox:latest", "true");
  created.push(running, stopped);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, running).waitFor();
  await page.getByRole("button", { name: "Stopped", exact: true }).click();
  await row(page, running).waitFor({ state: "detached" });
  await row(page, stopped).waitFor();
  await page.getByRole("button", { name: "All", exact: true }).click();
  await page.getByRole("searchbox", { name: "Search containers" }).fill(running);
  await row(page, running).waitFor();
  await row(page, stopped).waitFor({ state: "detached" });
  await page.getByRole("searchbox", { name: "Search containers" }).fill("no-such-container-anywhere");
  await page.getByTestId("empty-state").waitFor();
  await page.context().close();
});
