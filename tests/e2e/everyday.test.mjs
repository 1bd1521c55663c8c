// What the everyday console offers beyond fixing defects, each against the real engine: copy
// buttons, names in the audit log, "Run a container" from an image, viewing and deleting a
// container's files, wording, the command palette's reach, and masked secrets in Inspect.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { PASSWORD, addUser, artifacts, docker, openPage, runContainer, uniqueName } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture({ users: ["admin", "operator"] });
const { created, runScript } = fx;

/** How far down a phone's screen a container's logs may start, as a share of its height: the
 * page's header, tabs and the log controls above leave over a third of the screen to lines
 * (they started at 86% when the controls wrapped onto six rows). */
const LOGS_TOP_SHARE = 0.65;
const LOOP = "trap 'exit 0' TERM; while true; do sleep 1; done";
const containerUrl = (name, tab = "") => `${fx.berth.base}/env/local/containers/${name}${tab ? `/${tab}` : ""}`;

/** The current TOTP code of a base32 `secret`. */
function totp(secret) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/\s/g, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const digest = createHmac("sha1", key).update(counter).digest();
  const o = digest[19] & 15;
  return String((digest.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** What the page's clipboard holds. */
const clipboard = (page) => page.evaluate(() => navigator.clipboard.readText());

test("copy buttons copy a new API token, the TOTP key and the recovery codes", async () => {
  addUser(fx.berth.dataDir, "copy-user", "operator");
  const { page, context, errors } = await openPage(fx.browser, `${fx.berth.base}/account`, { user: "copy-user" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: fx.berth.base });

  const form = page.getByTestId("token-form");
  await form.getByLabel("Token name").fill(`copied-${process.pid}`);
  await form.getByLabel("Your password").fill(PASSWORD);
  await form.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("token-secret").textContent()).trim();
  await page.getByTestId("copy-token").click();
  await page.getByText("Copied the token").waitFor();
  assert.equal(await clipboard(page), secret);

  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await page.getByRole("dialog").getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  const key = (await page.getByTestId("totp-secret").textContent()).trim();
  await page.getByTestId("copy-totp-secret").click();
  await page.getByText("Copied the key").waitFor();
  assert.equal(await clipboard(page), key);
  await page.getByLabel("Code from the app").fill(totp(key));
  await page.getByRole("button", { name: "Turn on" }).click();
  const codes = page.getByTestId("recovery-codes").locator("li");
  await codes.first().waitFor();
  const shown = (await codes.allTextContents()).map((code) => code.trim());
  await page.getByTestId("copy-recovery-codes").click();
  await page.getByText("Copied the recovery codes").waitFor();
  assert.deepEqual((await clipboard(page)).split("\n"), shown);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the audit log shows names beside ids and filters as the user types", async () => {
  const name = runContainer(uniqueName("audit-name"));
  created.push(name);
  const id = docker("inspect", "-f", "{{.Id}}", name);
  const { page, context, errors } = await openPage(fx.browser, containerUrl(name));
  await page.getByTestId("lifecycle").getByRole("button", { name: "More actions", exact: false }).click();
  await page.getByRole("menuitem", { name: "Pause" }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="state"]')?.textContent === "paused",
    null, { timeout: 20_000 });

  await page.goto(`${fx.berth.base}/admin/audit`);
  const table = page.getByTestId("audit-table");
  await table.waitFor();
  // Typed, not submitted: the filter applies once typing pauses.
  await page.getByLabel("Operation").pressSequentially("ContainerPause");
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')];
    return rows.length > 0 && rows.every((row) => row.textContent.includes("ContainerPause"));
  }, null, { timeout: 10_000 });
  await table.getByText(`${name} (${id.slice(0, 4)}…)`).first().waitFor({ timeout: 10_000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test("Run a container from an image's row and its page opens the create form with the image", async () => {
  const { page, context, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/images`, { user: "operator" });
  const busybox = page.locator("tr[data-tags~='busybox:latest']");
  await busybox.getByRole("link", { name: "Run a container from busybox:latest" }).click();
  await page.waitForURL(/\/containers\/new\?image=busybox%3Alatest$/);
  assert.equal(await page.getByLabel("Image", { exact: true }).inputValue(), "busybox:latest");

  await page.goto(`${fx.berth.base}/env/local/images`);
  await busybox.locator("a").first().click();
  await page.getByRole("link", { name: "Run a container from busybox:latest" }).click();
  await page.waitForURL(/\/containers\/new\?image=busybox%3Alatest$/);
  assert.equal(await page.getByLabel("Image", { exact: true }).inputValue(), "busybox:latest");
  assert.deepEqual(errors, []);
  await context.close();
});

test("files: view a text file, refuse binary and large ones, delete after asking, the folder in the URL", async () => {
  const name = runScript("view-files",
    `echo 'hello from a file' > /tmp/notes.txt; printf 'a\\000b' > /tmp/blob.bin; ` +
    `dd if=/dev/zero bs=1024 count=300 2>/dev/null | tr '\\0' x > /tmp/big.log; ${LOOP}`);
  const { page, errors } = await openPage(fx.browser, containerUrl(name, "files"), { user: "operator" });
  const table = page.getByTestId("files-table");
  await table.locator('tr[data-file="tmp"] button.file-dir').click();
  await table.locator('tr[data-file="notes.txt"]').waitFor({ timeout: 15_000 });
  await page.waitForURL(/\/files\?path=%2Ftmp$/);
  await page.reload();
  await table.locator('tr[data-file="notes.txt"]').waitFor({ timeout: 15_000 });

  const viewer = page.getByTestId("file-viewer");
  await table.locator('tr[data-file="notes.txt"]').getByRole("button", { name: "notes.txt", exact: true }).click();
  await viewer.getByTestId("file-text").filter({ hasText: "hello from a file" }).waitFor();
  await viewer.getByRole("button", { name: "Close" }).click();
  await table.locator('tr[data-file="blob.bin"]').getByRole("button", { name: "blob.bin", exact: true }).click();
  assert.match(await viewer.getByTestId("file-refusal").textContent(), /blob\.bin is not a text file/);
  await viewer.getByRole("button", { name: "Close" }).click();
  await table.locator('tr[data-file="big.log"]').getByRole("button", { name: "big.log", exact: true }).click();
  assert.match(await viewer.getByTestId("file-refusal").textContent(), /big\.log is 307(\.\d)? kB, more than/);
  await viewer.getByRole("button", { name: "Close" }).click();

  // This page holds several confirmation dialogs; each names itself by an id of its own.
  const ids = await page.locator("[id]").evaluateAll((elements) => elements.map((element) => element.id));
  assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], "ids repeat in the page");
  await table.getByRole("button", { name: "Delete notes.txt" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete /tmp/notes.txt?" });
  await dialog.waitFor();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await page.getByText("Deleted /tmp/notes.txt").waitFor({ timeout: 15_000 });
  await table.locator('tr[data-file="notes.txt"]').waitFor({ state: "detached" });
  assert.throws(() => docker("exec", name, "test", "-e", "/tmp/notes.txt"));

  await page.goBack();
  await table.locator('tr[data-file="etc"]').waitFor({ timeout: 15_000 });
  // The one failed request is the check that the deleted file is gone (a 404).
  assert.deepEqual(errors.filter((error) => !error.includes("404 (Not Found)")), []);
  await page.context().close();
});

test("wording: one process is 1 process, and a registry that does not resolve is not a refusal", async () => {
  const name = runScript("one-process", "exec sleep 1000");
  const { page, context, errors } = await openPage(fx.browser, containerUrl(name, "processes"));
  await page.getByText("1 process", { exact: true }).waitFor({ timeout: 15_000 });

  await page.goto(`${fx.berth.base}/admin/registries`);
  const form = page.getByTestId("registry-form");
  await form.locator('input[name="name"]').fill("Nowhere");
  await form.locator('input[name="address"]').fill("nosuch.invalid");
  await form.locator('input[name="username"]').fill("someone");
  await form.locator('input[name="password"]').fill("anything");
  await form.getByRole("button", { name: "Check and save" }).click();
  const alert = form.getByRole("alert");
  await alert.waitFor({ timeout: 40_000 });
  const said = await alert.textContent();
  assert.match(said, /could not be resolved \(DNS\)/);
  assert.doesNotMatch(said, /refused these credentials/);
  // The refused save is the one failed request.
  assert.deepEqual(errors.filter((error) => !error.includes("400 (Bad Request)")), []);
  await context.close();
});

test("the command palette reaches Stats, Registries and every container action", async () => {
  const name = runContainer(uniqueName("palette-all"));
  created.push(name);
  const { page, context } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await page.locator(`tr[data-container="${name}"]`).waitFor();
  const palette = page.getByRole("dialog", { name: "Command palette" });
  for (const [typed, url] of [["stats", /\/env\/local\/stats$/], ["registries", /\/admin\/registries$/]]) {
    await page.keyboard.press("Control+k");
    await palette.waitFor();
    await page.keyboard.type(typed);
    await page.keyboard.press("Enter");
    await page.waitForURL(url);
    await palette.waitFor({ state: "detached" });
  }

  await page.keyboard.press("Control+k");
  await page.keyboard.type(name);
  // The palette lists a container's actions together once it knows the container; wait for
  // one of them before reading the whole list.
  await palette.getByRole("option", { name: new RegExp(`Remove container ${name}`) }).waitFor();
  const options = (await palette.getByRole("option").allTextContents()).join("\n");
  for (const wanted of ["Pause", "Kill", "Rename", "Commit", "Export", "Duplicate", "Edit", "Remove", "Stop"]) {
    assert.match(options, new RegExp(`${wanted}[^\\n]* container ${name}`), `the palette offers ${wanted}: ${options}`);
  }
  await page.keyboard.press("Control+a");
  await page.keyboard.type(`kill ${name}`);
  await palette.getByRole("option", { name: new RegExp(`Kill container ${name}`) }).waitFor();
  await page.keyboard.press("Enter");
  const dialog = page.locator("dialog[open]").filter({ hasText: `Send a signal to ${name}?` });
  await dialog.waitFor({ timeout: 15_000 });
  await dialog.getByRole("button", { name: "Send signal" }).click();
  await page.getByText(`Signalled ${name}`).waitFor({ timeout: 20_000 });
  assert.notEqual(docker("inspect", "-f", "{{.State.Status}}", name), "running");
  await context.close();
});

test("Inspect masks secret values like Overview, and one reveal, audited, shows them", async () => {
  const name = runScript("masked", LOOP, "-e", "DB_PASSWORD=hunter2", "-e", "MODE=prod");
  const id = docker("inspect", "-f", "{{.Id}}", name);
  const { page, errors } = await openPage(fx.browser, containerUrl(name, "inspect"));
  const json = page.getByTestId("inspect-json");
  await json.waitFor({ timeout: 15_000 });
  const masked = await json.textContent();
  assert.doesNotMatch(masked, /hunter2/);
  assert.match(masked, /DB_PASSWORD=••••••••/);
  assert.match(masked, /MODE=prod/);
  await page.getByTestId("reveal-secrets").click();
  await json.filter({ hasText: "DB_PASSWORD=hunter2" }).waitFor({ timeout: 15_000 });
  const records = await page.evaluate(async () =>
    (await (await fetch("/api/audit?operation=ContainerRevealEnv&limit=20")).json()).events);
  const mine = records.find((record) => record.target.includes(id));
  assert.ok(mine, `an audit record names the container: ${JSON.stringify(records)}`);
  assert.equal(mine.environment, "local");
  assert.equal(mine.actor, "admin");
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("at 390 px every link and the theme toggle are on screen, the engine line is one line, and logs start near the top", async () => {
  const name = runScript("narrow-logs", "i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.2; done");
  const width = 390;
  const height = 844;
  const { page, errors } = await openPage(fx.browser, containerUrl(name, "logs"), { width, height });
  const logview = page.getByTestId("logview");
  await logview.locator(".log-row").first().waitFor({ timeout: 15_000 });
  const onScreen = async (locator, what) => {
    const box = await locator.boundingBox();
    assert.ok(box, `${what} is drawn`);
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height,
      `${what} is on screen: ${JSON.stringify(box)}`);
  };
  for (const label of ["Containers", "Stats", "Images", "Networks", "Volumes", "System", "Events", "Users", "Audit log", "Registries", "Guardrails"]) {
    await onScreen(page.locator("aside.sidebar").getByRole("link", { name: label, exact: true }), label);
  }
  await onScreen(page.locator(".theme-toggle"), "the theme toggle");
  const engine = page.getByTestId("engine-indicator");
  await engine.locator(".engine-env").waitFor();
  const lineHeight = await engine.evaluate((element) => element.querySelector(".engine-env").getBoundingClientRect().height);
  const engineBox = await engine.boundingBox();
  assert.ok(engineBox.height <= lineHeight + 4, `the engine line is one line: ${engineBox.height} px for ${lineHeight} px lines`);
  const logsTop = (await logview.boundingBox()).y;
  assert.ok(logsTop < height * LOGS_TOP_SHARE, `the logs start near the top: at ${logsTop} px of ${height}`);
  // A few lines stand at the top of the box, where they are seen, not at its bottom below the fold.
  await onScreen(logview.locator(".log-row").first(), "the first log line");
  await page.screenshot({ path: join(artifacts, "everyday-logs-narrow.png") });
  // A wide table scrolls in its box; nothing of it widens the page. A short page keeps the
  // icon bar as tall as the long logs page has it.
  const barHeight = (await page.locator("aside.sidebar").boundingBox()).height;
  for (const list of ["images", "networks"]) {
    await page.goto(`${fx.berth.base}/env/local/${list}`);
    await page.getByTestId(`${list}-table`).waitFor({ timeout: 15_000 });
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(pageWidth <= width, `the ${list} page is ${pageWidth} px wide at ${width} px`);
    const bar = (await page.locator("aside.sidebar").boundingBox()).height;
    assert.ok(Math.abs(bar - barHeight) <= 1, `the ${list} page's icon bar is ${bar} px tall, the logs page's ${barHeight} px`);
  }
  assert.deepEqual(errors, []);
  await page.context().close();
});
