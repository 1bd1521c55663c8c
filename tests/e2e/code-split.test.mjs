// The code-split UI: the first load fetches only the shell and the page shown (in two modules),
// other pages' modules come when first visited, and a module that cannot be fetched leaves a working app
// that offers a reload instead of a dead page.

import { test } from "node:test";
import assert from "node:assert/strict";
import { artifacts, holdAppUntilAsked, openPage, runContainer, uniqueName } from "./support.mjs";
import { join } from "node:path";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture();

/**
 * The groups of pages whose code (`split_<group>.wasm`) a page has fetched so far; `files` lists
 * every WebAssembly file it fetched (the main module, the shared chunks and the groups').
 */
function recordModules(page) {
  const modules = new Set();
  modules.files = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (/\/pkg-[0-9a-f]{16}\/.*\.wasm$/.test(path)) modules.files.push(path.replace(/.*\//, ""));
    const match = path.match(/\/pkg-[0-9a-f]{16}\/split_([a-z_]+)\.wasm$/);
    if (match) modules.add(match[1]);
  });
  return modules;
}

test("the first load fetches the page shown, and other pages' code only when they open", async () => {
  // Signed in on a static file, so the app has not loaded yet.
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/favicon.svg`);
  const modules = recordModules(page);
  await page.goto(`${fx.berth.base}/env/local/containers`);
  await page.getByRole("heading", { level: 1, name: "Containers" }).waitFor();
  assert.deepEqual([...modules], ["containers_list"]);
  // The page's code is merged: the main module, the chunks most pages share, and its own module.
  assert.deepEqual(modules.files.sort(), ["berth-frontend_bg.wasm", "common.wasm", "split_containers_list.wasm"]);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Images" }).click();
  await page.getByTestId("images-table").waitFor();
  assert.deepEqual([...modules].sort(), ["containers_list", "images_pages"]);
  // Going back needs nothing new.
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Containers" }).click();
  await page.getByRole("heading", { level: 1, name: "Containers" }).waitFor();
  assert.equal(modules.size, 2);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("the first load asks for the page's data while the app downloads, and the app takes those answers", async () => {
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/favicon.svg`);
  const early = ["/api/auth/session", "/engine/local/info", "/engine/local/containers/json?all=true"];
  // The app cannot run before these are asked for: only the loader can have asked.
  const asked = await holdAppUntilAsked(page, early);
  await page.goto(`${fx.berth.base}/env/local/containers`);
  await page.getByRole("heading", { level: 1, name: "Containers" }).waitFor();
  await page.locator("tr[data-container]").or(page.getByText("No containers yet")).first().waitFor();
  // The session and the shell's /info once: the app took the loader's answers instead of asking
  // again. (The list is read once more when the event stream first goes live.)
  assert.deepEqual([asked.get(early[0]), asked.get(early[1])], [1, 1]);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("a signed-out visitor's first load asks the engine nothing", async () => {
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/favicon.svg`, { user: null });
  const asked = [];
  page.on("request", (request) => asked.push(new URL(request.url()).pathname));
  await page.goto(`${fx.berth.base}/env/local/containers`);
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  assert.ok(asked.includes("/api/auth/session"));
  assert.deepEqual(asked.filter((path) => path.startsWith("/engine/")), []);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("a container's terminal opens without the other tabs' code, which comes with the first of them", async () => {
  const name = runContainer(uniqueName("split"));
  fx.created.push(name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/favicon.svg`);
  const modules = recordModules(page);
  await page.goto(`${fx.berth.base}/env/local/containers/${name}/terminal`);
  await page.getByTestId("terminal-connect").waitFor();
  assert.deepEqual([...modules], ["container_detail"]);
  await page.getByRole("tab", { name: "Logs" }).click();
  await page.getByTestId("logs").waitFor();
  assert.deepEqual([...modules].sort(), ["container_detail", "container_views"]);
  // The other tabs come with it.
  await page.getByRole("tab", { name: "Stats" }).click();
  await page.getByRole("tab", { name: "Stats", selected: true }).waitFor();
  assert.equal(modules.size, 2);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("a tab whose code cannot be fetched offers a reload under the container's header", async () => {
  const name = runContainer(uniqueName("split"));
  fx.created.push(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/favicon.svg`);
  await page.route(/\/split_container_views\.wasm$/, (route) => route.fulfill({ status: 404, body: "not found" }));
  await page.goto(`${fx.berth.base}/env/local/containers/${name}/logs`);
  await page.getByTestId("page-load-failed").waitFor({ timeout: 20_000 });
  // The page around the tab works: its header and the terminal tab.
  await page.getByRole("heading", { level: 1, name }).waitFor();
  await page.getByRole("tab", { name: "Terminal" }).click();
  await page.getByTestId("terminal-connect").waitFor();
  await page.context().close();
});

test("a page whose code cannot be fetched offers a reload, and the rest of the app keeps working", async () => {
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await page.getByRole("heading", { level: 1, name: "Containers" }).waitFor();
  // As if Berth had been upgraded while the tab was open: the old modules are gone.
  await page.route(/\/split_images_pages\.wasm$/, (route) => route.fulfill({ status: 404, body: "not found" }));
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Images" }).click();
  const failed = page.getByTestId("page-load-failed");
  await failed.waitFor({ timeout: 20_000 });
  assert.match(await failed.textContent(), /could not be loaded/);
  await page.screenshot({ path: join(artifacts, "page-load-failed.png") });
  // The shell still works: another section opens.
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Containers" }).click();
  await page.getByRole("heading", { level: 1, name: "Containers" }).waitFor();
  // Once the module can be fetched again, the reload brings the page back.
  await page.unroute(/\/split_images_pages\.wasm$/);
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Images" }).click();
  await page.getByTestId("images-table").or(failed).first().waitFor({ timeout: 20_000 });
  if (await failed.isVisible()) await failed.getByRole("button", { name: "Reload Berth" }).click();
  await page.getByTestId("images-table").waitFor({ timeout: 20_000 });
  await page.context().close();
});
