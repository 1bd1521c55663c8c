// Lifecycle actions on the containers page against the real engine: bulk stop and remove of a
// selection, kill with a signal, rename, update, prune, and what a viewer does not see.

import { test } from "node:test";
import assert from "node:assert/strict";
import { containerExists, docker, openPage, runContainer, uniqueName } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture({ users: ["admin", "viewer"] });
const created = fx.created;

const row = (page, name) => page.locator(`tr[data-container="${name}"]`);
const state = (name) => docker("inspect", "-f", "{{.State.Status}}", name);

async function openMenu(page, name, item) {
  await page.getByRole("button", { name: `More actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: item }).click();
  return page.getByRole("dialog");
}

test("bulk: stops and then removes a selection, naming what is lost", async () => {
  const a = runContainer(uniqueName("bulk-a"));
  const b = runContainer(uniqueName("bulk-b"));
  created.push(a, b);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, b).waitFor();
  await page.getByRole("checkbox", { name: `Select ${a}` }).check();
  await page.getByRole("checkbox", { name: `Select ${b}` }).check();
  const bar = page.getByTestId("bulk-bar");
  assert.match(await bar.textContent(), /2 selected/);

  await bar.getByRole("button", { name: "Stop…" }).click();
  let dialog = page.getByRole("dialog");
  assert.equal(await dialog.getByRole("heading").textContent(), "Stop 2 containers?");
  await dialog.getByLabel("Seconds to wait before killing").fill("1");
  await dialog.getByRole("button", { name: "Stop" }).click();
  await page.waitForSelector(`tr[data-container="${a}"] .badge[data-state="exited"]`, { timeout: 20_000 });
  await page.waitForSelector(`tr[data-container="${b}"] .badge[data-state="exited"]`, { timeout: 20_000 });

  await bar.getByRole("button", { name: "Remove…" }).click();
  dialog = page.getByRole("dialog");
  assert.equal(await dialog.getByRole("heading").textContent(), "Remove 2 containers?");
  const text = await dialog.textContent();
  assert.ok(text.includes(a) && text.includes(b), "the dialog names every container");
  assert.match(text, /deleted for good/);
  await dialog.getByRole("button", { name: "Remove" }).click();
  await row(page, a).waitFor({ state: "detached", timeout: 20_000 });
  await row(page, b).waitFor({ state: "detached", timeout: 20_000 });
  assert.ok(!containerExists(a) && !containerExists(b));
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("bulk: the selection and the counts follow the search", async () => {
  const prefix = uniqueName("sel");
  const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`].map((name) => runContainer(name));
  created.push(...names);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  for (const name of names) await row(page, name).waitFor();
  for (const name of names) await page.getByRole("checkbox", { name: `Select ${name}` }).check();
  const bar = page.getByTestId("bulk-bar");
  assert.match(await bar.textContent(), /3 selected/);
  const summary = page.getByTestId("container-summary");
  const search = page.getByRole("searchbox", { name: "Search containers" });

  // Rows the search hides are neither counted nor acted on.
  await search.fill("zzz-nothing-matches");
  await bar.waitFor({ state: "hidden" });
  await page.waitForFunction(() => /· 0 shown/.test(document.querySelector('[data-testid="container-summary"]').textContent));
  await search.fill(names[0]);
  await row(page, names[1]).waitFor({ state: "detached" });
  assert.match(await bar.textContent(), /1 selected/);
  const shown = await page.locator("tr[data-container]").count();
  assert.match(await summary.textContent(), new RegExp(`· ${shown} shown`));
  await bar.getByRole("button", { name: "Stop…" }).click();
  const dialog = page.getByRole("dialog");
  assert.equal(await dialog.getByRole("heading").textContent(), `Stop ${names[0]}?`);
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // Their ticks come back with them.
  await search.fill(prefix);
  for (const name of names) await row(page, name).waitFor();
  assert.match(await bar.textContent(), /3 selected/);
  // "Select all" ticks exactly the rows shown.
  await page.getByRole("checkbox", { name: "Select all shown containers" }).uncheck();
  await bar.waitFor({ state: "hidden" });
  await page.getByRole("checkbox", { name: "Select all shown containers" }).check();
  const all = await page.locator("tr[data-container]").count();
  assert.match(await bar.textContent(), new RegExp(`${all} selected`));
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("bulk: pause and unpause", async () => {
  const name = runContainer(uniqueName("pause"));
  created.push(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, name).waitFor();
  await page.getByRole("checkbox", { name: `Select ${name}` }).check();
  await page.getByTestId("bulk-bar").getByRole("button", { name: "Pause", exact: true }).click();
  await page.waitForSelector(`tr[data-container="${name}"] .badge[data-state="paused"]`, { timeout: 20_000 });
  assert.equal(state(name), "paused");
  await page.getByTestId("bulk-bar").getByRole("button", { name: "Unpause" }).click();
  await page.waitForSelector(`tr[data-container="${name}"] .badge[data-state="running"]`, { timeout: 20_000 });
  await page.context().close();
});

test("kills with the chosen signal", async () => {
  const name = runContainer(uniqueName("kill"));
  created.push(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, name).waitFor();
  const dialog = await openMenu(page, name, "Kill…");
  await dialog.getByLabel("Signal").selectOption("SIGKILL");
  await dialog.getByRole("button", { name: "Send signal" }).click();
  await page.waitForSelector(`tr[data-container="${name}"] .badge[data-state="exited"]`, { timeout: 20_000 });
  assert.equal(docker("inspect", "-f", "{{.State.ExitCode}}", name), "137");
  await page.context().close();
});

test("renames, and the row follows", async () => {
  const name = runContainer(uniqueName("rename"));
  const renamed = `${name}-new`;
  created.push(name, renamed);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, name).waitFor();
  const dialog = await openMenu(page, name, "Rename…");
  await dialog.getByLabel("New name").fill(renamed);
  await dialog.getByRole("button", { name: "Rename" }).click();
  await row(page, renamed).waitFor({ timeout: 20_000 });
  await row(page, name).waitFor({ state: "detached" });
  assert.ok(containerExists(renamed));
  await page.context().close();
});

test("updates the restart policy and limits", async () => {
  const name = runContainer(uniqueName("update"));
  created.push(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, name).waitFor();
  const dialog = await openMenu(page, name, "Update resources…");
  await dialog.getByLabel("Restart policy").selectOption("unless-stopped");
  await dialog.getByLabel("Memory limit").fill("64m");
  await dialog.getByLabel("CPUs").fill("0.5");
  await dialog.getByRole("button", { name: "Update" }).click();
  await page.getByText(`Updated ${name}`).waitFor({ timeout: 20_000 });
  assert.equal(docker("inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}", name), "unless-stopped");
  assert.equal(docker("inspect", "-f", "{{.HostConfig.Memory}}", name), String(64 * 1024 * 1024));
  assert.equal(docker("inspect", "-f", "{{.HostConfig.NanoCpus}}", name), "500000000");
  await page.context().close();
});

test("engine errors are shown with the engine's message", async () => {
  const name = runContainer(uniqueName("error"));
  const other = runContainer(uniqueName("taken"));
  created.push(name, other);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, name).waitFor();
  const dialog = await openMenu(page, name, "Rename…");
  await dialog.getByLabel("New name").fill(other);
  await dialog.getByRole("button", { name: "Rename" }).click();
  const toast = page.locator(".toast-error");
  await toast.waitFor({ timeout: 20_000 });
  assert.match(await toast.textContent(), new RegExp(`Could not rename ${name}: .*already in use`));
  await page.context().close();
});

