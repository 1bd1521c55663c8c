// Networks against the real engine: create with IPAM (IPv4 and dual-stack), field validation,
// the detail page with connect (alias, static IPv4 or IPv6 address) and disconnect, remove and
// prune.

import { test } from "node:test";
import assert from "node:assert/strict";
import { artifacts, docker, openPage, runContainer, uniqueName } from "./support.mjs";
import { berthFixture } from "./fixture.mjs";

const fx = berthFixture();
const { created: containers, networks } = fx;

function networkExists(name) {
  try {
    docker("network", "inspect", name);
    return true;
  } catch {
    return false;
  }
}

function field(page, label) {
  return page.getByTestId("network-create-form").getByRole("textbox", { name: new RegExp(`^${label}`) });
}

test("creates a network with a subnet, gateway, range and labels", async () => {
  const name = uniqueName("net");
  networks.push(name);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/networks`);
  await page.getByTestId("networks-table").waitFor();
  await page.getByRole("button", { name: "Create network" }).click();
  await field(page, "Name").fill(name);
  await field(page, "Subnet").fill("10.231.7.0/24");
  await field(page, "Gateway").fill("10.231.7.1");
  await field(page, "IP range").fill("10.231.7.128/25");
  await page.getByRole("checkbox", { name: /^Internal/ }).check();
  await field(page, "Labels").fill("team=infra\ntier=backend");
  await page.getByTestId("network-create-form").getByRole("button", { name: "Create network" }).click();
  await page.locator(`tr[data-network="${name}"]`).waitFor({ timeout: 15_000 });
  const inspected = JSON.parse(docker("network", "inspect", name))[0];
  assert.deepEqual(inspected.IPAM.Config, [
    { Subnet: "10.231.7.0/24", Gateway: "10.231.7.1", IPRange: "10.231.7.128/25" },
  ]);
  assert.equal(inspected.Internal, true);
  assert.deepEqual(inspected.Labels, { team: "infra", tier: "backend" });
  assert.match(await page.locator(`tr[data-network="${name}"]`).textContent(), /10\.231\.7\.0\/24.*internal/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("names the field that is wrong and sends nothing", async () => {
  const name = uniqueName("bad");
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/networks`);
  await page.getByRole("button", { name: "Create network" }).click();
  await field(page, "Name").fill(name);
  await field(page, "Subnet").fill("10.231.9.5/24");
  await page.getByTestId("network-create-form").getByRole("button", { name: "Create network" }).click();
  const subnet = field(page, "Subnet");
  await page.waitForFunction(() => document.querySelector('[aria-invalid="true"]'));
  assert.equal(await subnet.getAttribute("aria-invalid"), "true");
  assert.match(await page.getByTestId("network-create-form").textContent(), /did you mean 10\.231\.9\.0\/24\?/);
  await subnet.fill("10.231.9.0/24");
  await field(page, "Gateway").fill("10.99.0.1");
  await page.getByTestId("network-create-form").getByRole("button", { name: "Create network" }).click();
  await page.getByText("10.99.0.1 is outside the subnet 10.231.9.0/24").waitFor();
  assert.equal(await field(page, "Gateway").getAttribute("aria-invalid"), "true");
  assert.ok(!networkExists(name), "an invalid form must not create anything");
  await page.context().close();
});

