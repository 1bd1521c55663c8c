// Screenshots of the swarm's pages (swarm, nodes, services, a service, the new-service form,
// tasks, secrets, configs and a config), in the light and dark themes and at a phone's width, for review. Not a test (its name
// does not end in .test.mjs). Needs scripts/swarm.sh's swarm formed:
//   bash scripts/swarm.sh form; eval "$(bash scripts/swarm.sh env)"
//   BERTH_BIN=target/debug/berth node tests/e2e/swarm-screenshots.mjs

import { execFileSync } from "node:child_process";
import { artifacts, launchBrowser, screenshotPages, startBerth } from "./support.mjs";

const host = process.env.BERTH_TEST_SWARM_MANAGER;
const docker = (...args) => execFileSync("docker", args, { env: { ...process.env, DOCKER_HOST: host }, encoding: "utf8" }).trim();
const services = ["shot-web", "shot-agent", "shot-pending"];
const quietly = (...args) => { try { docker(...args); } catch { /* not there */ } };
const tearDown = () => {
  services.forEach((name) => quietly("service", "rm", name));
  quietly("secret", "rm", "shot-db-password");
  quietly("config", "rm", "shot-nginx.conf", "shot-unused.conf");
};

tearDown();
execFileSync("docker", ["secret", "create", "--label", "app=web", "shot-db-password", "-"], { env: { ...process.env, DOCKER_HOST: host }, input: "hunter2" });
execFileSync("docker", ["config", "create", "shot-nginx.conf", "-"], { env: { ...process.env, DOCKER_HOST: host }, input: "server {\n  listen 80;\n  location / { root /srv; }\n}\n" });
execFileSync("docker", ["config", "create", "--label", "team=infra", "shot-unused.conf", "-"], { env: { ...process.env, DOCKER_HOST: host }, input: "a=1\n" });
docker("service", "create", "-d", "--no-resolve-image", "--name", "shot-web", "--replicas", "3", "-p", "8090:80", "--secret", "shot-db-password", "--config", "source=shot-nginx.conf,target=/etc/nginx.conf,mode=0440", "busybox:latest", "httpd", "-f", "-p", "80");
docker("service", "create", "-d", "--no-resolve-image", "--name", "shot-agent", "--mode", "global", "busybox:latest", "sleep", "3600");
docker("service", "create", "-d", "--no-resolve-image", "--name", "shot-pending", "--constraint", "node.labels.none==x", "busybox:latest", "sleep", "3600");
const berth = await startBerth({ engine: host });
const chromium = await launchBrowser();
try {
  const pages = [
    ["swarm", "/env/local/swarm", '[data-testid="cluster-map"]'],
    ["nodes", "/env/local/nodes", '[data-testid="nodes-table"]'],
    ["services", "/env/local/services", '[data-testid="services-table"]'],
    ["service", "/env/local/services/shot-web", '[data-testid="service-tasks"]'],
    ["service-new", "/env/local/services/new", '[data-testid="service-form"]'],
    ["tasks", "/env/local/tasks", '[data-testid="tasks-table"]'],
    ["secrets", "/env/local/secrets", '[data-testid="secrets-table"]'],
    ["configs", "/env/local/configs", '[data-testid="configs-table"]'],
    ["config", "/env/local/configs/shot-nginx.conf", '[data-testid="config-data"]'],
  ];
  await screenshotPages(chromium.browser, berth.base, pages, { prefix: "swarm-", fullPage: (name) => name !== "service-new" });
} finally {
  await chromium.close();
  await berth.stop();
  tearDown();
}
console.log(`wrote ${artifacts}/swarm-*.png`);
