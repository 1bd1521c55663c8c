// Environments in the browser: an admin adds the TCP+TLS engine (its CA, certificate and key
// chosen as files) and a socket that does not exist (refused with its problem named, then saved
// offline on purpose); `/` becomes the home page with a live card for each, the dead one saying
// since when with a retry; the header's switcher and the command palette move between them,
// keeping the section; a shell opens in the TLS engine's container and a volume's files are
// browsed there; and removing one asks
// first, naming what is lost. The SSH engine is added the same way, its host key pinned on first
// connect and shown, and a shell opens in its container over SSH.
//
// The TLS and SSH engines listen in network namespaces the tests' own cannot reach, so
// scripts/e2e.sh relays their ports to unix sockets (BERTH_TEST_TLS_RELAY, BERTH_TEST_SSH_RELAY)
// and this file listens on loopback in front of them: the bytes are relayed, TLS and SSH stay
// between Berth and the engine.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { artifacts, openPage, relayedPort, required, runContainer, uniqueName } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture();

/** The TLS engine's unix socket, for checking what is on it without Berth. */
const TLS_SOCKET = "unix:///run/berth-engines/tls/docker.sock";

function dockerOnTls(...args) {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST: TLS_SOCKET },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

const address = `tcp://127.0.0.1:${await relayedPort("TLS")}`;
const sshAddress = `ssh://root@127.0.0.1:${await relayedPort("SSH")}`;
const tlsOnly = uniqueName("tls-only");
const primaryOnly = uniqueName("primary-only");
after(() => {
  try {
    dockerOnTls("rm", "-f", tlsOnly);
  } catch {
    // Never made.
  }
});

function form(page) {
  return page.getByTestId("environment-form");
}

test("an admin adds a TLS engine and an offline one, and the home page shows each", async () => {
  const certs = required("BERTH_TEST_TLS_CERT_PATH");
  dockerOnTls("create", "--name", tlsOnly, "busybox:latest", "true");
  fx.created.push(runContainer(primaryOnly));

  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/admin/environments`);
  await page.getByTestId("environments-table").waitFor();
  assert.match(await page.locator('tr[data-environment="local"]').textContent(), /the engine of --docker-host/);

  await page.getByRole("button", { name: "Add an environment" }).click();
  await form(page).getByRole("textbox", { name: /^Name/ }).fill("Remote TLS");
  await form(page).getByRole("button", { name: "TCP with TLS" }).click();
  await form(page).locator('input[name="address"]').fill(address);
  // Without the CA nothing is sent, and the field says what it needs.
  await form(page).getByRole("button", { name: "Check and add" }).click();
  await page.locator('input[name="ca"][aria-invalid="true"]').waitFor();
  assert.match(await form(page).textContent(), /choose the ca\.pem/);
  await form(page).locator('input[name="ca"]').setInputFiles(join(certs, "ca.pem"));
  await form(page).locator('input[name="cert"]').setInputFiles(join(certs, "cert.pem"));
  await form(page).locator('input[name="key"]').setInputFiles(join(certs, "key.pem"));
  await form(page).getByRole("button", { name: "Check and add" }).click();
  const remoteRow = page.locator('tr[data-environment="remote-tls"]');
  await remoteRow.waitFor({ timeout: 15_000 });
  assert.match(await remoteRow.textContent(), /TLS, client certificate/);
  assert.match(await page.locator(".toast").last().textContent(), /Saved Remote TLS: Docker 20\.10/);

  // A socket that is not there is refused with its problem named; saved only when meant.
  await page.getByRole("button", { name: "Add an environment" }).click();
  await form(page).getByRole("textbox", { name: /^Name/ }).fill("Gone");
  await form(page).locator('input[name="address"]').fill("unix:///run/berth-no-such-engine/docker.sock");
  await form(page).getByRole("button", { name: "Check and add" }).click();
  const refusal = form(page).locator(".alert-error");
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /no engine socket at that path/);
  assert.equal(await page.locator('tr[data-environment="gone"]').count(), 0);
  await form(page).getByRole("checkbox", { name: /even if the engine does not answer/ }).check();
  await form(page).getByRole("button", { name: "Check and add" }).click();
  await page.locator('tr[data-environment="gone"]').waitFor();

  // `/` is now the home page of all three.
  await page.goto(`${fx.berth.base}/`);
  await page.waitForURL(/\/environments$/);
  const card = (id) => page.locator(`article[data-env="${id}"]`);
  await card("remote-tls").and(page.locator('[data-state="online"]')).waitFor({ timeout: 15_000 });
  await card("local").and(page.locator('[data-state="online"]')).waitFor({ timeout: 15_000 });
  await card("gone").and(page.locator('[data-state="offline"]')).waitFor({ timeout: 15_000 });
  const remoteText = await card("remote-tls").textContent();
  assert.match(remoteText, /Docker 20\.10/);
  assert.match(remoteText, /TLS/);
  const tlsHost = dockerOnTls("info", "--format", "{{.NCPU}}");
  assert.match(remoteText, new RegExp(`${tlsHost} CPUs?`));
  assert.match(await card("gone").getByTestId("offline-line").textContent(), /^Offline for .* · (next try in|trying again)/);
  assert.match(await page.getByTestId("environment-tally").textContent(), /3 environments · 2 online · 1 offline/);
  const retried = page.waitForResponse((r) => r.url().endsWith("/api/overview/gone/retry"));
  await card("gone").getByRole("button", { name: "Retry Gone now" }).click();
  assert.equal((await retried).status(), 202);
  await page.screenshot({ path: join(artifacts, "environments-home-light.png"), fullPage: true });
  // The one failed request is the refused check of the missing socket.
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  await page.context().close();

  for (const [scheme, width, file] of [["dark", 1280, "environments-home-dark.png"], ["light", 390, "environments-home-390.png"]]) {
    const view = await openPage(fx.browser, `${fx.berth.base}/environments`, { colorScheme: scheme, width });
    await view.page.locator('article[data-env="gone"][data-state="offline"]').waitFor({ timeout: 15_000 });
    await view.page.locator('article[data-env="remote-tls"][data-state="online"]').waitFor({ timeout: 15_000 });
    const overflow = await view.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the home page is ${overflow} px wider than a ${width} px screen`);
    await view.page.screenshot({ path: join(artifacts, file), fullPage: true });
    await view.page.context().close();
  }
});

