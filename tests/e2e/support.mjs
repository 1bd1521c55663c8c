// Fixtures for Berth's browser tests: the real `berth` binary on an ephemeral port, the private
// Docker engine through the docker CLI, and headless Chromium through playwright-core.

import { execFileSync, spawn } from "node:child_process";
import { after, afterEach } from "node:test";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });

/** The private engine's address; `make test` sets it. */
export function dockerHost() {
  const host = process.env.BERTH_TEST_DOCKER_HOST;
  if (!host) {
    throw new Error("BERTH_TEST_DOCKER_HOST is not set: run the browser tests through `make test`");
  }
  return host;
}

/** Runs the docker CLI against the private engine and returns its trimmed output. */
export function docker(...args) {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST: dockerHost() },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** Whether a container exists on the private engine. */
export function containerExists(name) {
  try {
    docker("inspect", "--type", "container", name);
    return true;
  } catch {
    return false;
  }
}

/** Starts (or finds) the local registries next to a private engine (scripts/registry.sh; by
 * default the tests' own engine) and reads their addresses and the auth one's credentials. */
export function startRegistries(host = dockerHost()) {
  const engine = host.replace("unix://", "").split("/").slice(-2, -1)[0];
  const script = join(here, "..", "..", "scripts", "registry.sh");
  const output = execFileSync("bash", [script, "start", engine], { encoding: "utf8" });
  const value = (name) => output.match(new RegExp(`export ${name}=(\\S+)`))[1];
  return {
    open: value("BERTH_TEST_REGISTRY"),
    auth: value("BERTH_TEST_REGISTRY_AUTH"),
    user: value("BERTH_TEST_REGISTRY_USER"),
    password: value("BERTH_TEST_REGISTRY_PASSWORD"),
  };
}

/** The value of environment variable `name`, which `make test` sets. */
export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through \`make test\``);
  return value;
}

/**
 * A loopback port in front of a TCP address outside the tests' network namespace (`TLS`, `SSH`,
 * `IMAGE`), open until the file's tests end: scripts/e2e.sh relays each such address to a unix
 * socket, BERTH_TEST_<NAME>_RELAY, and this port forwards the bytes to it unchanged.
 */
export async function relayedPort(name) {
  const relay = required(`BERTH_TEST_${name}_RELAY`);
  const server = createServer((client) => {
    const upstream = connect(relay);
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  after(() => server.close());
  return server.address().port;
}

/** A name no other test uses. */
export function uniqueName(prefix) {
  return `berth-e2e-${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Starts a busybox container that stops promptly on SIGTERM. */
export function runContainer(name, ...extra) {
  docker(
    "run", "-d", "--name", name, ...extra, "busybox:latest",
    "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done",
  );
  return name;
}

/** Removes containers, ignoring those already gone. */
export function removeContainers(...names) {
  for (const name of names) {
    try {
      docker("rm", "-f", "-v", name);
    } catch {
      // Already removed by the test itself.
    }
  }
}

/** The password of every test user. */
export const PASSWORD = "correct horse battery staple";

export function berthBin() {
  const bin = process.env.BERTH_BIN;
  if (!bin) throw new Error("BERTH_BIN is not set: run the browser tests through `make test`");
  return bin;
}

/** Adds a user through `berth user add`, with the role its name says (admin, operator, viewer). */
export function addUser(dataDir, username, role = username) {
  execFileSync(berthBin(), ["user", "add", "--username", username, "--role", role, "--password-stdin"], {
    env: { ...process.env, BERTH_DATA_DIR: dataDir },
    input: `${PASSWORD}\n`,
    stdio: ["pipe", "ignore", "pipe"],
  });
}

/**
 * Starts `berth serve` with the given users (none for a fresh install) and environments (each
 * the arguments of a `berth environment add`), and resolves with its base URL, its data
 * directory, the set-up token if it printed one, and a stop function. Environments are added
 * before it serves, so its first page already knows them: one added to a running server reaches
 * it only on its next look at the store.
 */
export async function startBerth({ engine = dockerHost(), users = ["admin"], environments = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-e2e-"));
  for (const user of users) addUser(dataDir, user);
  for (const args of environments) {
    execFileSync(berthBin(), ["environment", "add", ...args], {
      env: { ...process.env, BERTH_DATA_DIR: dataDir },
      stdio: ["ignore", "ignore", "pipe"],
    });
  }
  const child = spawn(berthBin(), ["serve", "--listen", "127.0.0.1:0"], {
    env: { ...process.env, DOCKER_HOST: engine, BERTH_DATA_DIR: dataDir, BERTH_LOG: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const { base, setupToken } = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("berth did not print its URL in 30 s")), 30_000);
    let buffered = "";
    child.stdout.on("data", (chunk) => {
      buffered += chunk;
      const match = buffered.match(/Berth is ready at (http:\/\/\S+?)\/?\s/);
      if (match) {
        clearTimeout(timer);
        const token = buffered.match(/set-up token:\s*\n\s*(\S+)/);
        resolve({ base: match[1], setupToken: token ? token[1] : null });
      }
    });
    child.on("exit", (code) => reject(new Error(`berth exited early with ${code}`)));
  });
  return {
    base,
    dataDir,
    setupToken,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Launches headless Chromium with the flags these machines need. Playwright gives every launch
 * a fresh, empty user data directory of its own and removes it on close.
 */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.BERTH_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  // Every context, whoever opens it, reports what its pages did wrong when a test fails.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...options) => watchContext(await newContext(...options));
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** What went wrong in the pages of contexts still open, by page, for a failing test's report. */
const watched = new Map();

/** Records each page's uncaught errors, console errors and warnings, failed requests, error
 * answers and crashes. */
function watchContext(context) {
  context.on("page", (page) => {
    const log = [];
    watched.set(page, log);
    const note = (line) => log.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    page.on("pageerror", (error) => note(`uncaught: ${error.stack || error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") {
        note(`console.${message.type()}: ${message.text()}`);
      }
    });
    page.on("requestfailed", (request) => {
      note(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
    });
    // A console error names only a status: this names the request too.
    page.on("response", (response) => {
      if (response.status() >= 400) {
        note(`answered ${response.status()}: ${response.request().method()} ${response.url()}`);
      }
    });
    page.on("crash", () => note("the page crashed"));
    page.on("close", () => watched.delete(page));
  });
  context.on("close", () => {
    for (const page of context.pages()) watched.delete(page);
  });
  return context;
}

