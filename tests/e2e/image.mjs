// Berth's container image, run by scripts/image-test.sh on the test engine with the engine's
// socket mounted, its group added and its port published: the embedded UI answers and a person
// signs in and sees the engine's containers, Berth's own among them, and the docker CLI works
// through the container's gateway with an API token. Not part of the directory run: the script
// starts the container and passes its published address (relayed into the tests' namespace),
// its name and a token.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { artifacts, launchBrowser, openPage, relayedPort, required } from "./support.mjs";

const base = `http://127.0.0.1:${await relayedPort("IMAGE")}`;
const container = required("BERTH_TEST_IMAGE_CONTAINER");
const token = required("BERTH_TEST_IMAGE_TOKEN");
const { browser, close } = await launchBrowser();
after(close);

test("the container serves the embedded UI and says it is up", async () => {
  const index = await fetch(`${base}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get("content-type"), /^text\/html/);
  const html = await index.text();
  assert.match(html, /<title>Berth<\/title>/);
  assert.doesNotMatch(html, /no user interface embedded/, "the release binary embeds the built UI");
  const health = await (await fetch(`${base}/api/health`)).json();
  assert.equal(health.status, "up");
});

// The CLI runs asynchronously: the loopback port in front of the relay is served by this
// process, which a synchronous child would block.
test("the docker CLI reaches the engine through the container's gateway with a token", async () => {
  const config = mkdtempSync(join(tmpdir(), "berth-image-cli-"));
  after(() => rmSync(config, { recursive: true, force: true }));
  writeFileSync(join(config, "config.json"), JSON.stringify({ HttpHeaders: { Authorization: `Bearer ${token}` } }));
  const docker = async (...args) => (await promisify(execFile)("docker", args, {
    env: { ...process.env, DOCKER_HOST: `tcp://${new URL(base).host}/engine/local`, DOCKER_CONFIG: config },
    encoding: "utf8",
  })).stdout.trim();
  const names = (await docker("ps", "--format", "{{.Names}}")).split("\n");
  assert.ok(names.includes(container), `docker ps through the gateway lists Berth's own container: ${names}`);
  const health = await docker("inspect", "--format", "{{.State.Health.Status}}", container);
  assert.equal(health, "healthy");
});

test("a person signs in to the container's console and sees its containers", async () => {
  const { page, context, errors } = await openPage(browser, `${base}/env/local/containers`);
  const row = page.locator(`tr[data-container="${container}"]`);
  await row.waitFor({ timeout: 15_000 });
  assert.equal(await row.locator(".badge[data-state]").first().getAttribute("data-state"), "running");
  assert.match(await row.textContent(), /berth:latest/);
  await page.screenshot({ path: join(artifacts, "image-containers.png") });
  assert.deepEqual(errors, []);
  await context.close();
});
