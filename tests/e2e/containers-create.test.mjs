// The create-container form against the real engine: a container created through it runs
// with the chosen ports, environment, mounts, labels and limits; validation names the field;
// "docker run" shows the same; duplicate and edit start from an existing container.

import { test } from "node:test";
import assert from "node:assert/strict";
import { containerExists, docker, openPage, runContainer, uniqueName } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture();
const created = fx.created;
const volumes = fx.volumes;

const inspect = (name, format) => docker("inspect", "-f", format, name);

test("creates a running container with ports, env, mounts, labels and limits", async () => {
  const name = uniqueName("create");
  const volume = `${name}-data`;
  created.push(name);
  volumes.push(volume);
  const hostPort = String(20000 + Math.floor(Math.random() * 20000));
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers/new`);
  await page.locator("#image").fill("busybox:latest");
  await page.locator("#name").fill(name);
  await page.locator("#command").fill(`sh -c "trap 'exit 0' TERM; while true; do sleep 1; done"`);
  await page.locator("#env").fill("MODE=test");
  await page.getByText("Paste an env file").click();
  await page.getByLabel("Env file").fill("# from a file\nexport GREETING=\"hello world\"\n");
  await page.getByRole("button", { name: "Add to the environment" }).click();
  await page.locator("#ports").fill(`${hostPort}:80`);
  await page.locator("#volumes").fill(`${volume}:/data`);
  await page.locator("#labels").fill("berth.test=create");
  await page.locator("#restart").selectOption("unless-stopped");
  await page.locator("#memory").fill("64m");
  await page.locator("#pids").fill("50");
  await page.locator("#health_cmd").fill("true");
  await page.locator("#health_interval").fill("5s");

  await page.getByText("Copy as docker run").click();
  const run = await page.getByTestId("docker-run").textContent();
  assert.ok(run.startsWith(`docker run -d --name ${name}`), run);
  assert.ok(run.includes(`-p ${hostPort}:80`) && run.includes(`-v ${volume}:/data`), run);
  assert.ok(run.includes("-e 'GREETING=hello world'"), run);

  await page.getByRole("button", { name: "Create container" }).click();
  await page.waitForURL(/\/env\/local\/containers$/);
  await page.waitForSelector(`tr[data-container="${name}"] .badge[data-state="running"]`, { timeout: 20_000 });

  assert.equal(inspect(name, "{{.State.Status}}"), "running");
  const env = JSON.parse(inspect(name, "{{json .Config.Env}}"));
  assert.ok(env.includes("MODE=test") && env.includes("GREETING=hello world"), env.join(" "));
  const ports = JSON.parse(inspect(name, "{{json .HostConfig.PortBindings}}"));
  assert.deepEqual(ports["80/tcp"], [{ HostIp: "", HostPort: hostPort }]);
  const mounts = JSON.parse(inspect(name, "{{json .Mounts}}"));
  assert.ok(mounts.some((m) => m.Type === "volume" && m.Name === volume && m.Destination === "/data"));
  assert.equal(inspect(name, '{{index .Config.Labels "berth.test"}}'), "create");
  assert.equal(inspect(name, "{{.HostConfig.RestartPolicy.Name}}"), "unless-stopped");
  assert.equal(inspect(name, "{{.HostConfig.Memory}}"), String(64 * 1024 * 1024));
  assert.equal(inspect(name, "{{.HostConfig.PidsLimit}}"), "50");
  assert.equal(inspect(name, "{{json .Config.Healthcheck.Test}}"), '["CMD-SHELL","true"]');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("validation names the wrong fields and creates nothing", async () => {
  const name = uniqueName("invalid");
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers/new`);
  await page.locator("#name").fill(name);
  await page.locator("#ports").fill("http");
  await page.locator("#memory").fill("lots");
  await page.getByRole("button", { name: "Create container" }).click();
  const summary = page.getByTestId("form-errors");
  await summary.waitFor();
  const text = await summary.textContent();
  assert.match(text, /Image: choose an image/);
  assert.match(text, /Ports: "http": http is not a port number/);
  assert.match(text, /Memory: /);
  assert.equal(await page.locator("#ports").getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.id), "image");
  assert.ok(!containerExists(name));
  await page.context().close();
});

test("the privileged switch warns, and a missing image is offered for pull", async () => {
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers/new`);
  await page.locator("#image").fill("busybox:latest");
  await page.locator("#privileged").check();
  await page.getByText(/controls the host/).waitFor();
  await page.locator("#image").fill("berth-e2e/not-here:1");
  await page.getByTestId("pull-offer").waitFor();
  await page.context().close();
});

test("duplicate starts from an existing container without its name", async () => {
  const source = runContainer(uniqueName("dup-src"), "-e", "FROM_SOURCE=1", "--label", "berth.dup=yes");
  const copy = uniqueName("dup-copy");
  created.push(source, copy);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await page.getByRole("button", { name: `More actions for ${source}` }).click();
  await page.getByRole("menuitem", { name: "Duplicate" }).click();
  await page.waitForURL(/containers\/new\?from=/);
  await page.getByRole("heading", { name: `New container like ${source}` }).waitFor();
  assert.equal(await page.locator("#image").inputValue(), "busybox:latest");
  assert.equal(await page.locator("#name").inputValue(), "");
  assert.match(await page.locator("#env").inputValue(), /FROM_SOURCE=1/);
  await page.locator("#name").fill(copy);
  await page.getByRole("button", { name: "Create container" }).click();
  await page.waitForSelector(`tr[data-container="${copy}"] .badge[data-state="running"]`, { timeout: 20_000 });
  assert.equal(inspect(copy, '{{index .Config.Labels "berth.dup"}}'), "yes");
  assert.ok(containerExists(source));
  await page.context().close();
});

test("edit recreates the container with the change, under the same name", async () => {
  const name = runContainer(uniqueName("edit"), "-e", "VERSION=1");
  created.push(name);
  const oldId = inspect(name, "{{.Id}}");
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers/new?edit=${name}`);
  await page.getByRole("heading", { name: `Edit ${name}` }).waitFor();
  const env = await page.locator("#env").inputValue();
  await page.locator("#env").fill(env.replace("VERSION=1", "VERSION=2"));
  await page.getByRole("button", { name: "Recreate container" }).click();
  await page.waitForURL(/\/env\/local\/containers$/);
  await page.waitForSelector(`tr[data-container="${name}"] .badge[data-state="running"]`, { timeout: 20_000 });
  assert.notEqual(inspect(name, "{{.Id}}"), oldId);
  assert.ok(JSON.parse(inspect(name, "{{json .Config.Env}}")).includes("VERSION=2"));
  const leftovers = docker("ps", "-a", "--filter", `name=${name}-replaced`, "--format", "{{.Names}}");
  assert.equal(leftovers, "", "the old container is gone");
  await page.context().close();
});
