// Managed plugins in the browser, with the real test plugin (tests/plugin, built into
// target/test-plugin by scripts/test-plugin.sh, which scripts/e2e.sh runs) pushed to the local
// registry: an admin installs it accepting its privileges, sets its env, enables it, serves a
// volume from it to a container, disables it (force needed while in use), upgrades it to a
// second tag, pushes and removes it; another is created from an uploaded tar; operators and viewers see none of it; a missing reference,
// privileges changed after the review and a binary that exits at once each get a clear message
// and leave nothing installed. Review screenshots of the list, the page and the wizard go to
// artifacts/.

import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { artifacts, docker, openPage, removeContainers, startRegistries, uniqueName } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const pluginDir = process.env.BERTH_TEST_PLUGIN_DIR
  ?? join(dirname(fileURLToPath(import.meta.url)), "..", "..", "target", "test-plugin");
const fx = berthFixture({ users: ["admin", "operator", "viewer"] });
const plugins = [];
let repository;

/** Removes a plugin, ignoring one already gone. */
function removePlugin(name) {
  try {
    docker("plugin", "rm", "-f", name);
  } catch {
    // Already gone.
  }
}

/**
 * Makes `reference` from the folder `version` (v1 or v2) and pushes it, leaving nothing installed.
 * Its config and root file system are made unique to `reference`: the engine refuses to create a
 * plugin whose blobs its content store already holds.
 */
function publish(reference, version) {
  withPluginFolder(reference, version, (dir) => {
    docker("plugin", "create", reference, dir);
    try {
      docker("plugin", "push", reference);
    } finally {
      removePlugin(reference);
    }
  });
}

