// The container detail page against the real engine: overview and inspect, streamed and
// virtualised logs, live stats, processes and changes, files (upload and download), volume
// browsing through a helper container, and what each role sees.

import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { artifacts, docker, openPage, uniqueName } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture({ users: ["admin", "operator", "viewer"] });
const { created, volumes } = fx;

const { runScript } = fx;

function detailUrl(name, tab = "") {
  return `${fx.berth.base}/env/local/containers/${name}${tab ? `/${tab}` : ""}`;
}

const LOOP = "trap 'exit 0' TERM; while true; do sleep 1; done";

test("the overview shows state, command and configuration, with secret values masked", async () => {
  const name = runScript("overview", LOOP, "-e", "DB_PASSWORD=hunter2", "-e", "MODE=prod",
    "--label", "team=web", "--memory", "64m");
  const { page, errors } = await openPage(fx.browser, detailUrl(name));
  await page.getByTestId("overview").waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId("state").textContent(), "running");
  assert.match(await page.getByTestId("command").textContent(), /while true/);
  const secret = page.locator('tr[data-env="DB_PASSWORD"]');
  assert.doesNotMatch(await secret.textContent(), /hunter2/);
  assert.match(await page.locator('tr[data-env="MODE"]').textContent(), /prod/);
  await secret.getByRole("button", { name: "Reveal DB_PASSWORD" }).click();
  // The value comes from the audited reveal.
  await secret.filter({ hasText: "hunter2" }).waitFor({ timeout: 15_000 });
  assert.match(await secret.textContent(), /hunter2/);
  assert.match(await page.getByTestId("overview").textContent(), /team/);
  assert.match(await page.getByTestId("overview").textContent(), /67\.1 MB|64/);

  await page.locator('a[data-tab="Inspect"]').click();
  await page.getByTestId("inspect-json").waitFor();
  assert.match(await page.getByTestId("inspect-json").textContent(), /"HostConfig"/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("logs follow a container while it writes, with stderr told apart", async () => {
  const name = runScript("follow",
    "trap 'exit 0' TERM; i=0; while true; do echo \"tick $i\"; echo \"warn $i\" >&2; i=$((i+1)); sleep 0.2; done");
  const { page, errors } = await openPage(fx.browser, detailUrl(name, "logs"));
  const view = page.getByTestId("logview");
  await view.getByText("tick 3", { exact: true }).waitFor({ timeout: 15_000 });
  // Lines written after the page opened arrive through the stream.
  await view.getByText("tick 25", { exact: true }).waitFor({ timeout: 20_000 });
  assert.match(await page.getByTestId("logs-status").textContent(), /following/);
  const stderrRow = view.locator(".log-row.log-stderr").first();
  assert.match(await stderrRow.textContent(), /warn \d+/);
  await page.getByRole("button", { name: "stderr", exact: true }).click();
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid="logview"] .log-row')];
    return rows.length > 0 && rows.every((row) => row.classList.contains("log-stderr"));
  });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("log search highlights, counts, filters, and honours case and regex", async () => {
  const name = runScript("search",
    "printf 'alpha one\\nbeta two\\nALPHA three\\n\\033[31mred alpha\\033[0m\\n'; " + LOOP);
  const { page, errors } = await openPage(fx.browser, detailUrl(name, "logs"));
  const view = page.getByTestId("logview");
  await view.getByText("beta two").waitFor({ timeout: 15_000 });
  const count = page.getByTestId("match-count");
  await page.getByLabel("Search logs").fill("alpha");
  await page.waitForFunction(() => document.querySelector('[data-testid="match-count"]').textContent.startsWith("3 "));
  assert.equal(await view.locator(".log-hit").count(), 3);
  // ANSI colours become styles, not text.
  assert.match(await view.locator(".ansi-fg-1").first().textContent(), /red/);
  assert.doesNotMatch(await view.textContent(), /\[31m/);
  await page.getByTitle("Match case").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="match-count"]').textContent.startsWith("2 "));
  await page.getByTitle("Regular expression").click();
  await page.getByLabel("Search logs").fill("^(beta|ALPHA) t");
  await page.waitForFunction(() => document.querySelector('[data-testid="match-count"]').textContent.startsWith("2 "));
  await page.getByLabel("Only matching lines").check();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="logview"] .log-row').length === 2);
  await page.getByLabel("Search logs").fill("([");
  await page.waitForFunction(() => document.querySelector('[data-testid="match-count"]').textContent.startsWith("Invalid pattern"));
  assert.match(await count.textContent(), /Invalid pattern/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("100,000 log lines load with a bounded number of rows in the DOM", async () => {
  const name = runScript("bulk", "seq 1 100000 | sed 's/^/line /'; " + LOOP);
  docker("logs", "--tail", "1", name); // the container has started writing
  const { page, errors } = await openPage(fx.browser, detailUrl(name, "logs"));
  await page.getByLabel("Tail").selectOption("all");
  await page.waitForFunction(
    () => document.querySelector('[data-testid="logs-status"]').textContent.startsWith("100,000 lines"),
    null,
    { timeout: 60_000 },
  );
  const view = page.getByTestId("logview");
  await view.getByText("line 100000", { exact: true }).waitFor();
  const rows = await view.locator(".log-row").count();
  assert.ok(rows > 10 && rows < 200, `${rows} rows in the DOM`);
  // Scrolling to the top shows the first line, still with few rows.
  await view.evaluate((element) => { element.scrollTop = 0; });
  await view.getByText("line 1", { exact: true }).waitFor();
  assert.ok((await view.locator(".log-row").count()) < 200);
  await view.evaluate((element) => { element.scrollTop = 50_000 * 20; });
  await view.getByText("line 50001", { exact: true }).waitFor();
  await page.getByLabel("Search logs").fill("line 99999");
  await page.waitForFunction(() => document.querySelector('[data-testid="match-count"]').textContent.startsWith("1 "));
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("stats charts show live values, and the stats page lists running containers", async () => {
  const name = runScript("stats", "trap 'exit 0' TERM; while true; do echo busy > /dev/null; done");
  const { page, errors } = await openPage(fx.browser, detailUrl(name, "stats"));
  await page.getByTestId("stats-charts").waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => {
    const cpu = document.querySelector('[data-chart="CPU"] [data-testid="chart-value"]');
    return cpu && /\d+\.\d %/.test(cpu.textContent);
  }, null, { timeout: 20_000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-chart="CPU"] polyline')[0]?.getAttribute("points").split(" ").length >= 2,
    null, { timeout: 20_000 });
  assert.match(await page.getByTestId("memory-summary").textContent(), /of .* \(\d+\.\d %\)/);
  await page.screenshot({ path: join(artifacts, "container-stats.png") });

  await page.goto(`${fx.berth.base}/env/local/stats`);
  const row = page.locator(`tr[data-container="${name}"]`);
  await row.locator('[data-testid="stat-cell"]').first().waitFor({ timeout: 20_000 });
  assert.match(await row.textContent(), /%/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("processes and changes of a container", async () => {
  const name = runScript("procs", "touch /tmp/berth-made-this; " + LOOP);
  const { page, errors } = await openPage(fx.browser, detailUrl(name, "processes"));
  await page.getByTestId("processes").waitFor({ timeout: 15_000 });
  assert.match(await page.getByTestId("processes").textContent(), /sleep/);
  await page.locator('a[data-tab="Changes"]').click();
  await page.getByTestId("changes").waitFor();
  assert.match(await page.getByTestId("changes").textContent(), /\/tmp\/berth-made-this/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("files: browse, upload with progress, and download what was uploaded", async () => {
  const name = runScript("files", LOOP);
  const { page, errors } = await openPage(fx.browser, detailUrl(name, "files"));
  const table = page.getByTestId("files-table");
  await table.waitFor({ timeout: 15_000 });
  assert.ok(await table.locator('tr[data-file="etc"]').count() === 1, "/ lists etc");
  await table.locator('tr[data-file="tmp"] button.file-dir').click();
  await page.getByTestId("file-browser").getByText("Empty directory").waitFor();
  const local = join(tmpdir(), `berth-upload-${process.pid}.txt`);
  const content = `uploaded by the browser ${Date.now()}\n`;
  writeFileSync(local, content);
  await page.getByTestId("upload-input").setInputFiles(local);
  await table.locator(`tr[data-file="berth-upload-${process.pid}.txt"]`).waitFor({ timeout: 15_000 });
  assert.equal(docker("exec", name, "cat", `/tmp/berth-upload-${process.pid}.txt`) + "\n", content);
  // Headless downloads cannot be saved: read the same archive through the page's own fetch.
  const downloaded = await page.evaluate(async (url) => {
    const response = await fetch(url);
    return { status: response.status, body: await response.text() };
  }, `/engine/local/containers/${name}/archive?path=${encodeURIComponent(`/tmp/berth-upload-${process.pid}.txt`)}`);
  assert.equal(downloaded.status, 200);
  assert.ok(downloaded.body.includes(content.trim()));
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("a volume is browsed through a helper container that is removed afterwards", async () => {
  const volume = uniqueName("vol");
  docker("volume", "create", volume);
  volumes.push(volume);
  docker("run", "--rm", "-v", `${volume}:/data`, "busybox:latest", "sh", "-c", "echo hi > /data/hello.txt");
  const helpers = () => docker("ps", "-aq", "--filter", "label=org.berth.volume-browser").split("\n").filter(Boolean);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/volumes`);
  await page.getByRole("link", { name: `Browse ${volume}` }).click();
  await page.getByTestId("files-table").locator('tr[data-file="hello.txt"]').waitFor({ timeout: 15_000 });
  assert.equal(helpers().length, 1);
  await page.getByRole("link", { name: "Volumes" }).first().click();
  await page.getByTestId("volumes-table").waitFor();
  for (let i = 0; i < 50 && helpers().length > 0; i++) await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(helpers(), []);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("viewers see no terminal, attach or lifecycle controls; operators do", async () => {
  const name = runScript("roles", LOOP);
  const viewer = await openPage(fx.browser, detailUrl(name), { user: "viewer" });
  await viewer.page.getByTestId("overview").waitFor({ timeout: 15_000 });
  assert.equal(await viewer.page.locator('a[data-tab="Logs"]').count(), 1);
  assert.equal(await viewer.page.locator('a[data-tab="Terminal"]').count(), 0);
  assert.equal(await viewer.page.locator('a[data-tab="Attach"]').count(), 0);
  assert.equal(await viewer.page.getByTestId("lifecycle").count(), 0);
  await viewer.page.goto(detailUrl(name, "terminal"));
  await viewer.page.getByText("Terminals need the operator role").waitFor();
  assert.equal(await viewer.page.getByTestId("terminal-workspace").count(), 0);
  await viewer.page.context().close();

  const operator = await openPage(fx.browser, detailUrl(name), { user: "operator" });
  await operator.page.getByTestId("overview").waitFor({ timeout: 15_000 });
  assert.equal(await operator.page.locator('a[data-tab="Terminal"]').count(), 1);
  assert.equal(await operator.page.locator('a[data-tab="Attach"]').count(), 1);
  await operator.page.getByTestId("lifecycle").getByRole("button", { name: "Stop" }).click();
  await operator.page.waitForFunction(() => document.querySelector('[data-testid="state"]')?.textContent === "exited",
    null, { timeout: 20_000 });
  assert.deepEqual(operator.errors, []);
  await operator.page.context().close();
});
