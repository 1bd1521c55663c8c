// Reads the private engine's API directly (over its unix socket), so browser tests can compare
// what the UI shows with what the engine itself reports.

import { request } from "node:http";
import { dockerHost } from "./support.mjs";

/**
 * Sends a request to an Engine API path on the private engine and resolves with the decoded JSON
 * answer (or `null` for an empty one); any status but 2xx rejects.
 */
export function engineRequest(method, path, body) {
  return engineRequestOn(dockerHost(), method, path, body);
}

/** [`engineRequest`] on the engine at `host` (a `unix://` address). */
export function engineRequestOn(host, method, path, body) {
  if (!host.startsWith("unix://")) throw new Error(`the engine API needs a unix socket, not ${host}`);
  const socketPath = host.slice("unix://".length);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { host: "docker" };
  if (payload !== undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => {
        if (res.statusCode < 200 || res.statusCode > 299) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
        else resolve(text ? JSON.parse(text) : null);
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/** `GET`s an Engine API path on the private engine and resolves with the decoded JSON. */
export function engineGet(path) {
  return engineRequest("GET", path);
}

/** Runs `work` over `items`, `width` at a time, for setting up many objects. */
export async function pool(items, width, work) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}