test("connects a container with an alias and a static address, then disconnects it", async () => {
  const name = uniqueName("conn");
  networks.push(name);
  docker("network", "create", "--subnet", "10.231.8.0/24", name);
  const container = runContainer(uniqueName("member"));
  containers.push(container);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/networks`);
  await page.locator(`tr[data-network="${name}"]`).getByRole("link", { name }).click();
  await page.waitForURL(/\/env\/local\/networks\/[0-9a-f]{64}$/);
  await page.getByTestId("no-connected").waitFor();

  const form = page.getByTestId("connect-form");
  await form.getByRole("combobox", { name: /^Container/ }).selectOption(container);
  await form.getByRole("textbox", { name: /^Aliases/ }).fill("db, primary");
  await form.getByRole("textbox", { name: /^IPv4 address/ }).fill("10.231.8.77");
  await form.getByRole("button", { name: "Connect" }).click();

  const row = page.locator(`tr[data-container="${container}"]`);
  await row.waitFor({ timeout: 15_000 });
  assert.match(await row.getByTestId("ipv4").textContent(), /10\.231\.8\.77\s*static/);
  assert.deepEqual(await row.getByTestId("aliases").locator(".chip").allTextContents(), ["db", "primary"]);
  const endpoint = JSON.parse(docker("inspect", container))[0].NetworkSettings.Networks[name];
  assert.equal(endpoint.IPAddress, "10.231.8.77");
  assert.ok(endpoint.Aliases.includes("db") && endpoint.Aliases.includes("primary"));
  await page.screenshot({ path: `${artifacts}/network-detail.png`, fullPage: true });

  await page.getByRole("button", { name: `Disconnect ${container}` }).click();
  const dialog = page.getByRole("dialog");
  assert.match(await dialog.textContent(), /loses its address 10\.231\.8\.77/);
  await dialog.getByRole("button", { name: "Disconnect" }).click();
  await page.getByTestId("no-connected").waitFor({ timeout: 15_000 });
  const after = JSON.parse(docker("inspect", container))[0].NetworkSettings.Networks;
  assert.equal(after[name], undefined);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("creates a dual-stack network and connects a container with a static IPv6 address", async () => {
  const name = uniqueName("v6");
  networks.push(name);
  const container = runContainer(uniqueName("member6"));
  containers.push(container);
  const { page, errors } = await openPage(fx.browser, `${fx.berth.base}/env/local/networks`);
  await page.getByTestId("networks-table").waitFor();
  await page.getByRole("button", { name: "Create network" }).click();
  await field(page, "Name").fill(name);
  await field(page, "Subnet").fill("10.231.12.0/24");
  await page.getByRole("checkbox", { name: /^IPv6/ }).check();
  await field(page, "IPv6 subnet").fill("fd00:b1:10::/64");
  await page.getByTestId("network-create-form").getByRole("button", { name: "Create network" }).click();
  const listed = page.locator(`tr[data-network="${name}"]`);
  await listed.waitFor({ timeout: 15_000 });
  const inspected = JSON.parse(docker("network", "inspect", name))[0];
  assert.equal(inspected.EnableIPv6, true);
  assert.deepEqual(inspected.IPAM.Config.map((config) => config.Subnet).sort(), ["10.231.12.0/24", "fd00:b1:10::/64"]);
  assert.match(await listed.textContent(), /fd00:b1:10::\/64/);

  await listed.getByRole("link", { name }).click();
  await page.getByTestId("no-connected").waitFor();
  const form = page.getByTestId("connect-form");
  await form.getByRole("combobox", { name: /^Container/ }).selectOption(container);
  // An IPv4 address in the IPv6 field is refused before anything is sent.
  await form.getByRole("textbox", { name: /^IPv6 address/ }).fill("10.231.12.9");
  await form.getByRole("button", { name: "Connect" }).click();
  await form.getByText("this is an IPv4 address").waitFor();
  await form.getByRole("textbox", { name: /^IPv6 address/ }).fill("fd00:b1:10::42");
  await form.getByRole("button", { name: "Connect" }).click();
  const row = page.locator(`tr[data-container="${container}"]`);
  await row.waitFor({ timeout: 15_000 });
  assert.match(await row.getByTestId("ipv6").textContent(), /fd00:b1:10::42\s*static/);
  assert.match(await row.getByTestId("ipv4").textContent(), /^10\.231\.12\.\d+$/);
  const endpoint = JSON.parse(docker("inspect", container))[0].NetworkSettings.Networks[name];
  assert.equal(endpoint.GlobalIPv6Address, "fd00:b1:10::42");
  assert.equal(endpoint.IPAMConfig.IPv6Address, "fd00:b1:10::42");
  await page.screenshot({ path: `${artifacts}/network-detail-ipv6.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("shows the engine's refusal when the static address is taken", async () => {
  const name = uniqueName("taken");
  networks.push(name);
  docker("network", "create", "--subnet", "10.231.10.0/24", name);
  const first = runContainer(uniqueName("first"), "--network", name, "--ip", "10.231.10.5");
  const second = runContainer(uniqueName("second"));
  containers.push(first, second);
  const id = docker("network", "inspect", "-f", "{{.Id}}", name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/networks/${id}`);
  await page.locator(`tr[data-container="${first}"]`).waitFor();
  const form = page.getByTestId("connect-form");
  await form.getByRole("combobox", { name: /^Container/ }).selectOption(second);
  await form.getByRole("textbox", { name: /^IPv4 address/ }).fill("10.231.10.5");
  await form.getByRole("button", { name: "Connect" }).click();
  const alert = form.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /The engine refused: .*(in use|already)/i);
  await page.context().close();
});

test("removes a network from its page after naming what is lost", async () => {
  const name = uniqueName("rm");
  networks.push(name);
  docker("network", "create", "--subnet", "10.231.11.0/24", name);
  const id = docker("network", "inspect", "-f", "{{.Id}}", name);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/networks/${id}`);
  await page.getByRole("button", { name: "Remove" }).click();
  const dialog = page.getByRole("dialog");
  assert.equal(await dialog.getByRole("heading").textContent(), `Remove network ${name}?`);
  assert.match(await dialog.textContent(), /address pool 10\.231\.11\.0\/24/);
  await dialog.getByRole("button", { name: "Remove" }).click();
  await page.waitForURL(/\/env\/local\/networks$/);
  assert.ok(!networkExists(name));
  await page.context().close();
});

test("prunes unused networks and names them", async () => {
  const unused = uniqueName("prune");
  networks.push(unused);
  docker("network", "create", unused);
  const { page } = await openPage(fx.browser, `${fx.berth.base}/env/local/networks`);
  await page.locator(`tr[data-network="${unused}"]`).waitFor();
  await page.getByRole("button", { name: "Prune", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Prune networks" }).click();
  await page.getByText(new RegExp(`Removed \\d+ networks? .*${unused}`)).waitFor({ timeout: 15_000 });
  await page.locator(`tr[data-network="${unused}"]`).waitFor({ state: "detached" });
  assert.ok(!networkExists(unused));
  await page.context().close();
});
