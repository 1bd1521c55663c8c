// Secrets and configs in the browser, on the test swarm's manager (scripts/swarm.sh): an
// operator creates a secret from text and a config from a file; the lists name the service
// that uses each; removing one in use names that service and the engine's refusal keeps it;
// a config's page shows its data and the file each service gets, and rotating it moves the
// service to the new version; labels are edited; a viewer sees a config but not its data, and
// no way to change anything. Every outcome is read back from the engine with the docker CLI.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { addUser, holdAppUntilAsked, launchBrowser, openPage, required, startBerth, uniqueName } from "./support.mjs";

const MANAGER = required("BERTH_TEST_SWARM_MANAGER");
const MANAGER_ADDR = required("BERTH_TEST_SWARM_MANAGER_ADDR");

function dockerOn(...args) {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST: MANAGER },
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  }).trim();
}

function exists(kind, name) {
  try {
    dockerOn(kind, "inspect", name);
    return true;
  } catch {
    return false;
  }
}

const secret = uniqueName("sec").slice(-40);
const config = uniqueName("conf").slice(-40);
const service = uniqueName("data-svc").slice(-40);
const CONFIG_TEXT = "server {\n  listen 8080;\n}\n";
let berth;
let chromium;

before(async () => {
  const state = dockerOn("info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}");
  if (state.startsWith("inactive")) dockerOn("swarm", "init", "--advertise-addr", MANAGER_ADDR);
  else assert.equal(state, "active true", "the test engine is a swarm manager");
  berth = await startBerth({ engine: MANAGER, users: ["admin"] });
  addUser(berth.dataDir, "operator");
  addUser(berth.dataDir, "viewer");
  chromium = await launchBrowser();
});

after(async () => {
  for (const [kind, name] of [["service", service], ["secret", secret], ["config", config], ["config", `${config}-v2`]]) {
    if (exists(kind, name)) dockerOn(kind, "rm", name);
  }
  await chromium?.close();
  await berth?.stop();
});

const env = () => `${berth.base}/env/local`;

test("an operator creates a secret from text and a config from a file", async () => {
  const { page, context, errors } = await openPage(chromium.browser, `${env()}/secrets`, { user: "operator" });
  await page.getByRole("button", { name: "Create secret" }).click();
  const form = page.getByTestId("secret-create-form");
  // Nothing is sent while a field is wrong, and the error names it.
  await form.getByRole("textbox", { name: /^Name/ }).fill(secret);
  await form.getByRole("button", { name: "Create secret" }).click();
  await form.getByText("give the data; it cannot be empty").waitFor();
  await form.getByRole("textbox", { name: /^Data/ }).fill("hunter2");
  await form.getByRole("textbox", { name: /^Labels/ }).fill("app=web");
  await form.getByRole("button", { name: "Create secret" }).click();
  await page.getByText(`Created secret ${secret}`).waitFor();
  await page.locator(`tr[data-object="${secret}"]`).waitFor();
  assert.equal(dockerOn("secret", "inspect", "-f", "{{json .Spec.Labels}}", secret), '{"app":"web"}');

  await page.goto(`${env()}/configs`);
  await page.getByRole("button", { name: "Create config" }).click();
  const configForm = page.getByTestId("config-create-form");
  await configForm.getByRole("textbox", { name: /^Name/ }).fill(config);
  await configForm.getByRole("button", { name: "File" }).click();
  await configForm.locator("input[name=data-file]").setInputFiles({
    name: "nginx.conf",
    mimeType: "text/plain",
    buffer: Buffer.from(CONFIG_TEXT),
  });
  await configForm.getByTestId("chosen-file").filter({ hasText: "nginx.conf" }).waitFor();
  await configForm.getByRole("button", { name: "Create config" }).click();
  await page.locator(`tr[data-object="${config}"]`).waitFor();
  const data = dockerOn("config", "inspect", "-f", "{{json .Spec.Data}}", config);
  assert.equal(Buffer.from(JSON.parse(data), "base64").toString(), CONFIG_TEXT);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a first visit to the configs page takes its lists from index.html's loader", async () => {
  const { page, context, errors } = await openPage(chromium.browser, `${berth.base}/favicon.svg`, { user: "operator" });
  const early = ["/api/auth/session", "/engine/local/info", "/engine/local/configs", "/engine/local/services"];
  // The app cannot run before these are asked for: only the loader can have asked.
  const asked = await holdAppUntilAsked(page, early);
  await page.goto(`${env()}/configs`);
  await page.locator(`tr[data-object="${config}"]`).waitFor();
  await page.getByTestId("live-indicator").getByText("Live").waitFor();
  // Each once: the app took the loader's answers instead of asking again.
  assert.deepEqual(early.map((path) => asked.get(path)), [1, 1, 1, 1]);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the lists name the service that uses each, and removing one in use is refused by name", async () => {
  const { page, context } = await openPage(chromium.browser, `${env()}/secrets`, { user: "operator" });
  const row = page.locator(`tr[data-object="${secret}"]`);
  await row.getByTestId("used-by").filter({ hasText: "unused" }).waitFor();
  // The service appears in the row as the engine's service event arrives.
  dockerOn(
    "service", "create", "--detach", "--name", service,
    "--secret", `source=${secret},target=db_password`,
    "--config", `source=${config},target=/etc/nginx/nginx.conf,mode=0440`,
    "busybox:latest", "sleep", "3600",
  );
  await row.getByTestId("used-by").getByRole("link", { name: service }).waitFor({ timeout: 15_000 });

  await row.getByRole("button", { name: `Remove ${secret}` }).click();
  const dialog = page.locator("dialog[open]");
  await dialog.getByText(`It is in use by service ${service}`).waitFor();
  await dialog.getByRole("button", { name: "Remove" }).click();
  await page.getByText(new RegExp(`in use by the following service: ${service}`)).waitFor({ timeout: 15_000 });
  assert.ok(exists("secret", secret), "the engine kept the secret in use");
  await context.close();
});