test("the switcher and the palette move between environments, keeping the section", async () => {
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`);
  await page.locator(`tr[data-container="${primaryOnly}"]`).waitFor({ timeout: 15_000 });
  const switcher = page.getByTestId("environment-switcher");
  await switcher.selectOption("remote-tls");
  await page.waitForURL(/\/env\/remote-tls\/containers$/);
  await page.locator(`tr[data-container="${tlsOnly}"]`).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator(`tr[data-container="${primaryOnly}"]`).count(), 0);
  await page.screenshot({ path: join(artifacts, "environments-switcher.png") });

  await page.getByRole("link", { name: "Images" }).first().click();
  await page.waitForURL(/\/env\/remote-tls\/images$/);
  await page.getByTestId("environment-switcher").selectOption("local");
  await page.waitForURL(/\/env\/local\/images$/);

  await page.keyboard.press("Control+k");
  await page.getByRole("dialog", { name: "Command palette" }).waitFor();
  await page.keyboard.type("go to environment gone");
  await page.getByRole("option", { name: /Go to environment Gone/ }).waitFor();
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/env\/gone\/containers$/);
  await page.getByTestId("engine-indicator").getByText("Engine unreachable").waitFor({ timeout: 15_000 });
  // From a dead environment the switcher still leads away.
  await page.getByTestId("environment-switcher").selectOption("");
  await page.waitForURL(/\/environments$/);
  assert.deepEqual(errors.filter((e) => !/503|502|Failed to load resource/.test(e)), []);
  await page.context().close();
});

test("a shell opens in a container of the TLS environment, as on local", async () => {
  const shell = uniqueName("tls-shell");
  dockerOnTls("run", "-d", "--name", shell, "busybox:latest", "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done");
  try {
    const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/remote-tls/containers/${shell}/terminal`);
    await page.getByTestId("terminal-connect").click();
    await page.getByTestId("terminal-status").filter({ hasText: "Running" }).waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="terminal"] .xterm').click();
    await page.keyboard.type("echo \"on $(hostname): $((6*7))\"\n");
    const id = dockerOnTls("inspect", "--format", "{{.Config.Hostname}}", shell);
    await page.waitForFunction(
      (expected) => (document.querySelector('[data-testid="terminal"] .xterm-rows')?.innerText ?? "").includes(expected),
      `on ${id}: 42`,
      { timeout: 20_000 },
    );
    assert.deepEqual(errors, []);
    await page.context().close();
  } finally {
    dockerOnTls("rm", "-f", shell);
  }
});

