// The operator guardrails in the browser: an admin edits them on the Guardrails page, operators
// see them read-only, and the create form follows them (it hides what is not allowed, says why,
// and sends nothing the guardrails would refuse).

import { test } from "node:test";
import assert from "node:assert/strict";
import { containerExists, openPage, uniqueName } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture({ users: ["admin", "operator"] });

async function settings(page) {
  const response = await page.request.get(`${fx.berth.base}/api/env/local/guardrails`);
  assert.equal(response.status(), 200);
  return (await response.json()).guardrails;
}

test("the create form follows the restricted defaults and says why", async () => {
  const name = uniqueName("fenced");
  fx.created.push(name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/containers/new`, { user: "operator" });
  await page.getByTestId("privileged-fence").waitFor();
  assert.match(await page.getByTestId("privileged-fence").textContent(), /an admin has not allowed privileged containers/);
  assert.equal(await page.locator("#privileged").count(), 0);
  assert.match(await page.getByTestId("volumes-fence").textContent(), /not allowed host paths/);
  const networks = await page.locator("#network option").allTextContents();
  assert.ok(!networks.includes("host"), networks.join(", "));

  await page.locator("#image").fill("busybox:latest");
  await page.locator("#name").fill(name);
  await page.locator("#volumes").fill("/etc:/host-etc:ro");
  await page.locator("#cap_add").fill("SYS_ADMIN");
  await page.getByRole("button", { name: "Create container" }).click();
  const summary = await page.getByTestId("form-errors").textContent();
  assert.match(summary, /Volumes: "\/etc:\/host-etc:ro": An admin has not allowed host paths/);
  assert.match(summary, /Add capabilities: an admin has not allowed adding SYS_ADMIN/);
  assert.equal(containerExists(name), false);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("operators see the guardrails read-only", async () => {
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/guardrails`, { user: "operator" });
  const form = page.getByTestId("guardrails-form");
  await form.waitFor();
  assert.match(await form.textContent(), /Only admins change these settings/);
  assert.equal(await page.getByRole("button", { name: "Save guardrails" }).count(), 0);
  assert.ok(await page.locator('input[name="privileged"]').isDisabled());
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("an admin allows privileged containers and a host path, and the form offers them", async () => {
  const admin = await openPage(fx.browser, `${fx.berth.base}/env/local/guardrails`);
  const form = admin.page.getByTestId("guardrails-form");
  await form.waitFor();
  assert.match(await admin.page.getByTestId("protected-paths").textContent(), /docker\.sock/);
  for (const box of await admin.page.locator('[data-testid="guardrails-form"] input[type="checkbox"]').all()) {
    assert.equal(await box.isChecked(), false, "a fresh install allows nothing");
  }
  await admin.page.locator('input[name="privileged"]').check();
  await admin.page.locator('textarea[name="host_path_prefixes"]').fill("/srv/data/\n");
  await admin.page.getByRole("button", { name: "Save guardrails" }).click();
  await admin.page.getByText("Saved the guardrails of local").waitFor();
  const saved = await settings(admin.page);
  assert.equal(saved.privileged, true);
  assert.deepEqual(saved.host_path_prefixes, ["/srv/data"]);
  assert.equal(saved.host_network, false);
  await admin.page.reload();
  await admin.page.getByTestId("guardrails-form").waitFor();
  assert.equal(await admin.page.locator('input[name="privileged"]').isChecked(), true);
  assert.deepEqual(admin.errors, []);
  await admin.context.close();

  const operator = await openPage(fx.browser, `${fx.berth.base}/env/local/containers/new`, { user: "operator" });
  await operator.page.locator("#privileged").waitFor();
  assert.equal(await operator.page.getByTestId("privileged-fence").count(), 0);
  assert.match(await operator.page.getByTestId("volumes-fence").textContent(), /only under \/srv\/data/);
  assert.deepEqual(operator.errors, []);
  await operator.context.close();
});