test("prunes stopped containers and reports the space reclaimed", async () => {
  const stopped = uniqueName("prune");
  docker("create", "--name", stopped, "busybox:latest", "true");
  const running = runContainer(uniqueName("keep"));
  created.push(stopped, running);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, stopped).waitFor();
  await page.getByRole("button", { name: "Prune stopped" }).click();
  const dialog = page.getByRole("dialog");
  assert.match(await dialog.textContent(), /Running containers and all volumes are kept/);
  await dialog.getByRole("button", { name: "Prune" }).click();
  await page.getByText(/Removed \d+ stopped containers, reclaiming/).waitFor({ timeout: 20_000 });
  await row(page, stopped).waitFor({ state: "detached", timeout: 20_000 });
  assert.ok(!containerExists(stopped));
  assert.ok(containerExists(running));
  await page.context().close();
});

test("the export link downloads a tar through the session cookie", async () => {
  const name = runContainer(uniqueName("export"));
  created.push(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await row(page, name).waitFor();
  await page.getByRole("button", { name: `More actions for ${name}` }).click();
  const link = page.getByRole("menuitem", { name: "Export as tar" });
  const href = await link.getAttribute("href");
  assert.doesNotMatch(href, /token|csrf|password/i);
  const download = page.waitForEvent("download");
  await link.click();
  const file = await download;
  assert.equal(file.suggestedFilename(), `${name}.tar`);
  const path = await file.path();
  const { statSync } = await import("node:fs");
  assert.ok(statSync(path).size > 10_000, "the tar holds the container's filesystem");
  await page.context().close();
});

test("viewers see the list without selection or lifecycle controls", async () => {
  const name = runContainer(uniqueName("viewer"));
  created.push(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`, { user: "viewer" });
  await row(page, name).waitFor();
  assert.equal(await page.getByRole("checkbox", { name: `Select ${name}` }).count(), 0);
  assert.equal(await page.getByRole("button", { name: `More actions for ${name}` }).count(), 0);
  assert.equal(await page.getByRole("link", { name: "New container" }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Prune stopped" }).count(), 0);
  await page.context().close();
});
