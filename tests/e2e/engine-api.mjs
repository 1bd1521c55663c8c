// Reads the private engine's API directly (over its unix socket), so browser tests can compare
// what the UI shows with what the engine itself reports.

import { request } from "node:http";
import { dockerHost } from "./support.mjs";

/** `GET`s an Engine API path on the private engine and resolves with the decoded JSON. */
export function engineGet(path) {
  const host = dockerHost();
  if (!host.startsWith("unix://")) throw new Error(`engineGet needs a unix socket, not ${host}`);
  const socketPath = host.slice("unix://".length);
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: "GET", headers: { host: "docker" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => {
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode} ${body}`));
        else resolve(JSON.parse(body));
      });
    });
    req.on("error", reject);
    req.end();
  });
}