test("a config's page shows its data and users, and rotating it moves the service to the new version", async () => {
  const id = dockerOn("config", "inspect", "-f", "{{.ID}}", config);
  const { page, context, errors } = await openPage(chromium.browser, `${env()}/configs/${id}`, { user: "operator" });
  await page.getByTestId("config-data").filter({ hasText: "listen 8080;" }).waitFor();
  const user = page.getByTestId("swarm-data-users").locator(`tr[data-service="${service}"]`);
  await user.filter({ hasText: "/etc/nginx/nginx.conf" }).filter({ hasText: "0440" }).waitFor();

  await page.getByRole("button", { name: "Rotate…" }).click();
  const dialog = page.getByTestId("rotate-dialog");
  await dialog.getByTestId("rotate-services").filter({ hasText: `${service} will move` }).waitFor();
  assert.equal(await dialog.getByRole("textbox", { name: /^Name/ }).inputValue(), `${config}-v2`);
  assert.equal(await dialog.getByRole("textbox", { name: /^Data/ }).inputValue(), CONFIG_TEXT);
  await dialog.getByRole("textbox", { name: /^Data/ }).fill("server {\n  listen 9090;\n}\n");
  await dialog.getByRole("button", { name: "Rotate" }).click();
  await page.getByText(`Rotated ${config} to ${config}-v2: moved ${service}`).waitFor({ timeout: 20_000 });
  // The page is now the new version's.
  await page.getByTestId("config-data").filter({ hasText: "listen 9090;" }).waitFor();
  const mounted = JSON.parse(dockerOn("service", "inspect", "-f", "{{json .Spec.TaskTemplate.ContainerSpec.Configs}}", service));
  assert.equal(mounted.length, 1);
  assert.equal(mounted[0].ConfigName, `${config}-v2`);
  assert.equal(mounted[0].File.Name, "/etc/nginx/nginx.conf");
  assert.equal(mounted[0].File.Mode, 0o440);
  assert.deepEqual(errors, []);
  await context.close();
});

test("labels are edited from a secret's page", async () => {
  const id = dockerOn("secret", "inspect", "-f", "{{.ID}}", secret);
  const { page, context } = await openPage(chromium.browser, `${env()}/secrets/${id}`, { user: "operator" });
  await page.getByTestId("secret-data").waitFor();
  await page.getByRole("button", { name: "Labels…" }).click();
  const dialog = page.getByTestId("labels-dialog");
  assert.equal(await dialog.getByRole("textbox", { name: /^Labels/ }).inputValue(), "app=web");
  await dialog.getByRole("textbox", { name: /^Labels/ }).fill("app=web\ntier=db");
  await dialog.getByRole("button", { name: "Save labels" }).click();
  await page.getByText(`Saved the labels of secret ${secret}`).waitFor();
  assert.equal(dockerOn("secret", "inspect", "-f", "{{json .Spec.Labels}}", secret), '{"app":"web","tier":"db"}');
  await context.close();
});

test("a viewer sees a config's name and users but not its data, and nothing to change", async () => {
  const id = dockerOn("config", "inspect", "-f", "{{.ID}}", `${config}-v2`);
  const { page, context } = await openPage(chromium.browser, `${env()}/configs/${id}`, { user: "viewer" });
  await page.getByTestId("config-data-hidden").waitFor();
  await page.getByTestId("swarm-data-users").locator(`tr[data-service="${service}"]`).waitFor();
  assert.equal(await page.getByTestId("config-data").count(), 0);
  assert.equal(await page.getByText("listen 9090").count(), 0);
  for (const name of ["Rotate…", "Labels…", "Remove"]) {
    assert.equal(await page.getByRole("button", { name }).count(), 0, `a viewer has no ${name}`);
  }
  await page.goto(`${env()}/configs`);
  await page.locator(`tr[data-object="${config}-v2"]`).waitFor();
  assert.equal(await page.getByRole("button", { name: "Create config" }).count(), 0);
  await context.close();
});

test("a secret no service uses is removed after the dialog says its data is gone for good", async () => {
  dockerOn("service", "rm", service);
  const { page, context } = await openPage(chromium.browser, `${env()}/secrets`, { user: "operator" });
  const row = page.locator(`tr[data-object="${secret}"]`);
  await row.getByTestId("used-by").filter({ hasText: "unused" }).waitFor({ timeout: 15_000 });
  await row.getByRole("button", { name: `Remove ${secret}` }).click();
  const dialog = page.locator("dialog[open]");
  await dialog.getByText("Its data is gone for good").waitFor();
  await dialog.getByRole("button", { name: "Remove" }).click();
  await page.getByText(`Removed secret ${secret}`).waitFor();
  await row.waitFor({ state: "detached" });
  assert.ok(!exists("secret", secret));
  await context.close();
});
