// Browser terminals against the real engine: typing and reading output, resizing, exit codes,
// an image without a shell, and who sees the terminal at all.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { artifacts, docker, dockerHost, openPage, runContainer, uniqueName } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture({ users: ["admin", "operator", "viewer"] });
const { created, images } = fx;

/** The text the terminal shows, row by row. */
function screenText(page) {
  return page.evaluate(() => document.querySelector('[data-testid="terminal"] .xterm-rows')?.innerText ?? "");
}

async function waitForScreen(page, pattern) {
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.querySelector('[data-testid="terminal"] .xterm-rows')?.innerText ?? ""),
    pattern.source,
    { timeout: 20_000 },
  );
}

async function openShell(page, name) {
  await page.goto(`${fx.berth.base}/env/local/containers/${name}/terminal`);
  await page.getByTestId("terminal-connect").click();
  await page.getByTestId("terminal-status").filter({ hasText: "Running" }).waitFor({ timeout: 20_000 });
  await page.locator('[data-testid="terminal"] .xterm').click();
}

/** Runs `stty size` and returns [rows, cols]. */
async function sttySize(page, marker) {
  await page.keyboard.type(`echo ${marker}-$(stty size | tr ' ' x)-end\n`);
  await waitForScreen(page, new RegExp(`${marker}-\\d+x\\d+-end`));
  const match = (await screenText(page)).match(new RegExp(`${marker}-(\\d+)x(\\d+)-end`));
  return [Number(match[1]), Number(match[2])];
}

test("an operator opens a shell from the containers list, types a command and reads its output", async () => {
  const name = runContainer(uniqueName("term"));
  created.push(name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`, { user: "operator" });
  const link = page.locator(`tr[data-container="${name}"]`).getByTestId("row-terminal");
  await link.click();
  await page.waitForURL(/\/containers\/[0-9a-f]+\/terminal$/);
  // xterm.js is loaded only now, when the first terminal opens.
  const xtermLoads = () => page.evaluate(() =>
    performance.getEntriesByType("resource").filter((entry) => new URL(entry.name).pathname === "/xterm/xterm.mjs").length);
  assert.equal(await xtermLoads(), 0);
  await page.getByTestId("terminal-connect").click();
  await page.getByTestId("terminal-status").filter({ hasText: "Running /bin/sh" }).waitFor({ timeout: 20_000 });
  assert.equal(await xtermLoads(), 1);
  await page.locator('[data-testid="terminal"] .xterm').click();
  await page.keyboard.type("echo \"sum=$((20+22)) ünïcödé €\"\n");
  await waitForScreen(page, /sum=42 ünïcödé €/);
  await page.screenshot({ path: join(artifacts, "terminal-light.png") });
  await page.keyboard.type("exit 5\n");
  await page.getByTestId("terminal-status").filter({ hasText: "Exited with code 5" }).waitFor();
  await waitForScreen(page, /exited with code 5/);
  // Reconnecting starts a new session in the same tab.
  await page.getByTestId("terminal-reconnect").click();
  await page.getByTestId("terminal-status").filter({ hasText: "Running" }).waitFor({ timeout: 20_000 });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("resizing the window resizes the terminal inside the container", async () => {
  const name = runContainer(uniqueName("term-size"));
  created.push(name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/`, { colorScheme: "dark" });
  await openShell(page, name);
  const [rows, cols] = await sttySize(page, "before");
  assert.ok(rows > 5 && cols > 40, `${rows}x${cols}`);
  await page.setViewportSize({ width: 900, height: 600 });
  // The new size reaches the engine after the browser lays out the page again.
  let smallRows = rows;
  let smallCols = cols;
  for (let attempt = 0; attempt < 20 && smallCols >= cols; attempt += 1) {
    [smallRows, smallCols] = await sttySize(page, `after${attempt}`);
  }
  assert.ok(smallCols < cols && smallRows < rows, `${rows}x${cols} became ${smallRows}x${smallCols}`);
  // A second terminal in its own tab.
  await page.getByTestId("terminal-new").click();
  await page.locator("dialog[open]").getByTestId("terminal-connect").click();
  assert.equal(await page.getByTestId("terminal-workspace").getByRole("tab").count(), 2);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: join(artifacts, "terminal-dark.png") });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("an image without a shell says so instead of closing silently", async () => {
  const image = uniqueName("noshell");
  const root = mkdtempSync(join(tmpdir(), "berth-noshell-"));
  copyFileSync("/usr/bin/busybox", join(root, "busybox"));
  const tar = execFileSync("tar", ["-C", root, "-cf", "-", "busybox"], { maxBuffer: 64 * 1024 * 1024 });
  execFileSync("docker", ["import", "-", image], { input: tar, env: { ...process.env, DOCKER_HOST: dockerHost() } });
  rmSync(root, { recursive: true, force: true });
  images.push(image);
  const name = uniqueName("noshell");
  docker("run", "-d", "--name", name, image, "/busybox", "sleep", "3600");
  created.push(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers/${name}/terminal`);
  await page.getByTestId("terminal-connect").click();
  const message = page.getByTestId("terminal-message");
  await message.waitFor({ timeout: 20_000 });
  assert.match(await message.textContent(), /has no shell/);
  assert.equal(await page.getByTestId("terminal-status").textContent(), "Command not found");
  await page.screenshot({ path: join(artifacts, "terminal-no-shell.png") });
  await page.context().close();
});

test("a viewer sees no terminal", async () => {
  const name = runContainer(uniqueName("term-viewer"));
  created.push(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`, { user: "viewer" });
  await page.locator(`tr[data-container="${name}"]`).waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId("row-terminal").count(), 0);
  await page.goto(`${fx.berth.base}/env/local/containers/${name}/terminal`);
  await page.getByText("Terminals need the operator role").waitFor();
  assert.equal(await page.getByTestId("terminal-workspace").count(), 0);
  await page.context().close();
});
