// What a new user trips over first, each against the real engine: one object the models
// cannot read (the engine's real answer with one odd row added), attach without a TTY, the
// container page's actions, sizes of empty layers, rename checks, the logs status line, the
// create form's restart policy, relative times that tick, the search box's border, failed
// builds, the volume browser's helper and duplicated ports.

import { test } from "node:test";
import assert from "node:assert/strict";
import { artifacts, docker, openPage, runContainer, signIn, uniqueName } from "./support.mjs";
import { engineRequest } from "./engine-api.mjs";
import { berthFixture } from "./fixture.mjs";
import { join } from "node:path";

const fx = berthFixture({ users: ["admin", "operator"] });
const { created, volumes } = fx;

const { runScript } = fx;

const containerUrl = (name, tab = "") => `${fx.berth.base}/env/local/containers/${name}${tab ? `/${tab}` : ""}`;
const state = (name) => docker("inspect", "-f", "{{.State.Status}}", name);

/** Resolves once the engine has removed container `id` (at once if it is already gone). */
async function removed(id) {
  try {
    await engineRequest("POST", `/containers/${id}/wait?condition=removed`);
  } catch (error) {
    if (!/: 404 /.test(error.message)) throw error;
  }
}

/** An id for the odd row each list gets, shown shortened to its first 12 characters. */
const ODD_ID = "0dd0dd0dd0dd".padEnd(64, "e");

test("an object the models cannot read is one error row with its id and reason, and the rest of the page stays", async () => {
  const name = uniqueName("readable");
  runContainer(name);
  created.push(name);
  const volume = uniqueName("readable");
  docker("volume", "create", volume);
  volumes.push(volume);
  // The engine's real answer, with one object added whose labels are not a map: what an engine
  // newer or older than the models might send. Each list gets it, and still shows its own rows.
  const odd = (object) => ({ ...object, Id: ODD_ID, Name: ODD_ID, Labels: "not a map" });
  const lists = [
    ["containers", /\/engine\/local\/containers\/json/, (rows) => [...rows, odd(rows[0])], `tr[data-container="${name}"]`],
    ["images", /\/engine\/local\/images\/json/, (rows) => [...rows, odd(rows[0])], '[data-testid="image-row"]'],
    ["networks", /\/engine\/local\/networks(\?|$)/, (rows) => [...rows, odd(rows[0])], 'tr[data-network="bridge"]'],
    ["volumes", /\/engine\/local\/volumes(\?|$)/, (body) => ({ ...body, Volumes: [...body.Volumes, odd(body.Volumes[0])] }), `tr[data-volume="${volume}"]`],
  ];
  for (const [section, url, addOdd, readable] of lists) {
    const context = await fx.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      await signIn(context, fx.berth.base, "admin");
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.route(url, async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, json: addOdd(await response.json()) });
      });
      await page.goto(`${fx.berth.base}/env/local/${section}`);
      const row = page.getByTestId("undecodable-row");
      await row.waitFor();
      assert.equal(await row.count(), 1, `${section}: one error row`);
      const text = await row.innerText();
      assert.match(text, /0dd0dd0dd0dd/, `${section}: the row names the object's id`);
      assert.match(text, /could not read this object.*invalid type: string "not a map", expected a map/, `${section}: ${text}`);
      await page.locator(readable).first().waitFor();
      assert.deepEqual(errors, [], `${section}: no page errors`);
    } finally {
      await context.close();
    }
  }
});

