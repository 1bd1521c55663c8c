// The System dashboard against the real engine: counts and disk usage match what the engine
// reports, pruning reports the reclaimed space, and an unreachable engine is a clear state
// that recovers on its own.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createConnection, createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  artifacts, docker, dockerHost, openPage, runContainer, startBerth, uniqueName,
} from "./support.mjs";
import { engineGet } from "./engine-api.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture({ users: ["admin", "viewer"] });
const { created: containers } = fx;

/** Waits until the disk table has loaded and returns its rows by category. */
async function diskRows(page) {
  await page.getByTestId("disk-table").waitFor({ timeout: 20_000 });
  return page.getByTestId("disk-table").locator("tbody tr").evaluateAll((rows) =>
    Object.fromEntries(rows.map((row) => [row.dataset.category, {
      count: Number(row.dataset.count),
      active: Number(row.dataset.active),
      size: Number(row.dataset.size),
      reclaimable: Number(row.dataset.reclaimable),
    }])),
  );
}

test("counts and disk usage match what the engine reports", async () => {
  containers.push(runContainer(uniqueName("sys-run")));
  const stopped = uniqueName("sys-stopped");
  docker("run", "--name", stopped, "busybox:latest", "true");
  containers.push(stopped);
  const info = await engineGet("/info");
  const df = await engineGet("/system/df");
  const networks = await engineGet("/networks");

  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/system`);
  const rows = await diskRows(page);
  const counts = page.getByTestId("object-counts");
  const count = async (key) => Number(await counts.locator(`[data-count="${key}"]`).textContent());
  assert.equal(await count("containers"), info.Containers);
  assert.equal(await count("running"), info.ContainersRunning);
  assert.equal(await count("stopped"), info.ContainersStopped);
  assert.equal(await count("images"), info.Images);
  assert.equal(await count("volumes"), df.Volumes.length);
  assert.equal(await count("networks"), networks.length);

  assert.equal(rows.images.count, df.Images.length);
  assert.equal(rows.images.size, df.LayersSize);
  assert.equal(rows.containers.count, df.Containers.length);
  assert.equal(rows.containers.active, df.Containers.filter((c) => c.State === "running").length);
  assert.equal(rows.containers.size, df.Containers.reduce((sum, c) => sum + (c.SizeRw ?? 0), 0));
  assert.equal(
    rows.containers.reclaimable,
    df.Containers.filter((c) => c.State !== "running").reduce((sum, c) => sum + (c.SizeRw ?? 0), 0),
  );
  assert.equal(rows.volumes.count, df.Volumes.length);
  assert.equal(rows.volumes.size, df.Volumes.reduce((sum, v) => sum + Math.max(v.UsageData.Size, 0), 0));
  assert.equal(rows["build-cache"].count, (df.BuildCache ?? []).length);

  // The chart draws one segment per category that takes space, in proportion.
  const chart = page.getByTestId("disk-chart");
  const total = Object.values(rows).reduce((sum, row) => sum + row.size, 0);
  assert.equal(Number(await chart.getAttribute("data-total")), total);
  const segments = await chart.locator("svg g[data-category]").evaluateAll((groups) =>
    groups.map((g) => [g.dataset.category, Number(g.querySelector("rect").getAttribute("width"))]),
  );
  const expected = Object.entries(rows).filter(([, row]) => row.size > 0);
  assert.deepEqual(segments.map(([key]) => key), expected.map(([key]) => key));
  for (const [key, width] of segments) {
    assert.ok(Math.abs(width - (rows[key].size / total) * 100) < 1e-6, `${key} is drawn to scale`);
  }
  await page.screenshot({ path: `${artifacts}/system.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("prunes stopped containers after confirming, and reports the space reclaimed", async () => {
  const stopped = uniqueName("sys-prune");
  docker("run", "--name", stopped, "busybox:latest", "dd", "if=/dev/zero", "of=/blob", "bs=1024", "count=256");
  containers.push(stopped);
  const running = runContainer(uniqueName("sys-keep"));
  containers.push(running);
  const df = await engineGet("/system/df");
  const expected = df.Containers.filter((c) => c.State !== "running").reduce((sum, c) => sum + (c.SizeRw ?? 0), 0);
  assert.ok(expected >= 256 * 1024);

  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/system`);
  const rows = await diskRows(page);
  assert.equal(rows.containers.reclaimable, expected);
  await page.getByRole("button", { name: "Prune containers" }).click();
  const dialog = page.getByRole("dialog");
  assert.equal(await dialog.getByRole("heading").textContent(), "Prune containers?");
  assert.match(await dialog.textContent(), /every stopped container, with its filesystem changes and logs/);
  await dialog.getByRole("button", { name: "Prune" }).click();
  const result = page.getByTestId("prune-result");
  await result.waitFor({ timeout: 20_000 });
  assert.equal(await result.getAttribute("data-category"), "containers");
  assert.equal(Number(await result.getAttribute("data-reclaimed")), expected);
  assert.match(await result.textContent(), /Containers: Removed \d+ containers? and reclaimed/);
  assert.throws(() => docker("inspect", stopped), "the stopped container is gone");
  assert.equal(docker("inspect", "-f", "{{.State.Status}}", running), "running");
  // The dashboard reloads and no longer counts the pruned container.
  await page.waitForFunction(() => document.querySelector('tr[data-category="containers"]')?.dataset.reclaimable === "0");
  await page.context().close();
});

test("an unreachable engine is a clear state, and the page recovers on its own", async () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-e2e-relay-"));
  const socket = join(dir, "engine.sock");
  const target = dockerHost().slice("unix://".length);
  const lonely = await startBerth({ engine: `unix://${socket}` });
  let relay;
  try {
    const { page, errors } = await openPage(fx.browser, `${lonely.base}/env/local/system`);
    const state = page.getByTestId("error-state");
    await state.waitFor({ timeout: 20_000 });
    assert.match(await state.textContent(), /Engine unreachable/);
    await page.getByTestId("engine-indicator").getByText("Engine unreachable").waitFor();
    await page.screenshot({ path: `${artifacts}/system-unreachable.png` });

    // Bring the engine "back": a relay on the socket Berth was told to use.
    relay = createServer((client) => {
      const upstream = createConnection(target);
      client.pipe(upstream).pipe(client);
      const close = () => { client.destroy(); upstream.destroy(); };
      client.on("error", close);
      upstream.on("error", close);
    });
    await new Promise((resolve) => relay.listen(socket, resolve));
    await page.getByTestId("disk-table").waitFor({ timeout: 30_000 });
    await page.getByTestId("engine-indicator").getByText(/API \d/).waitFor();
    assert.equal(await state.count(), 0);
    assert.deepEqual(errors.filter((e) => !/502|Bad Gateway/.test(e)), []);
    await page.context().close();
  } finally {
    relay?.close();
    await lonely.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("viewers see networks, volumes and the dashboard but no way to change them", async () => {
  const name = uniqueName("viewed");
  docker("network", "create", name);
  docker("volume", "create", name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/system`, { user: "viewer" });
  await diskRows(page);
  assert.equal(await page.getByRole("button", { name: /^Prune/ }).count(), 0);
  await page.goto(`${fx.berth.base}/env/local/networks`);
  await page.locator(`tr[data-network="${name}"]`).waitFor();
  assert.equal(await page.getByRole("button", { name: /Create network|Prune|^Remove/ }).count(), 0);
  await page.goto(`${fx.berth.base}/env/local/volumes`);
  await page.locator(`tr[data-volume="${name}"]`).waitFor();
  assert.equal(await page.getByRole("button", { name: /Create volume|Prune|^Remove/ }).count(), 0);
  assert.deepEqual(errors, []);
  await page.context().close();
  docker("network", "rm", name);
  docker("volume", "rm", name);
});
