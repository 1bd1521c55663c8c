// Security in the browser: sign-in and set-up, TOTP enrolment and sign-in, CSRF and Origin
// checks, role-dependent UI, API tokens and client certificates, and the admin pages (users and
// their roles per environment, audit).

import { test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate, createHmac } from "node:crypto";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import {
  PASSWORD, addUser, docker, openPage, runContainer, startBerth, uniqueName,
} from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture({ users: ["admin", "operator", "viewer"] });
const { created } = fx;

/** RFC 6238 code for `secret` (base32) at the step `offset` steps from now. */
function totp(secret, offset = 0) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/\s/g, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const step = Math.floor(Date.now() / 1000 / 30) + offset;
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(step));
  const digest = createHmac("sha1", key).update(counter).digest();
  const o = digest[19] & 15;
  return String((digest.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** Waits for a client-side route change (no page load happens in a single-page app). */
async function waitForPath(page, pattern) {
  await page.waitForFunction((source) => new RegExp(source).test(location.pathname + location.search), pattern.source);
}

async function signInThroughTheForm(page, username, password = PASSWORD) {
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a signed-out visitor is sent to sign in, and back where they were going", async () => {
  const { page, context, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/images`, { user: null });
  await waitForPath(page, /\/login\?next=/);
  await signInThroughTheForm(page, "operator", "wrong password, surely");
  await page.getByRole("alert").filter({ hasText: "wrong user name or password" }).waitFor();
  await signInThroughTheForm(page, "operator");
  await waitForPath(page, /\/env\/local\/images$/);
  await page.getByTestId("user-menu").click();
  assert.match(await page.getByTestId("user-menu").textContent(), /operator/);
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await waitForPath(page, /\/login/);
  const cookies = await context.cookies();
  const session = cookies.find((cookie) => cookie.name === "berth_session");
  assert.ok(!session || session.value === "", "signing out clears the cookie");
  assert.deepEqual(errors.filter((e) => !e.includes("401")), []);
  await context.close();
});

test("a fresh install offers set-up only with the printed token", async () => {
  const fresh = await startBerth({ users: [] });
  try {
    assert.ok(fresh.setupToken, "berth serve printed a set-up token");
    const { page, context } = await openPage(fx.browser, `${fresh.base}/`, { user: null });
    await waitForPath(page, /\/setup$/);
    await page.getByLabel("Set-up token").fill("a guess");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Repeat the password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "wrong set-up token" }).waitFor();
    await page.getByLabel("Set-up token").fill(fresh.setupToken);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await waitForPath(page, /\/env\/local\/containers$/);
    assert.match(await page.getByTestId("user-menu").textContent(), /admin/);
    await context.close();
  } finally {
    await fresh.stop();
  }
});

test("TOTP enrolment with a QR code, then sign-in with a code", async () => {
  addUser(fx.berth.dataDir, "totp-user", "operator");
  const { page, context } = await openPage(fx.browser, `${fx.berth.base}/account`, { user: "totp-user" });
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await page.getByRole("dialog").getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  const qr = page.getByRole("img", { name: "QR code for your authenticator app" });
  await qr.waitFor();
  const box = await qr.boundingBox();
  assert.ok(box.width >= 150, "the QR code is large enough to scan");
  const secret = (await page.getByTestId("totp-secret").textContent()).trim();
  await page.getByLabel("Code from the app").fill(totp(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  const codes = page.getByTestId("recovery-codes").locator("li");
  await codes.first().waitFor();
  assert.equal(await codes.count(), 10);
  await page.getByRole("button", { name: "I have saved them" }).click();

  await page.getByTestId("user-menu").click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await waitForPath(page, /\/login/);
  await signInThroughTheForm(page, "totp-user");
  await page.getByLabel("Authentication code").fill(totp(secret, 1));
  await page.getByRole("button", { name: "Verify" }).click();
  // Back to the page the user signed out from.
  await waitForPath(page, /\/account$/);
  await page.getByText("Signing in asks for a code from your app.").waitFor();
  await context.close();
});

test("state changes need the CSRF token, even from the console's own pages", async () => {
  const name = runContainer(uniqueName("csrf"));
  created.push(name);
  const { page, context } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`, { user: "operator" });
  await page.locator(`tr[data-container="${name}"]`).waitFor();
  const statuses = await page.evaluate(async (container) => {
    const bare = await fetch(`/engine/local/containers/${container}/pause`, { method: "POST" });
    const session = await (await fetch("/api/auth/session")).json();
    const withToken = await fetch(`/engine/local/containers/${container}/pause`, {
      method: "POST",
      headers: { "x-csrf-token": session.csrf_token },
    });
    return [bare.status, (await bare.json()).message, withToken.status];
  }, name);
  assert.equal(statuses[0], 403);
  assert.match(statuses[1], /CSRF/);
  assert.equal(statuses[2], 204);
  assert.equal(docker("inspect", "-f", "{{.State.Status}}", name), "paused");
  docker("unpause", name);
  await context.close();
});

test("another origin cannot act with the session cookie", async () => {
  const name = runContainer(uniqueName("origin"));
  created.push(name);
  // A page on another port of the same host is same-site, so the strict cookie is sent: only
  // the Origin check stands between it and the engine.
  const evil = createServer((_, response) => {
    response.setHeader("content-type", "text/html");
    response.end(`<!doctype html><form id="f" method="post" action="${fx.berth.base}/engine/local/containers/${name}/stop"></form>
      <script>fetch("${fx.berth.base}/engine/local/containers/${name}/kill", {method: "POST", credentials: "include", mode: "no-cors"})
        .finally(() => document.getElementById("f").submit());</script>`);
  });
  await new Promise((resolve) => evil.listen(0, "127.0.0.1", resolve));
  try {
    const { page, context } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`, { user: "operator" });
    const forms = [];
    page.on("response", (response) => {
      if (response.url().includes(`/containers/${name}/`)) forms.push(response.status());
    });
    await page.goto(`http://127.0.0.1:${evil.address().port}/`);
    await page.waitForURL(new RegExp(`/containers/${name}/stop$`));
    assert.ok(forms.includes(403), `the cross-origin form post was refused: ${forms}`);
    assert.match(await page.textContent("body"), /cross-origin request from http:\/\/127\.0\.0\.1:\d+ refused/);
    assert.equal(docker("inspect", "-f", "{{.State.Status}}", name), "running");
    await context.close();
  } finally {
    evil.close();
  }
});

test("viewers get no lifecycle buttons, and no admin pages", async () => {
  const name = runContainer(uniqueName("viewer"));
  created.push(name);
  const { page, context } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers`, { user: "viewer" });
  const row = page.locator(`tr[data-container="${name}"]`);
  await row.waitFor();
  assert.equal(await row.getByRole("button").count(), 0);
  assert.equal(await page.getByRole("navigation", { name: "Administration" }).count(), 0);
  await context.close();
});

test("admins manage users and read the audit log", async () => {
  const { page, context, errors } = await openPage(fx.browser, `${fx.berth.base}/admin/users`);
  const username = `dora-${process.pid}`;
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Initial password").fill(PASSWORD);
  await page.getByRole("button", { name: "Add user" }).click();
  const row = page.locator(`tr[data-user="${username}"]`);
  await row.waitFor();
  await row.getByLabel(`Role of ${username}`).selectOption("viewer");
  await page.getByText(`${username} is now viewer`).waitFor();
  await row.getByRole("button", { name: `Remove ${username}` }).click();
  const dialog = page.getByRole("dialog");
  assert.equal(await dialog.getByRole("heading").textContent(), `Remove user ${username}?`);
  await dialog.getByRole("button", { name: "Remove" }).click();
  await row.waitFor({ state: "detached" });

  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Audit log" }).click();
  const table = page.getByTestId("audit-table");
  await table.waitFor();
  await table.getByText("UserDelete").first().waitFor();
  await page.getByLabel("Operation").fill("UserCreate");
  await page.getByLabel("Operation").press("Enter");
  await page.getByLabel("Operation").blur();
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')];
    return cells.length > 0 && cells.every((row) => row.textContent.includes("UserCreate"));
  });
  const exported = await page.evaluate(async () => (await fetch("/api/audit/export")).text());
  assert.ok(exported.split("\n").some((line) => line.includes(`"operation":"UserDelete"`)));
  assert.deepEqual(errors, []);
  await context.close();
});

test("an admin sets a user's role per environment, and the user's health follows it", async () => {
  const { page, context, errors } = await openPage(fx.browser, `${fx.berth.base}/admin/users`);
  const username = `erin-${process.pid}`;
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Initial password").fill(PASSWORD);
  await page.getByRole("button", { name: "Add user" }).click();
  const row = page.locator(`tr[data-user="${username}"]`);
  await row.waitFor();
  await row.getByRole("button", { name: `Environment access of ${username}` }).click();
  const dialog = page.getByRole("dialog");
  assert.equal(await dialog.getByRole("heading").textContent(), `Environment access for ${username}`);
  const local = dialog.getByLabel("Role in local");
  await local.waitFor();
  assert.equal(await local.inputValue(), "global", "no grant yet: the global role holds");
  await local.selectOption("none");
  await page.getByText(`${username} is none in local`).waitFor();

  const theirs = await fx.browser.newContext();
  const origin = fx.berth.base;
  const signIn = await theirs.request.post(`${origin}/api/auth/login`, { data: { username, password: PASSWORD } });
  assert.equal(signIn.status(), 200);
  const environments = async () => (await (await theirs.request.get(`${origin}/api/health`)).json()).environments ?? [];
  assert.deepEqual(await environments(), [], "local does not exist for them");
  assert.equal((await theirs.request.get(`${origin}/engine/local/_ping`)).status(), 404);

  await local.selectOption("global");
  await page.getByText(`${username} has their global role (operator) in local`).waitFor();
  assert.deepEqual((await environments()).map((env) => [env.id, env.role]), [["local", "operator"]]);
  await dialog.getByRole("button", { name: "Done" }).click();
  await dialog.waitFor({ state: "hidden" });
  assert.deepEqual(errors, []);
  await theirs.close();
  await context.close();
});

test("an admin's own role is fixed, and a refused role change goes back with one message", async () => {
  const { page, context, errors } = await openPage(fx.browser, `${fx.berth.base}/admin/users`);
  const mine = page.locator('tr[data-user="admin"]');
  await mine.waitFor();
  assert.equal(await mine.getByLabel("Role of admin").count(), 0, "no role picker on one's own row");
  assert.equal(await mine.locator(".badge", { hasText: "admin" }).getAttribute("title"), "Another admin can change your role");
  assert.equal(await mine.getByRole("button", { name: "Remove admin" }).count(), 0);

  const username = `gone-${process.pid}`;
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Initial password").fill(PASSWORD);
  await page.getByRole("button", { name: "Add user" }).click();
  const row = page.locator(`tr[data-user="${username}"]`);
  await row.waitFor();
  // Someone removes the user from the command line while the page is open.
  execFileSync(process.env.BERTH_BIN, ["user", "remove", "--username", username], {
    env: { ...process.env, BERTH_DATA_DIR: fx.berth.dataDir },
    stdio: ["ignore", "ignore", "pipe"],
  });
  await row.getByLabel(`Role of ${username}`).selectOption("viewer");
  const failure = page.locator(".toast-error", { hasText: `Could not change ${username}'s role` });
  await failure.waitFor();
  assert.equal(await row.getByLabel(`Role of ${username}`).inputValue(), "operator", "the picker shows the role the console has");
  assert.equal(await failure.count(), 1, "one message");
  assert.deepEqual(errors.filter((e) => !e.includes("404")), []);
  await context.close();
});

test("API tokens: created with the password, shown once, listed for admins, revoked after asking", async () => {
  const { page, context, errors } = await openPage(fx.browser, `${fx.berth.base}/account`);
  const name = `laptop-${process.pid}`;
  const form = page.getByTestId("token-form");
  await form.getByLabel("Token name").fill(name);
  await form.getByLabel("Your password").fill(PASSWORD);
  await form.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("token-secret").textContent()).trim();
  const table = page.getByTestId("tokens-table");
  const row = table.locator(`tr[data-token="${name}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /active/);
  const ping = await context.request.get(`${fx.berth.base}/engine/local/_ping`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(ping.status(), 200, "the token works");

  await page.goto(`${fx.berth.base}/admin/users`);
  const everyone = page.getByTestId("tokens-table").locator(`tr[data-token="${name}"]`);
  await everyone.waitFor();
  assert.match(await everyone.textContent(), /admin/, "admins see whose token it is");

  await everyone.getByRole("button", { name: `Revoke ${name}` }).click();
  const dialog = page.getByRole("dialog");
  assert.equal(await dialog.getByRole("heading").textContent(), `Revoke token ${name}?`);
  assert.match(await dialog.textContent(), /loses access at once/);
  await dialog.getByRole("button", { name: "Revoke" }).click();
  await page.locator(".toast-success", { hasText: `Revoked token ${name}` }).waitFor();
  await everyone.locator(".badge", { hasText: "revoked" }).waitFor();
  assert.equal(await everyone.getByRole("button", { name: `Revoke ${name}` }).count(), 0);
  const refused = await context.request.get(`${fx.berth.base}/engine/local/_ping`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(refused.status(), 401, "the revoked token no longer works");
  assert.deepEqual(errors, []);
  await context.close();
});

test("client certificates: made on the Account page with the password, three files to download, listed and revoked with the tokens", async () => {
  const { page, context, errors } = await openPage(fx.browser, `${fx.berth.base}/account`);
  const name = `tls-laptop-${process.pid}`;
  const form = page.getByTestId("certificate-form");
  await form.getByLabel("Certificate name").fill(name);
  await form.getByLabel("Your password").fill(PASSWORD);
  await form.getByRole("button", { name: "Create certificate" }).click();
  const bundle = page.getByTestId("certificate-bundle");
  await bundle.waitFor();
  const file = async (name) => {
    const link = bundle.getByTestId(`download-${name}`);
    assert.equal(await link.getAttribute("download"), name);
    const href = await link.getAttribute("href");
    const prefix = "data:application/x-pem-file;charset=utf-8,";
    assert.ok(href.startsWith(prefix), href);
    return decodeURIComponent(href.slice(prefix.length));
  };
  const [ca, cert, key] = [await file("ca.pem"), await file("cert.pem"), await file("key.pem")];
  assert.match(key, /-----BEGIN PRIVATE KEY-----/);
  const leaf = new X509Certificate(cert);
  assert.ok(leaf.checkIssued(new X509Certificate(ca)), "cert.pem is signed by ca.pem");
  assert.match(leaf.subject, /CN=admin/);
  assert.match(await bundle.textContent(), /DOCKER_TLS_VERIFY=1/);

  const row = page.getByTestId("tokens-table").locator(`tr[data-token="${name}"]`);
  await row.waitFor();
  const fingerprint = leaf.fingerprint256.replaceAll(":", "").toLowerCase();
  assert.match(await row.textContent(), new RegExp(`certificate sha256:${fingerprint.slice(0, 16)}`));
  assert.match(await row.textContent(), /active/);

  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  const dialog = page.getByRole("dialog");
  assert.match(await dialog.textContent(), /this client certificate/);
  assert.match(await dialog.textContent(), /open streams end/);
  await dialog.getByRole("button", { name: "Revoke" }).click();
  await row.locator(".badge", { hasText: "revoked" }).waitFor();
  assert.equal(await row.getByRole("button", { name: `Revoke ${name}` }).count(), 0);
  const listed = await context.request.get(`${fx.berth.base}/api/tokens`);
  const record = (await listed.json()).find((token) => token.name === name);
  assert.equal(record.kind, "certificate");
  assert.ok(record.revoked_at, "the store has it revoked");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the viewer role is described as the policy has it: logs may be saved, files may not be read", async () => {
  const admin = await openPage(fx.browser, `${fx.berth.base}/admin/users`);
  const described = await admin.page.locator(".role-legend dd").nth(2).textContent();
  assert.doesNotMatch(described, /no downloads/);
  assert.match(described, /logs \(which they may save\)/);
  assert.match(described, /no files from containers or volumes/);
  await admin.context.close();

  const name = fx.runScript("viewer-logs", "echo one; echo two; exec sleep 600");
  const { page, context } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers/${name}/logs`, { user: "viewer" });
  await page.getByTestId("logview").locator(".log-row").first().waitFor({ timeout: 15_000 });
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download", exact: true }).click();
  assert.equal((await download).suggestedFilename(), `${name}-logs.txt`);
  // The files of the same container are not theirs to read.
  const archive = await page.evaluate(async (id) => (await fetch(`/engine/local/containers/${id}/archive?path=/etc`)).status, name);
  assert.equal(archive, 403);
  await context.close();
});

test("a viewer on an admin page sees the refusal and no forms", async () => {
  const { page, context } = await openPage(fx.browser, `${fx.berth.base}/admin/users`, { user: "viewer" });
  await page.getByRole("alert").first().waitFor();
  assert.equal(await page.getByRole("button", { name: "Add user" }).count(), 0);
  assert.equal(await page.getByTestId("users-table").count(), 0);
  await context.close();
});