test("attach to a container without a TTY starts every line at the left edge", async () => {
  const name = runScript("attach-lines", "i=0; while true; do echo tick-$i; i=$((i+1)); sleep 1; done");
  const { page, errors } = await openPage(fx.browser, containerUrl(name, "attach"), { user: "operator" });
  await page.getByTestId("terminal-connect").click();
  await page.getByTestId("terminal-status").filter({ hasText: "Running" }).waitFor({ timeout: 20_000 });
  await page.waitForFunction(
    () => (document.querySelector('[data-testid="terminal"] .xterm-rows')?.innerText.match(/tick-\d+/g) ?? []).length >= 3,
    null,
    { timeout: 20_000 },
  );
  const rows = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="terminal"] .xterm-rows > div')].map((row) => row.textContent));
  const ticks = rows.filter((row) => row.includes("tick-"));
  assert.ok(ticks.length >= 3, `three lines of output: ${JSON.stringify(rows)}`);
  for (const row of ticks) assert.match(row, /^tick-\d+\s*$/, `each line starts at the left: ${JSON.stringify(ticks)}`);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("a paused container's page offers Unpause and the list's other actions", async () => {
  const name = runContainer(uniqueName("page-actions"));
  created.push(name);
  docker("pause", name);
  const { page, errors } = await openPage(fx.browser, containerUrl(name));
  const lifecycle = page.getByTestId("lifecycle");
  await lifecycle.getByRole("button", { name: "More actions", exact: false }).click();
  const items = (await page.getByRole("menuitem").allTextContents()).map((text) => text.trim());
  for (const wanted of ["Unpause", "Kill…", "Rename…", "Commit to image…", "Export as tar", "Duplicate", "Edit (recreate)"]) {
    assert.ok(items.includes(wanted), `the page's menu offers ${wanted}: ${JSON.stringify(items)}`);
  }
  await page.screenshot({ path: join(artifacts, "first-use-container-menu-light.png") });
  await page.getByRole("menuitem", { name: "Unpause" }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="state"]')?.textContent === "running",
    null, { timeout: 20_000 });
  assert.equal(state(name), "running");

  // Rename from the page: the same dialog, with the same checks.
  await lifecycle.getByRole("button", { name: "More actions", exact: false }).click();
  await page.getByRole("menuitem", { name: "Rename…" }).click();
  const renamed = `${name}-r`;
  created.push(renamed);
  await page.getByRole("dialog").getByLabel("New name").fill(renamed);
  await page.getByRole("dialog").getByRole("button", { name: "Rename" }).click();
  await page.getByRole("heading", { name: renamed }).waitFor({ timeout: 20_000 });
  assert.equal(docker("inspect", "-f", "{{.Name}}", renamed), `/${renamed}`);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("sizes show 0 B for a container whose writable layer is empty", async () => {
  const name = runContainer(uniqueName("size-zero"));
  created.push(name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  const row = page.locator(`tr[data-container="${name}"]`);
  await row.waitFor();
  await page.getByLabel("Sizes").check();
  await row.locator(".containers-col-created", { hasText: /^0 B \(.+ virtual\)$/ }).waitFor({ timeout: 20_000 });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("rename names the field and sends nothing when the name is not one the engine takes", async () => {
  const name = runContainer(uniqueName("rename-check"));
  created.push(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await page.getByRole("button", { name: `More actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Rename…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("New name").fill("bad name");
  await dialog.getByRole("button", { name: "Rename" }).click();
  const alert = dialog.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /^New name: .*“ ”/);
  assert.ok(await dialog.isVisible(), "the dialog stays open");
  await page.screenshot({ path: join(artifacts, "first-use-rename-light.png") });
  assert.equal(docker("inspect", "-f", "{{.Name}}", name), `/${name}`);
  await page.context().close();
});

test("the logs status line counts what is shown, and a cleared search clears its error", async () => {
  const name = runScript("logs-status", "seq 1 3000; trap 'exit 0' TERM; while true; do sleep 1; done");
  const { page, errors } = await openPage(fx.browser, containerUrl(name, "logs"));
  const status = page.getByTestId("logs-status");
  await status.filter({ hasText: "1,000 lines · following" }).waitFor({ timeout: 20_000 });

  await page.getByLabel("Tail").selectOption("100");
  await page.getByLabel("Follow").uncheck();
  await status.filter({ hasText: "100 lines · complete" }).waitFor({ timeout: 20_000 });
  assert.doesNotMatch(await status.textContent(), /dropped/);

  await page.getByTitle("Regular expression").click();
  const search = page.getByLabel("Search logs");
  await search.fill("(");
  const count = page.getByTestId("match-count");
  await count.filter({ hasText: "Invalid pattern" }).waitFor();
  await search.fill("");
  await page.waitForFunction(() => document.querySelector('[data-testid="match-count"]')?.textContent === "");
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("the create form's restart policy starts on no", async () => {
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers/new`);
  const restart = page.locator("#restart");
  await restart.waitFor();
  assert.equal(await restart.inputValue(), "no");
  assert.equal(await restart.evaluate((select) => select.selectedOptions[0]?.textContent), "no");
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("relative times tick without any event", async () => {
  const name = runContainer(uniqueName("ticking"));
  created.push(name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  const statusCell = page.locator(`tr[data-container="${name}"] .cell-sub`).nth(1);
  await statusCell.waitFor();
  const first = await statusCell.textContent();
  assert.match(first, /^Up /);
  // Nothing happens to the container meanwhile: only the clock moves the text on.
  await page.waitForFunction(
    ({ selector, before }) => {
      const text = document.querySelectorAll(selector)[1]?.textContent ?? "";
      return /^Up \d+ seconds$/.test(text) && text !== before;
    },
    { selector: `tr[data-container="${name}"] .cell-sub`, before: first },
    { timeout: 20_000 },
  );
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("the containers search box has one border, in both themes", async () => {
  for (const colorScheme of ["light", "dark"]) {
    for (const width of [1280, 390]) {
      const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`, { colorScheme, width });
      const input = page.getByLabel("Search containers");
      await input.waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), colorScheme);
      const [outer, inner] = await input.evaluate((el) => [
        getComputedStyle(el.closest(".search")).borderTopWidth,
        getComputedStyle(el).borderTopWidth,
      ]);
      assert.equal(outer, "1px");
      assert.equal(inner, "0px", `the input inside the box draws no border of its own (${colorScheme})`);
      await page.locator(".containers-filters").screenshot({ path: join(artifacts, `first-use-search-${colorScheme}-${width}.png`) });
      await page.context().close();
    }
  }
});

test("a failed build leaves no container behind and says its error once", async () => {
  const marker = uniqueName("failed-build");
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/images`);
  await page.getByTestId("images-table").waitFor();
  await page.getByRole("button", { name: "Build", exact: true }).click();
  const dialog = page.getByTestId("build-dialog");
  await dialog.locator('textarea[name="dockerfile"]').fill(`FROM busybox:latest\nRUN echo ${marker} && exit 3\n`);
  await dialog.getByRole("button", { name: "Build", exact: true }).click();
  const alert = dialog.getByRole("alert");
  await alert.waitFor({ timeout: 120_000 });
  const message = (await alert.textContent()).trim();
  assert.match(message, /returned a non-zero code: 3/);
  const text = await dialog.textContent();
  assert.equal(text.split(message).length - 1, 1, `the error is shown once: ${text}`);
  await page.screenshot({ path: join(artifacts, "first-use-build-failed-light.png") });
  const leftovers = docker("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Command}}")
    .split("\n")
    .filter((line) => line.includes(marker));
  assert.deepEqual(leftovers, [], "the intermediate container is removed");
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  await page.context().close();
});

test("the volume browser's helper ends when the page is left with a full load, and never counts as a user", async () => {
  const volume = uniqueName("vol-beacon");
  docker("volume", "create", volume);
  volumes.push(volume);
  docker("run", "--rm", "-v", `${volume}:/data`, "busybox:latest", "sh", "-c", "echo hi > /data/hello.txt");
  const user = runContainer(uniqueName("vol-user"), "-v", `${volume}:/data`);
  created.push(user);
  const helpers = () => docker("ps", "-aq", "--no-trunc", "--filter", `label=org.berth.volume-browser=${volume}`)
    .split("\n").filter(Boolean);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/volumes/${volume}/files`);
  await page.getByTestId("files-table").locator('tr[data-file="hello.txt"]').waitFor({ timeout: 15_000 });
  const [helper] = helpers();
  assert.ok(helper, "a helper runs while the files are shown");

  // Meanwhile the volume's own pages count only the real user.
  const other = await openPage(fx.browser, `${fx.berth.base}/env/local/volumes/${volume}`);
  const users = other.page.getByTestId("volume-users-table");
  await users.waitFor({ timeout: 15_000 });
  assert.equal(await users.locator("tbody tr").count(), 1);
  assert.match(await users.textContent(), new RegExp(user));
  await other.page.goto(`${fx.berth.base}/env/local/volumes`);
  const cell = other.page.locator(`tr[data-volume="${volume}"] [data-testid="volume-users"]`);
  // Usage comes from `/system/df`, after the list: wait until the cell says something.
  await cell.filter({ hasText: /container|unused/ }).waitFor({ timeout: 15_000 });
  assert.match(await cell.textContent(), /^1 container$/);
  await other.page.context().close();

  // A full page load elsewhere: no Leptos clean-up runs, only `pagehide`.
  await page.goto(`${fx.berth.base}/env/local/containers`);
  await removed(helper);
  assert.deepEqual(helpers(), []);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("a duplicate publishes on free host ports, so saving it unchanged starts it", async () => {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const tag = uniqueName("dup-ports");
  const source = runContainer(uniqueName("dup-ports-src"), "-p", `127.0.0.1:${port}:80`, "--label", `berth.e2e.dup=${tag}`);
  created.push(source);
  const copies = () => docker("ps", "-a", "--filter", `label=berth.e2e.dup=${tag}`, "--format", "{{.Names}}")
    .split("\n").filter((n) => n && n !== source);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await page.getByRole("button", { name: `More actions for ${source}` }).click();
  await page.getByRole("menuitem", { name: "Duplicate" }).click();
  await page.getByRole("heading", { name: `New container like ${source}` }).waitFor();
  await page.waitForFunction(() => document.querySelector("#ports")?.value !== "");
  assert.equal(await page.locator("#ports").inputValue(), "127.0.0.1::80");
  assert.match(await page.getByTestId("ports-note").textContent(), new RegExp(`${port}`));
  await page.screenshot({ path: join(artifacts, "first-use-duplicate-light.png") });
  await page.getByRole("button", { name: "Create container" }).click();
  await page.waitForURL(/\/env\/local\/containers$/);
  const [copy] = copies();
  assert.ok(copy, "the duplicate exists");
  created.push(copy);
  await page.waitForSelector(`tr[data-container="${copy}"] .badge[data-state="running"]`, { timeout: 20_000 });
  const published = JSON.parse(docker("inspect", "-f", "{{json .NetworkSettings.Ports}}", copy))["80/tcp"];
  assert.equal(published[0].HostIp, "127.0.0.1");
  assert.notEqual(published[0].HostPort, String(port));
  assert.deepEqual(errors, []);
  await page.context().close();
});
