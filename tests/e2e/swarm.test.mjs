// Swarm in the browser, on a real two-node swarm (scripts/swarm.sh's engines, each in a network
// namespace of its own): an admin starts a swarm on the manager and joins the second engine to
// it as a worker, both from the swarm page; a service created from the form with a secret, a
// config, a constraint and a published port spreads its tasks over both nodes; draining the
// worker moves them (the dialog names them first); scaling, rolling back, the aggregated logs
// with each line's task, a redeploy's progress per task, and removing it. The tasks page finds
// them, and a task on the worker links to its container in the worker's environment. A
// service of a private image pulls it with the saved registry the form picks for that image.
//
// Berth's `local` environment is the manager; the worker is added as the environment `worker`.
// The test begins by making both engines leave any swarm they are in.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, openPage, required, startBerth, startRegistries, uniqueName } from "./support.mjs";

const MANAGER = required("BERTH_TEST_SWARM_MANAGER");
const WORKER = required("BERTH_TEST_SWARM_WORKER");
const MANAGER_ADDR = required("BERTH_TEST_SWARM_MANAGER_ADDR");

function dockerOn(host, ...args) {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST: host },
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  }).trim();
}

function leave(host) {
  if (dockerOn(host, "info", "--format", "{{.Swarm.LocalNodeState}}") !== "inactive") {
    dockerOn(host, "swarm", "leave", "--force");
  }
}

const service = uniqueName("svc").slice(-40);
const secret = uniqueName("secret").slice(-40);
const config = uniqueName("config").slice(-40);
let berth;
let chromium;

before(async () => {
  leave(WORKER);
  leave(MANAGER);
  berth = await startBerth({ engine: MANAGER, environments: [["--name", "worker", "--docker-host", WORKER]] });
  chromium = await launchBrowser();
});

after(async () => {
  try {
    dockerOn(MANAGER, "service", "rm", service);
  } catch {
    // Removed by the test.
  }
  await chromium?.close();
  await berth?.stop();
});

/** The running tasks of the service page, as node names. */
async function runningNodes(page) {
  return page.locator('[data-testid="service-tasks"] tr[data-state="running"]').evaluateAll((rows) =>
    rows.map((row) => row.getAttribute("data-node")),
  );
}

/** Waits until `check` of the service page's running tasks holds, reading them as they change. */
async function waitForTasks(page, what, check, timeout = 120_000) {
  const deadline = Date.now() + timeout;
  let nodes = [];
  while (Date.now() < deadline) {
    nodes = await runningNodes(page);
    if (check(nodes)) return nodes;
    // The page updates itself (events, and re-reads while the service settles): wait for the
    // table to change rather than for time to pass.
    await page
      .waitForFunction(
        (before) => {
          const rows = [...document.querySelectorAll('[data-testid="service-tasks"] tr[data-state="running"]')];
          return rows.map((row) => row.getAttribute("data-node")).join(",") !== before;
        },
        nodes.join(","),
        { timeout: Math.max(1, deadline - Date.now()) },
      )
      .catch(() => {});
  }
  assert.fail(`${what}: running tasks on ${JSON.stringify(nodes)}`);
}

