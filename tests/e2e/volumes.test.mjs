// Volumes against the real engine: create with options and labels, usage from /system/df,
// the unused filter, the detail page, remove and prune with the reclaimed space.

import { test } from "node:test";
import assert from "node:assert/strict";
import { artifacts, docker, openPage, uniqueName } from "./support.mjs";
import { engineGet } from "./engine-api.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture();
const { created: containers, volumes } = fx;

function volumeExists(name) {
  try {
    docker("volume", "inspect", name);
    return true;
  } catch {
    return false;
  }
}

/** A volume holding `kilobytes` of data, written by a container that is then left or removed. */
function filledVolume(prefix, kilobytes, { keepContainer = false } = {}) {
  const name = uniqueName(prefix);
  volumes.push(name);
  const writer = uniqueName(`${prefix}-writer`);
  docker("run", "--name", writer, "-v", `${name}:/data`, "busybox:latest",
    "dd", "if=/dev/zero", "of=/data/blob", "bs=1024", `count=${kilobytes}`);
  if (keepContainer) containers.push(writer);
  else docker("rm", writer);
  return { name, writer };
}

async function volumeUsage(name) {
  const df = await engineGet("/system/df");
  return df.Volumes.find((volume) => volume.Name === name).UsageData;
}

function row(page, name) {
  return page.locator(`tr[data-volume="${name}"]`);
}

test("creates a volume with driver options and labels", async () => {
  const name = uniqueName("vol");
  volumes.push(name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/volumes`);
  await page.getByRole("button", { name: "Create volume" }).click();
  const form = page.getByTestId("volume-create-form");
  await form.getByRole("textbox", { name: /^Name/ }).fill(name);
  await form.getByRole("textbox", { name: /^Driver options/ }).fill("type=tmpfs\ndevice=tmpfs\no=size=16m");
  await form.getByRole("textbox", { name: /^Labels/ }).fill("team=infra");
  await form.getByRole("button", { name: "Create volume" }).click();
  await row(page, name).waitFor({ timeout: 15_000 });
  const inspected = JSON.parse(docker("volume", "inspect", name))[0];
  assert.deepEqual(inspected.Options, { type: "tmpfs", device: "tmpfs", o: "size=16m" });
  assert.deepEqual(inspected.Labels, { team: "infra" });

  await form.waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Create volume" }).click();
  await form.getByRole("textbox", { name: /^Labels/ }).fill("no equals sign");
  await form.getByRole("button", { name: "Create volume" }).click();
  await form.getByText("line 1 needs the form key=value").waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("shows each volume's size and users as /system/df reports them, and filters unused ones", async () => {
  const used = filledVolume("used", 300, { keepContainer: true });
  const unused = filledVolume("unused", 120);
  const usedUsage = await volumeUsage(used.name);
  const unusedUsage = await volumeUsage(unused.name);
  assert.equal(usedUsage.RefCount, 1);
  assert.equal(unusedUsage.RefCount, 0);

  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/volumes`);
  await row(page, used.name).waitFor();
  await page.waitForFunction(
    (name) => !document.querySelector(`tr[data-volume="${name}"] [data-testid="volume-size"] .skeleton-bar`),
    used.name,
  );
  const size = (bytes) => {
    // The UI prints SI units like the docker CLI.
    const kb = bytes / 1000;
    return kb >= 100 ? `${Math.round(kb)} kB` : `${kb.toFixed(1)} kB`;
  };
  assert.equal((await row(page, used.name).getByTestId("volume-size").textContent()).trim(), size(usedUsage.Size));
  assert.equal((await row(page, used.name).getByTestId("volume-users").textContent()).trim(), "1 container");
  assert.equal((await row(page, unused.name).getByTestId("volume-size").textContent()).trim(), size(unusedUsage.Size));
  assert.equal((await row(page, unused.name).getByTestId("volume-users").textContent()).trim(), "unused");
  await page.screenshot({ path: `${artifacts}/volumes.png` });

  await page.getByRole("button", { name: "Unused", exact: true }).click();
  await row(page, used.name).waitFor({ state: "detached" });
  await row(page, unused.name).waitFor();

  await page.getByRole("button", { name: "All", exact: true }).click();
  await row(page, used.name).getByRole("link", { name: used.name, exact: true }).click();
  await page.waitForURL(new RegExp(`/env/local/volumes/${used.name}$`));
  await page.getByTestId("volume-users-table").locator(`tr[data-container="${used.writer}"]`).waitFor();
  assert.match(await page.getByTestId("volume-usage").textContent(), new RegExp(`${size(usedUsage.Size)} · used by 1 container`));
  await page.context().close();
});

test("removes a volume after naming how much data is lost", async () => {
  const { name } = filledVolume("remove", 200);
  const usage = await volumeUsage(name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/volumes`);
  await row(page, name).waitFor();
  await page.waitForFunction(
    (volume) => !document.querySelector(`tr[data-volume="${volume}"] [data-testid="volume-size"] .skeleton-bar`),
    name,
  );
  await page.getByRole("button", { name: `Remove ${name}` }).click();
  const dialog = page.getByRole("dialog");
  assert.equal(await dialog.getByRole("heading").textContent(), `Remove volume ${name}?`);
  assert.match(await dialog.textContent(), new RegExp(`All ${Math.round(usage.Size / 1000)} kB of data in it is deleted`));
  await dialog.getByRole("button", { name: "Cancel" }).click();
  assert.ok(volumeExists(name), "cancelling keeps the volume");
  await page.getByRole("button", { name: `Remove ${name}` }).click();
  await dialog.getByRole("button", { name: "Remove" }).click();
  await row(page, name).waitFor({ state: "detached", timeout: 15_000 });
  assert.ok(!volumeExists(name));
  await page.context().close();
});

test("shows the engine's refusal to remove a volume in use", async () => {
  const { name } = filledVolume("busy", 10, { keepContainer: true });
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/volumes/${name}`);
  await page.getByRole("button", { name: "Remove" }).click();
  const dialog = page.getByRole("dialog");
  assert.match(await dialog.textContent(), /1 container still uses it/);
  await dialog.getByRole("button", { name: "Remove" }).click();
  await page.getByText(new RegExp(`Could not remove volume ${name}: .*in use`)).waitFor();
  assert.ok(volumeExists(name));
  await page.context().close();
});

test("prunes unused volumes and reports the space reclaimed", async () => {
  const keep = filledVolume("keep", 50, { keepContainer: true });
  const doomed = filledVolume("doomed", 400);
  const df = await engineGet("/system/df");
  const expected = df.Volumes.filter((v) => v.UsageData.RefCount === 0).reduce((sum, v) => sum + v.UsageData.Size, 0);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/volumes`);
  await row(page, doomed.name).waitFor();
  await page.getByRole("button", { name: "Prune", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByText(doomed.name).waitFor();
  assert.doesNotMatch(await dialog.textContent(), new RegExp(keep.name));
  await dialog.getByRole("button", { name: "Prune volumes" }).click();
  const result = page.getByTestId("prune-result");
  await result.waitFor({ timeout: 20_000 });
  assert.equal(Number(await result.getAttribute("data-reclaimed")), expected);
  assert.match(await result.textContent(), /Removed \d+ volumes? and reclaimed/);
  await row(page, doomed.name).waitFor({ state: "detached" });
  assert.ok(!volumeExists(doomed.name));
  assert.ok(volumeExists(keep.name), "volumes in use survive a prune");
  await page.context().close();
});