/** Runs `use` with a copy of the plugin folder `version` made unique to `reference`. */
function withPluginFolder(reference, version, use) {
  const copy = mkdtempSync(join(tmpdir(), "berth-plugin-"));
  const dir = join(copy, version);
  try {
    cpSync(join(pluginDir, version), dir, { recursive: true });
    writeFileSync(join(dir, "rootfs", "berth-test-id"), reference);
    const config = readFileSync(join(dir, "config.json"), "utf8")
      .replace('"description": "', `"description": "${reference}: `);
    writeFileSync(join(dir, "config.json"), config);
    return use(dir);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function installed(name) {
  try {
    return JSON.parse(docker("plugin", "inspect", name))[0];
  } catch {
    return null;
  }
}

before(() => {
  repository = `${startRegistries().open}/${uniqueName("plugin")}`;
  publish(`${repository}/driver:v1`, "v1");
  publish(`${repository}/driver:v2`, "v2");
});

test.after(() => {
  for (const name of plugins) removePlugin(name);
});

/** Opens the install wizard on the list and reads the privileges of `reference`. */
async function review(page, reference) {
  await page.getByTestId("install-plugin").click();
  const wizard = page.getByTestId("install-wizard");
  await wizard.getByRole("textbox", { name: /^Reference/ }).fill(reference);
  await wizard.getByRole("button", { name: "Review privileges" }).click();
  return wizard;
}

async function acceptAll(dialog) {
  const boxes = dialog.getByRole("checkbox", { name: /^Accept:/ });
  await boxes.first().waitFor();
  for (const box of await boxes.all()) await box.check();
}

async function shoot(page, name) {
  for (const width of [1280, 390]) {
    for (const scheme of ["light", "dark"]) {
      await page.setViewportSize({ width, height: 800 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate((theme) => document.documentElement.setAttribute("data-theme", theme), scheme);
      await page.screenshot({ path: join(artifacts, `plugins-${name}-${scheme}-${width}.png`), fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => document.documentElement.setAttribute("data-theme", "light"));
}

test("an admin installs, configures, uses, upgrades, pushes and removes a plugin", async () => {
  const name = `${repository}/driver:v1`;
  plugins.push(name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/plugins`);
  await page.getByRole("link", { name: "Plugins" }).waitFor();
  const wizard = await review(page, name);
  const privilege = wizard.getByTestId("plugin-privilege");
  await privilege.waitFor();
  assert.equal(await privilege.count(), 1);
  assert.match(await privilege.textContent(), /host network/);
  const install = wizard.getByRole("button", { name: "Install" });
  assert.equal(await install.isDisabled(), true, "nothing installs before the privileges are accepted");
  await shoot(page, "wizard");
  await acceptAll(wizard);
  await install.click();
  const greeting = wizard.locator('input[name="GREETING"]');
  await greeting.waitFor({ timeout: 60_000 });
  assert.equal(installed(name).Enabled, false, "installed disabled, to be set up first");
  await greeting.fill("bonjour");
  await wizard.getByRole("button", { name: "Save and enable" }).click();
  await wizard.waitFor({ state: "hidden", timeout: 30_000 });
  const row = page.locator(`tr[data-plugin="${name}"]`);
  await row.getByText("enabled", { exact: true }).waitFor();
  assert.deepEqual(installed(name).Settings.Env, ["GREETING=bonjour", "EXIT_AT_ONCE="]);
  assert.match(await row.textContent(), /volume/);
  await shoot(page, "list");

  // Its driver is offered when creating a volume; a container mounts that volume.
  const volume = uniqueName("plugin-vol");
  fx.volumes.push(volume);
  await page.goto(`${fx.berth.base}/env/local/volumes`);
  await page.getByRole("button", { name: "Create volume" }).click();
  const form = page.getByTestId("volume-create-form");
  await page.locator(`datalist#volume-drivers option[value="${name}"]`).waitFor({ state: "attached" });
  await form.getByRole("textbox", { name: /^Name/ }).fill(volume);
  // The driver field offers suggestions, so it is a combobox.
  await form.getByRole("combobox", { name: /^Driver/ }).fill(name);
  await form.getByRole("button", { name: "Create volume" }).click();
  await page.locator(`tr[data-volume="${volume}"]`).waitFor({ timeout: 15_000 });
  assert.equal(JSON.parse(docker("volume", "inspect", volume))[0].Status.greeting, "bonjour");
  const container = uniqueName("plugin-user");
  fx.created.push(container);
  docker("run", "-d", "--name", container, "-v", `${volume}:/data`, "busybox:latest", "sleep", "600");

  // Disabling names what uses it; without force the engine refuses.
  await page.goto(`${fx.berth.base}/env/local/plugins/${encodeURIComponent(name)}`);
  await page.getByTestId("plugin-users").getByText(`volume ${volume}`).waitFor();
  await shoot(page, "detail");
  await page.getByRole("button", { name: "Disable" }).click();
  const dialog = page.getByRole("dialog", { name: /Disable plugin/ });
  await dialog.getByTestId("plugin-users-warning").waitFor();
  assert.match(await dialog.textContent(), new RegExp(`volume ${volume}`));
  await dialog.getByRole("button", { name: "Disable" }).click();
  await dialog.getByText(/in use.*force it/).waitFor({ timeout: 15_000 });
  assert.equal(installed(name).Enabled, true);
  await dialog.getByRole("checkbox", { name: /^Force/ }).check();
  await dialog.getByRole("button", { name: "Disable" }).click();
  await page.getByTestId("plugin-state-line").getByText(/^disabled/).waitFor({ timeout: 15_000 });
  assert.equal(installed(name).Enabled, false);

  // Upgrade to the second tag: its new privilege shows against the installed ones.
  await page.getByRole("button", { name: "Upgrade" }).click();
  const upgrade = page.getByTestId("upgrade-dialog");
  await upgrade.locator('input[name="upgrade-reference"]').fill(`${repository}/driver:v2`);
  await upgrade.getByRole("button", { name: "Review privileges" }).click();
  await upgrade.locator('[data-privilege="capabilities"]').getByText("new").waitFor();
  assert.match(await upgrade.locator('[data-privilege="network"]').textContent(), /unchanged/);
  await acceptAll(upgrade);
  await upgrade.getByRole("button", { name: "Upgrade" }).click();
  await upgrade.getByTestId("upgrade-note").waitFor({ timeout: 60_000 });
  await upgrade.getByRole("button", { name: "Close" }).click();
  assert.equal(installed(name).PluginReference, `${repository}/driver:v2`);
  await page.getByRole("button", { name: "Enable" }).click();
  await page.getByTestId("plugin-state-line").getByText(/^enabled/).waitFor({ timeout: 30_000 });

  // Upgraded while enabled (and in use): disabled for it, forced, and enabled again after.
  await page.getByRole("button", { name: "Upgrade" }).click();
  await upgrade.locator('input[name="upgrade-reference"]').fill(`${repository}/driver:v1`);
  await upgrade.getByRole("button", { name: "Review privileges" }).click();
  await acceptAll(upgrade);
  await upgrade.getByRole("checkbox", { name: /^Force the disable/ }).check();
  await upgrade.getByRole("button", { name: "Upgrade" }).click();
  await upgrade.getByTestId("upgrade-note").getByText(/Upgraded and enabled/).waitFor({ timeout: 60_000 });
  await upgrade.getByRole("button", { name: "Close" }).click();
  assert.equal(installed(name).PluginReference, `${repository}/driver:v1`);
  assert.equal(installed(name).Enabled, true);
  await page.getByTestId("plugin-state-line").getByText(/^enabled/).waitFor({ timeout: 15_000 });

  // Push it to the registry its name is on.
  await page.getByRole("button", { name: "Push" }).click();
  const push = page.getByTestId("push-plugin-dialog");
  await push.getByRole("button", { name: "Push" }).click();
  await push.getByTestId("job-done").waitFor({ timeout: 60_000 });
  await push.getByRole("button", { name: "Close" }).click();

  // Remove: refused while its volume exists, then gone.
  removeContainers(container);
  docker("volume", "rm", volume);
  await page.getByRole("button", { name: "Remove" }).click();
  const removal = page.getByRole("dialog", { name: /Remove plugin/ });
  await removal.getByRole("checkbox", { name: /^Force/ }).check();
  await removal.getByRole("button", { name: "Remove" }).click();
  await page.waitForURL(/\/env\/local\/plugins$/);
  assert.equal(installed(name), null);
  // The one refusal the test asked for: the disable without force (409).
  assert.deepEqual(errors.filter((error) => !/status of 409/.test(error)), []);
  await page.context().close();
});

test("an admin creates a plugin from an uploaded tar of rootfs/ and config.json, and it arrives disabled", async () => {
  const name = `${uniqueName("created")}:v1`;
  plugins.push(name);
  const archive = join(mkdtempSync(join(tmpdir(), "berth-plugin-tar-")), "driver.tar");
  withPluginFolder(name, "v1", (dir) => execFileSync("tar", ["-C", dir, "-cf", archive, "rootfs", "config.json"]));
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/plugins`);
  await page.getByRole("button", { name: "Create from tar" }).click();
  const dialog = page.getByTestId("create-plugin-dialog");
  await dialog.getByRole("textbox", { name: "Name" }).fill(name);
  await dialog.locator('input[name="archive"]').setInputFiles(archive);
  await dialog.getByText(/driver\.tar · /).waitFor();
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.getByText(`Created plugin ${name}`).waitFor({ timeout: 60_000 });
  await dialog.waitFor({ state: "hidden" });
  const made = installed(name);
  assert.equal(made?.Enabled, false, "created disabled");
  assert.match(made.Config.Description, new RegExp(`^${name}: `), "from the uploaded config.json");
  await page.locator(`tr[data-plugin="${name}"]`).getByText("disabled", { exact: true }).waitFor();
  rmSync(dirname(archive), { recursive: true, force: true });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("operators and viewers see no plugin actions", async () => {
  const name = `${repository}/seen:v1`;
  plugins.push(name);
  docker("plugin", "install", "--grant-all-permissions", "--disable", "--alias", name, `${repository}/driver:v1`);
  for (const user of ["operator", "viewer"]) {
    const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`, { user });
    await page.getByRole("link", { name: "Volumes" }).waitFor();
    assert.equal(await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Plugins" }).count(), 0, user);
    await page.goto(`${fx.berth.base}/env/local/plugins`);
    const row = page.locator(`tr[data-plugin="${name}"]`);
    await row.waitFor();
    // Installed under an alias: the reference it came from shows under the name.
    assert.equal(await row.getByTestId("plugin-reference").textContent(), `from ${repository}/driver:v1`);
    assert.equal(await page.getByTestId("install-plugin").count(), 0, user);
    assert.equal(await page.getByRole("button", { name: /^Remove/ }).count(), 0, user);
    await page.goto(`${fx.berth.base}/env/local/plugins/${encodeURIComponent(name)}`);
    await page.getByTestId("plugin-settable").waitFor();
    for (const action of ["Enable", "Disable", "Configure", "Upgrade", "Push", "Remove"]) {
      assert.equal(await page.getByRole("button", { name: action, exact: true }).count(), 0, `${user}: ${action}`);
    }
    await page.context().close();
  }
});

test("a missing reference, changed privileges and a binary that exits are each refused clearly", async () => {
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/plugins`);
  // A reference that does not exist.
  let wizard = await review(page, `${repository}/missing:v1`);
  await wizard.getByText(/The engine could not read/).waitFor({ timeout: 30_000 });
  await wizard.getByRole("button", { name: "Cancel" }).click();

  // The tag changes in the registry between the review and the install.
  const moving = `${repository}/moving:v1`;
  plugins.push(moving);
  publish(moving, "v1");
  wizard = await review(page, moving);
  await acceptAll(wizard);
  publish(moving, "v2");
  await wizard.getByRole("button", { name: "Install" }).click();
  await wizard.getByTestId("install-failed").getByText(/review its privileges again/).waitFor({ timeout: 60_000 });
  assert.equal(installed(moving), null, "nothing half-installed");
  await wizard.getByRole("button", { name: "Close" }).click();

  // The binary exits at once: the enable fails with the engine's reason, and removing is offered.
  const failing = `${repository}/failing:v1`;
  plugins.push(failing);
  wizard = await review(page, `${repository}/driver:v1`);
  await acceptAll(wizard);
  await wizard.getByRole("textbox", { name: /^Alias/ }).fill(failing);
  await wizard.getByRole("button", { name: "Install" }).click();
  await wizard.locator('input[name="EXIT_AT_ONCE"]').fill("1", { timeout: 60_000 });
  await wizard.getByRole("button", { name: "Save and enable" }).click();
  const failed = wizard.getByTestId("enable-failed");
  await failed.waitFor({ timeout: 60_000 });
  assert.match(await failed.textContent(), /did not start/);
  assert.equal(installed(failing).Enabled, false);
  await wizard.getByRole("button", { name: "Remove plugin" }).click();
  await wizard.waitFor({ state: "hidden", timeout: 15_000 });
  assert.equal(installed(failing), null);
  assert.deepEqual(errors.filter((error) => !/status of \d+/.test(error)), []);
  await page.context().close();
});
