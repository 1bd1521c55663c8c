// Images against the real engine and two local registries (scripts/registry.sh): pull with
// per-layer progress, push with saved credentials, build with streamed output and cancel,
// export and load, prune, history, roles. Review screenshots of the page are taken by
// images-screenshots.mjs.

import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { artifacts, docker, dockerHost, openPage, startRegistries, uniqueName } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

let registries;
const fx = berthFixture({ users: ["admin", "operator", "viewer"] });
const { images } = fx;

/** Builds an image with the docker CLI from a Dockerfile given as text, returning its id. */
function dockerBuild(dockerfile, ...args) {
  return execFileSync("docker", ["build", "-q", ...args, "-"], {
    env: { ...process.env, DOCKER_HOST: dockerHost(), DOCKER_BUILDKIT: "0" },
    input: dockerfile,
    encoding: "utf8",
  }).trim();
}

function imageExists(name) {
  try {
    docker("image", "inspect", name);
    return true;
  } catch {
    return false;
  }
}

before(() => {
  registries = startRegistries();
});

async function imagesPage(options = {}) {
  const opened = await openPage(fx.browser, `${fx.berth.base}/env/local/images`, options);
  await opened.page.getByTestId("images-table").waitFor();
  return opened;
}

test("pulls from a registry with a progress bar per layer and overall", async () => {
  // A three-layer image in the open registry, absent from the engine.
  const reference = `${registries.open}/${uniqueName("pull")}:1`;
  dockerBuild(
    "FROM busybox:latest\nRUN head -c 3000000 /dev/urandom > /a\nRUN head -c 2000000 /dev/urandom > /b\n",
    "-t", reference,
  );
  docker("push", reference);
  docker("rmi", reference);
  images.push(reference);

  const { page, context, errors } = await imagesPage();
  await page.getByRole("button", { name: "Pull", exact: true }).click();
  const dialog = page.getByTestId("pull-dialog");
  await dialog.locator('input[name="reference"]').fill(reference);
  await dialog.getByRole("button", { name: "Inspect" }).click();
  const distribution = dialog.getByTestId("distribution");
  await distribution.waitFor();
  assert.match(await distribution.textContent(), /sha256:[0-9a-f]{64}/);
  assert.match(await distribution.textContent(), /linux\/amd64/);

  await dialog.getByRole("button", { name: "Pull", exact: true }).click();
  await dialog.getByTestId("job-done").waitFor({ timeout: 60_000 });
  const layers = dialog.getByTestId("progress-layers").locator(".progress-layer");
  assert.ok((await layers.count()) >= 3, "one bar per layer");
  const overall = dialog.locator('[role="progressbar"][aria-label="Overall"]');
  assert.equal(await overall.getAttribute("aria-valuenow"), "100");
  await page.screenshot({ path: join(artifacts, "images-pull-light.png") });
  assert.ok(imageExists(reference), "the engine has the pulled image");
  await dialog.getByRole("button", { name: "Close" }).click();
  await page.locator(`tr[data-tags="${reference}"]`).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test("saves a registry's credentials and pushes to it with them", async () => {
  const registriesPage = await openPage(fx.browser, `${fx.berth.base}/admin/registries`);
  const form = registriesPage.page.getByTestId("registry-form");
  await form.locator('input[name="name"]').fill("Local with auth");
  await form.locator('input[name="address"]').fill(registries.auth);
  await form.locator('input[name="username"]').fill(registries.user);
  await form.locator('input[name="password"]').fill("wrong password");
  await form.getByRole("button", { name: "Check and save" }).click();
  await form.getByRole("alert").waitFor();
  assert.match(await form.getByRole("alert").textContent(), /refused/);
  await form.locator('input[name="password"]').fill(registries.password);
  await form.getByRole("button", { name: "Check and save" }).click();
  await registriesPage.page.getByTestId("registries-table").getByText("Local with auth").waitFor();
  await registriesPage.page.screenshot({ path: join(artifacts, "registries-light.png") });
  await registriesPage.context.close();

  // An operator tags busybox for the auth registry and pushes it; the credentials are picked
  // from the saved registry that serves the tag.
  const target = `${registries.auth}/${uniqueName("push")}:1`;
  images.push(target);
  const { page, context, errors } = await imagesPage({ user: "operator" });
  const busybox = page.locator("tr[data-tags~='busybox:latest']");
  await busybox.getByRole("button", { name: "Tag" }).click();
  const tagDialog = page.getByTestId("tag-dialog");
  await tagDialog.locator('input[name="tag"]').fill(target);
  await tagDialog.getByRole("button", { name: "Add tag" }).click();
  const row = page.locator(`tr[data-tags~="${target}"]`);
  await row.waitFor();
  await page.getByTestId("images-table").locator(`tr[data-tags~="${target}"] .chip`).first().waitFor();
  // The push button pushes the row's first tag; open the detail page to push this very tag.
  await row.locator("td.mono a").click();
  await page.getByTestId("tag-list").waitFor();
  await page.getByTestId("tag-list").locator("li", { hasText: target }).getByRole("button", { name: "Push" }).click();
  const dialog = page.getByTestId("push-dialog");
  const select = dialog.getByTestId("registry-select");
  await page.waitForFunction(() => document.querySelector('[data-testid="push-dialog"] select').value !== "");
  assert.match(await select.locator("option:checked").textContent(), /Local with auth/);
  await dialog.getByRole("button", { name: "Push", exact: true }).click();
  await dialog.getByTestId("job-done").waitFor({ timeout: 60_000 });
  assert.match(await dialog.getByTestId("progress-log").textContent(), /digest: sha256:/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("builds from a Dockerfile with live output, then shows its history", async () => {
  const tag = `${uniqueName("build")}:1`;
  images.push(tag);
  const { page, context, errors } = await imagesPage();
  await page.getByRole("button", { name: "Build", exact: true }).click();
  const dialog = page.getByTestId("build-dialog");
  await dialog.locator('textarea[name="dockerfile"]').fill(
    "FROM busybox:latest\nARG GREETING\nRUN echo \"built-by-berth $GREETING\" > /greeting && cat /greeting\n",
  );
  await dialog.locator('input[name="tags"]').fill(tag);
  await dialog.locator('textarea[name="build-args"]').fill("GREETING=hello");
  await dialog.locator('textarea[name="labels"]').fill("berth.test=yes");
  await dialog.locator('input[name="no-cache"]').check();
  await dialog.getByRole("button", { name: "Build", exact: true }).click();
  await dialog.getByTestId("job-done").waitFor({ timeout: 120_000 });
  const log = await dialog.getByTestId("progress-log").textContent();
  assert.match(log, /built-by-berth hello/);
  assert.match(log, /Successfully tagged/);
  await page.screenshot({ path: join(artifacts, "images-build-light.png") });
  assert.equal(docker("image", "inspect", "-f", "{{index .Config.Labels \"berth.test\"}}", tag), "yes");

  await dialog.getByRole("button", { name: "Close" }).click();
  await page.locator(`tr[data-tags~="${tag}"] td.mono a`).click();
  // The history is the image page's own tab.
  await page.getByRole("tab", { name: "History" }).click();
  const history = page.getByTestId("history-table");
  await history.waitFor();
  assert.match(await history.textContent(), /RUN .*built-by-berth/);
  await page.screenshot({ path: join(artifacts, "image-detail-light.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test("cancelling a build stops it on the engine", async () => {
  const tag = `${uniqueName("cancel")}:1`;
  const marker = uniqueName("sleeper");
  const { page, context } = await imagesPage();
  await page.getByRole("button", { name: "Build", exact: true }).click();
  const dialog = page.getByTestId("build-dialog");
  await dialog.locator('textarea[name="dockerfile"]').fill(
    `FROM busybox:latest\nRUN echo ${marker} && sleep 600\n`,
  );
  await dialog.locator('input[name="tags"]').fill(tag);
  await dialog.getByRole("button", { name: "Build", exact: true }).click();
  const running = () => docker("ps", "-q", "--filter", "status=running").split("\n").filter(Boolean)
    .some((id) => docker("inspect", "-f", "{{join .Config.Cmd \" \"}}", id).includes(marker));
  for (let attempt = 0; attempt < 240 && !running(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.ok(running(), "the build step runs on the engine");
  await dialog.getByRole("button", { name: "Cancel build" }).click();
  await dialog.getByText("Cancelled.").waitFor();
  // The engine kills the step's container once the gateway drops the request.
  for (let attempt = 0; attempt < 120 && running(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.ok(!running(), "the build step was stopped");
  assert.ok(!imageExists(tag), "no image was tagged");
  await context.close();
});

test("exports images and loads them back with upload progress", async () => {
  const tag = `${uniqueName("archive")}:1`;
  dockerBuild(`FROM busybox:latest\nRUN echo ${tag} > /marker\n`, "-t", tag);
  images.push(tag);
  const { page, context, errors } = await imagesPage();
  const row = page.locator(`tr[data-tags~="${tag}"]`);
  await row.locator('input[type="checkbox"]').check();
  const link = page.getByTestId("export-selected");
  const href = await link.getAttribute("href");
  assert.match(href, /\/engine\/local\/images\/get\?names=/);
  // Downloads do not run in this headless browser; the same link is fetched with the session.
  const response = await context.request.get(`${fx.berth.base}${href}`);
  assert.equal(response.status(), 200);
  const archive = await response.body();
  assert.equal(archive.subarray(257, 262).toString(), "ustar");

  docker("rmi", tag);
  await page.getByRole("button", { name: "Refresh" }).click();
  await row.waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Load / import" }).click();
  const dialog = page.getByTestId("load-dialog");
  await dialog.locator('input[name="archive"]').setInputFiles({
    name: "images.tar", mimeType: "application/x-tar", buffer: archive,
  });
  await dialog.getByRole("button", { name: "Load", exact: true }).click();
  await dialog.getByTestId("job-done").waitFor({ timeout: 60_000 });
  assert.match(await dialog.getByTestId("progress-log").textContent(), new RegExp(`Loaded image: ${tag}`));
  assert.ok(imageExists(tag));
  await dialog.getByRole("button", { name: "Close" }).click();
  await row.waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test("prunes dangling images and reports the space reclaimed", async () => {
  const id = dockerBuild(`FROM busybox:latest\nRUN head -c 1000000 /dev/urandom > /${uniqueName("dangling")}\n`);
  const { page, context, errors } = await imagesPage();
  await page.getByRole("button", { name: "Dangling" }).click();
  const short = id.replace("sha256:", "").slice(0, 12);
  await page.getByTestId("images-table").getByText(short).waitFor();
  // The count names images, not the layers and references the engine also lists.
  const dangling = await page.getByTestId("images-table").locator("tbody tr").count();
  await page.getByRole("button", { name: "Prune", exact: true }).click();
  const confirm = page.locator("dialog[open]");
  assert.match(await confirm.textContent(), /Prune images\?/);
  await confirm.getByRole("button", { name: "Prune" }).click();
  const toast = page.locator(".toast-success", { hasText: "reclaimed" });
  await toast.waitFor();
  const counted = dangling === 1 ? "1 image" : `${dangling} images`;
  assert.match(await toast.textContent(), new RegExp(`Pruned ${counted}, reclaimed [\\d.]+ [kMG]?B`));
  assert.ok(!imageExists(id), "the dangling image is gone");
  assert.deepEqual(errors, []);
  await context.close();
});

test("viewers see images but none of the actions", async () => {
  const { page, context } = await imagesPage({ user: "viewer" });
  assert.equal(await page.getByRole("button", { name: "Pull", exact: true }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Build", exact: true }).count(), 0);
  assert.equal(await page.locator("tr[data-tags~='busybox:latest']").getByRole("button").count(), 0);
  await context.close();
});

test("commits a container as a new image", async () => {
  const name = uniqueName("commit");
  docker("run", "-d", "--name", name, "busybox:latest", "sh", "-c", "echo committed > /state; sleep 600");
  const tag = `${uniqueName("committed")}:1`;
  images.push(tag);
  try {
    const { page, context, errors } = await imagesPage();
    await page.getByRole("button", { name: "Commit", exact: true }).click();
    const dialog = page.getByTestId("commit-dialog");
    const option = dialog.locator('select[name="container"] option', { hasText: name });
    await dialog.locator('select[name="container"]').selectOption(await option.getAttribute("value"));
    await dialog.locator('input[name="commit-reference"]').fill(tag);
    await dialog.locator('input[name="comment"]').fill("snapshot from the browser");
    await dialog.getByRole("button", { name: "Commit", exact: true }).click();
    await page.locator(`tr[data-tags~="${tag}"]`).waitFor();
    assert.equal(docker("image", "inspect", "-f", "{{.Comment}}", tag), "snapshot from the browser");
    assert.equal(docker("run", "--rm", tag, "cat", "/state"), "committed");
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    docker("rm", "-f", name);
  }
});