test("a volume's files are browsed in the TLS environment, as on local", async () => {
  const volume = uniqueName("tls-files");
  dockerOnTls("run", "--rm", "-v", `${volume}:/data`, "busybox:latest", "sh", "-c", "echo far away > /data/remote.txt");
  try {
    const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/remote-tls/volumes/${volume}/files`);
    const row = page.getByTestId("files-table").locator('tr[data-file="remote.txt"]');
    await row.waitFor({ timeout: 20_000 });
    await row.getByRole("button", { name: "remote.txt", exact: true }).click();
    await page.getByText("far away").waitFor({ timeout: 15_000 });
    assert.deepEqual(errors, []);
    await page.context().close();
  } finally {
    // The browser's helper container ends with the page; a forced removal waits for nothing.
    for (const id of dockerOnTls("ps", "-aq", "--filter", `volume=${volume}`).split("\n").filter(Boolean)) {
      dockerOnTls("rm", "-f", id);
    }
    dockerOnTls("volume", "rm", "-f", volume);
  }
});

/** An admin API token for the gateway, made with the command line. */
function adminToken() {
  return execFileSync(process.env.BERTH_BIN, ["token", "create", "--user", "admin", "--name", uniqueName("e2e")], {
    env: { ...process.env, BERTH_DATA_DIR: fx.berth.dataDir },
    encoding: "utf8",
  }).trim().split("\n").pop();
}

/** `method path` on an environment's engine through Berth's gateway, with `token`. */
async function gateway(token, environment, method, path, body) {
  const response = await fetch(`${fx.berth.base}/engine/${environment}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

test("an admin adds the SSH engine, its host key pinned and shown, and opens a shell over SSH", async () => {
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/admin/environments`);
  await page.getByTestId("environments-table").waitFor();
  await page.getByRole("button", { name: "Add an environment" }).click();
  await form(page).getByRole("textbox", { name: /^Name/ }).fill("Behind SSH");
  await form(page).getByRole("button", { name: "SSH", exact: true }).click();
  await form(page).locator('input[name="address"]').fill(sshAddress);
  await form(page).getByRole("textbox", { name: /^Engine socket/ }).fill(required("BERTH_TEST_SSH_SOCKET"));
  // Without the key nothing is sent.
  await form(page).getByRole("button", { name: "Check and add" }).click();
  await page.locator('input[name="ssh-key"][aria-invalid="true"]').waitFor();
  await form(page).locator('input[name="ssh-key"]').setInputFiles(required("BERTH_TEST_SSH_KEY"));
  await form(page).getByRole("button", { name: "Check and add" }).click();
  const row = page.locator('tr[data-environment="behind-ssh"]');
  await row.waitFor({ timeout: 20_000 });
  const pin = required("BERTH_TEST_SSH_HOST_KEY");
  assert.equal((await row.getByTestId("host-key").textContent()).trim(), `host key ${pin}`);
  assert.match(await page.locator(".toast").last().textContent(), new RegExp(`host key ${pin.replace(/[+/]/g, "\\$&")} pinned`));
  await page.screenshot({ path: join(artifacts, "environments-admin-light.png"), fullPage: true });

  const token = adminToken();
  const name = uniqueName("ssh-shell");
  await gateway(token, "behind-ssh", "POST", `/v1.41/containers/create?name=${name}`, {
    Image: "busybox:latest",
    Cmd: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"],
  });
  try {
    await gateway(token, "behind-ssh", "POST", `/v1.41/containers/${name}/start`);
    await page.goto(`${fx.berth.base}/env/behind-ssh/containers/${name}/terminal`);
    await page.getByTestId("terminal-connect").click();
    await page.getByTestId("terminal-status").filter({ hasText: "Running" }).waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="terminal"] .xterm').click();
    await page.keyboard.type("echo \"over ssh: $((6*7))\"\n");
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="terminal"] .xterm-rows')?.innerText ?? "").includes("over ssh: 42"),
      null,
      { timeout: 20_000 },
    );
    assert.deepEqual(errors, []);
  } finally {
    await gateway(token, "behind-ssh", "DELETE", `/v1.41/containers/${name}?force=true`);
    await page.context().close();
  }
});

test("removing an environment asks first and names what is lost", async () => {
  const { page } = await openPage(fx.browser, `${fx.berth.base}/admin/environments`);
  const row = page.locator('tr[data-environment="gone"]');
  await row.waitFor();
  assert.equal(await page.locator('tr[data-environment="local"] button[aria-label^="Remove"]').count(), 0);
  await row.getByRole("button", { name: /^Remove/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  const asked = await dialog.textContent();
  assert.match(asked, /Gone/);
  assert.match(asked, /forgets how to reach unix:\/\/\/run\/berth-no-such-engine\/docker\.sock/);
  assert.match(asked, /containers are not touched/);
  await dialog.getByRole("button", { name: /^Remove/ }).click();
  await row.waitFor({ state: "detached" });
  await page.goto(`${fx.berth.base}/environments`);
  await page.locator('article[data-env="remote-tls"]').waitFor();
  assert.equal(await page.locator('article[data-env="gone"]').count(), 0);
  await page.context().close();
});