test("an admin starts a swarm on one engine and joins the other to it as a worker", async () => {
  const { page, context, errors } = await openPage(chromium.browser, `${berth.base}/env/local/swarm`);
  await page.getByTestId("swarm-init-form").waitFor();
  assert.match(await page.getByTestId("swarm-state").textContent(), /not in a swarm/);
  // Outside a swarm the navigation offers the swarm page alone.
  assert.equal(await page.locator('nav[aria-label="Swarm"] a').count(), 1);

  const init = page.getByTestId("swarm-init-form");
  await init.getByLabel("Advertise address").fill(MANAGER_ADDR);
  await init.getByRole("button", { name: "Initialise swarm" }).click();
  const tokens = page.getByTestId("swarm-tokens");
  await tokens.waitFor({ timeout: 30_000 });
  const workerToken = (await page.getByTestId("worker-token").textContent()).trim();
  assert.match(workerToken, /^SWMTKN-1-/);
  assert.match(await page.getByTestId("swarm-state").textContent(), /swarm manager/);
  // As a manager, the whole swarm section shows.
  await page.locator('nav[aria-label="Swarm"] a', { hasText: "Services" }).waitFor();

  // The worker environment, which `berth environment add` made before Berth started.
  await page.goto(`${berth.base}/env/worker/swarm`);
  const join = page.getByTestId("swarm-join-form");
  await join.waitFor({ timeout: 30_000 });
  await join.getByLabel("Manager address").fill(`${MANAGER_ADDR}:2377`);
  await join.getByLabel("Join token").fill(workerToken);
  await join.getByRole("button", { name: "Join swarm" }).click();
  await page.getByTestId("swarm-state").filter({ hasText: "swarm worker" }).waitFor({ timeout: 30_000 });

  await page.goto(`${berth.base}/env/local/nodes`);
  const table = page.getByTestId("nodes-table");
  await table.locator('tr[data-node="swarmb"]').waitFor({ timeout: 30_000 });
  assert.match(await table.locator('tr[data-node="swarma"]').textContent(), /manager\s*leader/);
  assert.match(await table.locator('tr[data-node="swarmb"]').textContent(), /worker/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a service made in the form, with a secret, a config, a constraint and a port, spreads over both nodes", async () => {
  execFileSync("docker", ["secret", "create", secret, "-"], { env: { ...process.env, DOCKER_HOST: MANAGER }, input: "s3cret" });
  execFileSync("docker", ["config", "create", config, "-"], { env: { ...process.env, DOCKER_HOST: MANAGER }, input: "greeting=hello" });

  const { page, context, errors } = await openPage(chromium.browser, `${berth.base}/env/local/services/new`);
  const form = page.getByTestId("service-form");
  await form.waitFor();
  // What the swarm has is offered: its secrets and configs, and the nodes' attributes.
  await form.getByTestId("known-files").filter({ hasText: secret }).waitFor();
  assert.match(await form.getByTestId("constraint-suggestions").textContent(), /node\.hostname==swarmb/);
  await form.locator("[name=name]").fill(service);
  await form.locator("[name=image]").fill("busybox:latest");
  await form.locator("[name=replicas]").fill("4");
  await form.locator("[name=args]").fill(`sh -c 'echo "hello from $(hostname)"; cat /etc/greeting; sleep 3600'`);
  await form.locator("[name=ports]").fill("8089:80");
  await form.locator("[name=secrets]").fill(`source=${secret},target=app_secret,mode=0400`);
  await form.locator("[name=configs]").fill(`source=${config},target=/etc/greeting`);
  await form.locator("[name=constraints]").fill("node.platform.os==linux");
  await form.getByLabel("Placement preferences").fill("spread=node.id");
  // The command line says the same.
  await form.locator("summary", { hasText: "Copy as docker service create" }).click();
  const line = await form.getByTestId("service-command").textContent();
  assert.match(line, new RegExp(`docker service create --name ${service} --replicas 4 `));
  assert.match(line, /--publish 8089:80/);
  await form.getByRole("button", { name: "Create service" }).click();

  // The service's page, its tasks on both nodes once they run.
  await page.waitForURL(/\/env\/local\/services\/[a-z0-9]{20,}$/, { timeout: 30_000 });
  const nodes = await waitForTasks(page, "four tasks on both nodes", (n) => n.length === 4 && n.includes("swarma") && n.includes("swarmb"));
  assert.equal(nodes.length, 4);

  const spec = JSON.parse(dockerOn(MANAGER, "service", "inspect", service, "--format", "{{json .Spec}}"));
  const container = spec.TaskTemplate.ContainerSpec;
  assert.equal(container.Secrets[0].SecretName, secret);
  assert.equal(container.Secrets[0].File.Name, "app_secret");
  assert.equal(container.Secrets[0].File.Mode, 0o400);
  assert.equal(container.Configs[0].File.Name, "/etc/greeting");
  assert.deepEqual(spec.TaskTemplate.Placement.Constraints, ["node.platform.os==linux"]);
  assert.equal(spec.EndpointSpec.Ports[0].PublishedPort, 8089);
  assert.deepEqual(errors, []);
  await context.close();
});

/** The worker environment's swarm node id, once Berth's probe of it has seen it in the swarm:
 * read from `/api/overview`, following its revisions (each answer waits for news). */
async function workerNode(page, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  let after = null;
  while (Date.now() < deadline) {
    const overview = await page.evaluate(async (after) => {
      const response = await fetch(after === null ? "/api/overview" : `/api/overview?after=${after}`);
      return response.json();
    }, after);
    const node = overview.environments.find((card) => card.id === "worker")?.facts?.swarm_node;
    if (node) return node;
    after = overview.revision;
  }
  assert.fail("the worker environment never showed its swarm node");
}

test("the tasks page finds the service's tasks, and each container leads to its page in its node's environment", async () => {
  const { page, context, errors } = await openPage(chromium.browser, `${berth.base}/env/local/tasks`);
  const node = await workerNode(page);
  assert.equal(node, dockerOn(WORKER, "info", "--format", "{{.Swarm.NodeID}}"));
  // A fresh load: the shell reads the environments, the worker's node among them.
  await page.goto(`${berth.base}/env/local/tasks`);
  await page.getByRole("searchbox", { name: "Search tasks" }).fill(service);
  const rows = page.locator(`[data-testid="tasks-table"] tr[data-task^="${service}."][data-state="running"]`);
  await rows.nth(3).waitFor();
  assert.equal(await page.locator('[data-testid="tasks-table"] tbody tr').count(), 4);

  // The manager's containers open here, the worker's in the worker's environment.
  const local = rows.and(page.locator('[data-node="swarma"]')).first().locator('a[href*="/containers/"]');
  assert.match(await local.getAttribute("href"), /^\/env\/local\/containers\/[0-9a-f]{64}$/);
  const remote = rows.and(page.locator('[data-node="swarmb"]')).first().locator('a[href*="/containers/"]');
  await remote.waitFor();
  const href = await remote.getAttribute("href");
  assert.match(href, /^\/env\/worker\/containers\/[0-9a-f]{64}$/);
  await remote.click();
  await page.waitForURL((url) => url.pathname === href);
  const id = href.split("/").pop();
  const name = dockerOn(WORKER, "inspect", "--format", "{{.Name}}", id).replace(/^\//, "");
  assert.ok(name.startsWith(`${service}.`), name);
  await page.getByRole("heading", { level: 1, name }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test("a private image's service pulls it with the saved registry the form picks for the image", async () => {
  // The image is pushed to the manager's registry that needs a password, and the engine keeps
  // no copy: the node must pull it.
  const registry = startRegistries(MANAGER);
  const image = `${registry.auth}/${uniqueName("private").slice(-30)}:1`;
  const dockerConfig = mkdtempSync(join(tmpdir(), "docker-config-"));
  const withLogin = { env: { ...process.env, DOCKER_HOST: MANAGER, DOCKER_CONFIG: dockerConfig }, stdio: ["pipe", "pipe", "pipe"] };
  try {
    execFileSync("docker", ["login", "--username", registry.user, "--password-stdin", registry.auth], { ...withLogin, input: registry.password });
    execFileSync("docker", ["tag", "busybox:latest", image], withLogin);
    execFileSync("docker", ["push", image], withLogin);
    execFileSync("docker", ["rmi", image], withLogin);
  } finally {
    rmSync(dockerConfig, { recursive: true, force: true });
  }

  const admin = await openPage(chromium.browser, `${berth.base}/admin/registries`);
  const registryForm = admin.page.getByTestId("registry-form");
  await registryForm.locator('input[name="name"]').fill("Swarm registry");
  await registryForm.locator('input[name="address"]').fill(registry.auth);
  await registryForm.locator('input[name="username"]').fill(registry.user);
  await registryForm.locator('input[name="password"]').fill(registry.password);
  await registryForm.getByRole("button", { name: "Check and save" }).click();
  await admin.page.getByTestId("registries-table").getByText("Swarm registry").waitFor();
  await admin.context.close();

  const privateService = uniqueName("private-svc").slice(-40);
  const { page, context, errors } = await openPage(chromium.browser, `${berth.base}/env/local/services/new`);
  try {
    const form = page.getByTestId("service-form");
    await form.waitFor();
    await form.locator("[name=name]").fill(privateService);
    await form.locator("[name=image]").fill(image);
    await form.locator("[name=replicas]").fill("1");
    await form.locator("[name=args]").fill("sleep 3600");
    await form.locator("[name=constraints]").fill("node.role==manager");
    // The saved registry that serves the image is chosen for it.
    await page.waitForFunction(() => document.querySelector('[data-testid="service-form"] [data-testid="registry-select"]').value !== "");
    assert.match(await form.getByTestId("registry-select").locator("option:checked").textContent(), /Swarm registry/);
    await form.getByRole("button", { name: "Create service" }).click();
    await page.waitForURL(/\/env\/local\/services\/[a-z0-9]{20,}$/, { timeout: 30_000 });
    const nodes = await waitForTasks(page, "the private image's task on the manager", (n) => n.length === 1);
    assert.deepEqual(nodes, ["swarma"]);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    dockerOn(MANAGER, "service", "rm", privateService);
  }
});

test("draining the worker names the tasks that will move, and they move to the manager", async () => {
  const { page, context, errors } = await openPage(chromium.browser, `${berth.base}/env/local/nodes`);
  const row = page.locator('tr[data-node="swarmb"]');
  await row.waitFor();
  await row.getByTestId("node-availability").click();
  const dialog = page.getByRole("dialog");
  await dialog.getByTestId("moving-tasks").waitFor();
  const moving = await dialog.getByTestId("moving-tasks").locator("li").allTextContents();
  assert.ok(moving.length >= 1 && moving.every((name) => name.startsWith(`${service}.`)), JSON.stringify(moving));
  await dialog.getByRole("button", { name: "Drain node" }).click();
  await row.getByTestId("availability").filter({ hasText: "drain" }).waitFor({ timeout: 15_000 });

  await page.goto(`${berth.base}/env/local/services/${encodeURIComponent(service)}`);
  await waitForTasks(page, "every task on the manager", (n) => n.length === 4 && n.every((node) => node === "swarma"));

  // The cluster map on the swarm page shows the same: the worker drained, the tasks on the manager.
  await page.goto(`${berth.base}/env/local/swarm`);
  const map = page.getByTestId("cluster-map");
  await map.waitFor();
  assert.match(await map.locator('[data-node="swarmb"]').textContent(), /drain/);
  assert.equal(await map.locator(`[data-node="swarma"] [data-task^="${service}."]`).count(), 4);

  // Back to active, from the list again.
  await page.goto(`${berth.base}/env/local/nodes`);
  await row.getByTestId("node-availability").click();
  await page.getByRole("dialog").getByRole("button", { name: "Activate node" }).click();
  await row.getByTestId("availability").filter({ hasText: "active" }).waitFor({ timeout: 15_000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test("a service scales, rolls back, shows every task's logs and a rollout's progress, and is removed after asking", async () => {
  const { page, context, errors } = await openPage(chromium.browser, `${berth.base}/env/local/services/${encodeURIComponent(service)}`);
  const failed = [];
  page.on("response", (response) => {
    if (response.status() >= 500) failed.push(new URL(response.url()).pathname);
  });
  const scale = page.getByTestId("scale-form");
  await scale.waitFor();
  await scale.getByLabel("Replicas").fill("2");
  await scale.getByRole("button", { name: "Scale" }).click();
  await waitForTasks(page, "two tasks", (n) => n.length === 2);

  // Rolling back returns to the spec before the scale: four replicas.
  await page.getByTestId("rollback").click();
  await page.getByRole("dialog").getByRole("button", { name: "Roll back" }).click();
  await waitForTasks(page, "four tasks again", (n) => n.length === 4);
  assert.equal(JSON.parse(dockerOn(MANAGER, "service", "inspect", service, "--format", "{{json .Spec.Mode}}")).Replicated.Replicas, 4);

  // The aggregated logs: every task's lines, each named by its task and node.
  await page.getByRole("tab", { name: "Logs" }).click();
  const logs = page.getByTestId("logview");
  await logs.filter({ hasText: "hello from" }).waitFor({ timeout: 30_000 });
  const text = await logs.textContent();
  assert.match(text, new RegExp(`${service}\\.\\d@swarm[ab] hello from`));
  assert.match(text, /greeting=hello/);

  // A redeploy rolls out one task at a time, a minute apart: while it does, each task says
  // whether it is updated yet, and the progress counts the updated ones.
  await page.getByRole("tab", { name: "Overview" }).click();
  dockerOn(MANAGER, "service", "update", "--detach", "--update-parallelism", "1", "--update-delay", "60s", service);
  await page.getByTestId("redeploy").click();
  await page.getByRole("dialog").getByRole("button", { name: "Redeploy" }).click();
  const tasks = page.getByTestId("service-tasks");
  await tasks.locator('[data-rollout="done"]').waitFor({ timeout: 60_000 });
  assert.equal(await tasks.locator('[data-rollout="waiting"]').count(), 3);
  assert.equal(await tasks.locator('[data-rollout="done"]').textContent(), "updated");
  assert.match(await page.getByTestId("update-status").textContent(), /1 of 4 tasks updated/);

  await page.getByRole("button", { name: "Remove" }).click();
  const dialog = page.getByRole("dialog");
  assert.match(await dialog.textContent(), /running tasks? stop/);
  await dialog.getByRole("button", { name: "Remove" }).click();
  await page.waitForURL(/\/env\/local\/services$/);
  assert.doesNotMatch(dockerOn(MANAGER, "service", "ls", "--format", "{{.Name}}"), new RegExp(service));
  // The redeploy asked the registry for the tag's digest, which no registry here answers: the
  // engine's 500 there is the one failure, and the page went on without the digest.
  assert.ok(failed.length > 0 && failed.every((path) => path.includes("/distribution/")), failed.join(", "));
  assert.deepEqual(errors.filter((error) => !/status of 500/.test(error)), []);
  await context.close();
});
