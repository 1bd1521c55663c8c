// The UI shell: navigation, the theme switch, unknown routes and the unreachable engine.

import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, startBerth } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture();

test("navigation reaches every section and marks the current one", async () => {
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  for (const [label, path, testId] of [
    ["Images", "images", "images-table"],
    ["Networks", "networks", "networks-table"],
    ["Volumes", "volumes", null],
    ["System", "system", null],
    ["Containers", "containers", null],
  ]) {
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: label }).click();
    await page.waitForURL(new RegExp(`/env/local/${path}$`));
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), label);
    const current = page.locator('nav a[aria-current="page"]');
    assert.equal((await current.textContent()).trim(), label);
    if (testId) await page.getByTestId(testId).waitFor();
  }
  // The bridge network exists on every engine; busybox was seeded by the harness.
  await page.getByRole("link", { name: "Networks" }).click();
  await page.getByTestId("networks-table").locator(".cell-title", { hasText: /^bridge$/ }).waitFor();
  await page.getByRole("link", { name: "Images" }).click();
  await page.getByTestId("images-table").getByText("busybox:latest").waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("the theme switch applies and remembers its choice", async () => {
  const { page, context } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`, {
    colorScheme: "light",
  });
  const toggle = page.getByRole("switch", { name: "Dark theme" });
  await toggle.waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "light");
  assert.equal(await toggle.getAttribute("aria-checked"), "false");
  await toggle.click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.reload();
  await page.getByRole("switch", { name: "Dark theme" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  assert.equal(await page.getByRole("switch", { name: "Dark theme" }).getAttribute("aria-checked"), "true");
  assert.notEqual(background, "rgb(245, 246, 248)", "the dark theme changes the colours");
  await context.close();
});

test("the system page shows the engine's facts", async () => {
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/system`);
  await page.getByRole("heading", { name: "Engine" }).waitFor();
  const text = await page.locator(".cards").textContent();
  assert.match(text, /API in use1\.\d+/);
  assert.match(text, /CPUs\d+/);
  await page.context().close();
});

test("unknown routes show a designed not-found page", async () => {
  const { page } = await openPage(fx.browser, `${fx.berth.base}/no/such/page`);
  await page.getByRole("heading", { name: "Page not found" }).waitFor();
  await page.getByRole("link", { name: "Go to containers" }).click();
  await page.waitForURL(/\/env\/local\/containers$/);
  await page.context().close();
});

test("an unreachable engine is a clear state with retry", async () => {
  const lonely = await startBerth({ engine: "unix:///nonexistent/berth-e2e/docker.sock" });
  try {
    const { page } = await openPage(fx.browser, `${lonely.base}/env/local/containers`);
    const state = page.getByTestId("error-state");
    await state.waitFor({ timeout: 15_000 });
    assert.match(await state.getByRole("heading").textContent(), /Engine unreachable/);
    assert.match(await state.textContent(), /nonexistent\/berth-e2e/);
    await state.getByRole("button", { name: "Retry" }).click();
    await state.waitFor();
    assert.match(await page.getByTestId("engine-indicator").textContent(), /Engine unreachable/);
    await page.context().close();
  } finally {
    await lonely.stop();
  }
});