// A failing test prints, for every page it left open, where the page was, what it logged and
// what it showed, so that a failure on CI names its cause.
afterEach(async (t) => {
  if (t.passed) return;
  for (const [page, log] of watched) {
    t.diagnostic(`page ${page.url()}`);
    for (const line of log.flatMap((entry) => entry.split("\n"))) t.diagnostic(`  ${line}`);
    const text = await Promise.race([
      page.evaluate(() => document.body?.innerText ?? ""),
      new Promise((resolve) => setTimeout(resolve, 5_000, "(no answer in 5 s)")),
    ]).catch((error) => `(unreadable: ${error.message})`);
    t.diagnostic(`  shows: ${text.replace(/\s+/g, " ").slice(0, 1500)}`);
  }
});

/** Signs `context` in as `user` through the sign-in API, which sets the session cookie. */
export async function signIn(context, origin, user) {
  const response = await context.request.post(`${origin}/api/auth/login`, {
    data: { username: user, password: PASSWORD },
    headers: { origin },
  });
  if (!response.ok()) throw new Error(`signing in as ${user} failed: ${response.status()} ${await response.text()}`);
}

/** Replaces the section of a benchmark report between `<!-- name:start -->` and `<!-- name:end -->`
 * (which `section` carries), or appends it; the rest of the file stays as it is. */
export function writeReportSection(file, name, section) {
  const previous = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const marked = new RegExp(`<!-- ${name}:start -->[\\s\\S]*<!-- ${name}:end -->\\n?`);
  writeFileSync(file, marked.test(previous) ? previous.replace(marked, section) : `${previous.trimEnd()}\n\n${section}`);
}

/**
 * Opens a page that records any uncaught error in the app, signed in as `user` (through the
 * sign-in API, which sets the session cookie for the whole browser context) unless it is null.
 */
export async function openPage(browser, url, { colorScheme = "light", width = 1280, height = 800, user = "admin" } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  if (user) await signIn(context, new URL(url).origin, user);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto(url);
  return { page, context, errors };
}

/**
 * `{ at, drawn }`: the page's own clock (`performance.now()`, from its navigation) at the first
 * animation frame in which `selector` matches `count` elements, the frame that paints them, and
 * how many it matches then. Measured in the page, so
 * the test runner's polling adds nothing; start it before the page can have drawn them (after a
 * `goto` that waits only for the commit, or before a click made with `clickInPage`).
 */
export async function drawnAt(page, selector, { count = 1, timeout = 120_000 } = {}) {
  const found = await page.waitForFunction(
    ([selector, count]) => {
      const drawn = document.querySelectorAll(selector).length;
      return drawn >= count && { at: performance.now(), drawn };
    },
    [selector, count],
    { polling: "raf", timeout },
  );
  return found.jsonValue();
}

/** Clicks the element `selector` names from inside the page; returns the page's clock just before. */
export async function clickInPage(page, selector) {
  return page.evaluate((selector) => {
    const at = performance.now();
    document.querySelector(selector).click();
    return at;
  }, selector);
}

/**
 * Holds the app's WebAssembly back until the page has asked for every path in `paths` (path and
 * query), so those requests can only have come from index.html's loader, not from the app.
 * Returns how many times each path and query was asked for, counted as the page goes on.
 */
export async function holdAppUntilAsked(page, paths) {
  const asked = new Map();
  let release;
  const all = new Promise((resolve) => {
    release = resolve;
  });
  page.on("request", (request) => {
    const url = new URL(request.url());
    const path = url.pathname + url.search;
    asked.set(path, (asked.get(path) ?? 0) + 1);
    if (paths.every((wanted) => asked.has(wanted))) release();
  });
  await page.route(/\/berth-frontend_bg\.wasm$/, async (route) => {
    await all;
    await route.continue();
  });
  return asked;
}

/** The looks a review screenshot is taken in: light and dark at a desk's width, light at a phone's. */
export const REVIEW_LOOKS = [["light", 1280], ["dark", 1280], ["narrow", 390]];

/**
 * Takes review screenshots of `pages` (`[name, path, ready selector, before?]`) in every look, into
 * `artifacts/<prefix><name>-<look>.png`, each in a fresh signed-in context. `before(page, look)`
 * runs once the page is ready, to open a dialog or a tab; `fullPage` pages are shot whole.
 */
export async function screenshotPages(browser, base, pages, { prefix = "", fullPage = () => true } = {}) {
  for (const [name, path, ready, before] of pages) {
    for (const [look, width] of REVIEW_LOOKS) {
      const { page, context, errors } = await openPage(browser, `${base}${path}`, {
        colorScheme: look === "dark" ? "dark" : "light",
        width,
        height: 900,
      });
      await page.locator(ready).first().waitFor({ timeout: 30_000 });
      if (before) await before(page, look);
      await page.screenshot({ path: join(artifacts, `${prefix}${name}-${look}.png`), fullPage: fullPage(name) });
      await context.close();
      if (errors.length) throw new Error(`${path} (${look}) logged errors: ${errors.join("; ")}`);
    }
  }
}
