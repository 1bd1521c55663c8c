// `make bench`: terminal echo round trips. One byte typed into `cat` and read back, through a
// browser's WebSocket to Berth's terminal endpoint, against the same through the engine's
// hijacked exec used directly. Writes the medians and their ratio into BENCHMARKS.md.
//
// Usage: BERTH_TEST_DOCKER_HOST=unix://… BERTH_BIN=target/release/berth node tests/bench/terminal.mjs BENCHMARKS.md

import net from "node:net";
import {
  dockerHost, launchBrowser, openPage, removeContainers, runContainer, startBerth, uniqueName,
  writeReportSection,
} from "../e2e/support.mjs";

const ROUNDS = 300;
const WARMUP = 30;
const output = process.argv[2] ?? "BENCHMARKS.md";

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Round trips through the engine directly: exec create, start with `Upgrade: tcp`, echo. */
async function direct(container) {
  const socketPath = dockerHost().replace(/^unix:\/\//, "");
  const create = await new Promise((resolve, reject) => {
    const body = JSON.stringify({ AttachStdin: true, AttachStdout: true, Tty: true, Cmd: ["cat"] });
    const connection = net.createConnection(socketPath, () => {
      connection.write(`POST /v1.41/containers/${container}/exec HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    });
    let text = "";
    connection.on("data", (chunk) => { text += chunk; });
    connection.on("end", () => resolve(JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)).Id));
    connection.on("error", reject);
  });
  const connection = net.createConnection(socketPath);
  connection.setNoDelay(true);
  await new Promise((resolve) => connection.once("connect", resolve));
  const body = JSON.stringify({ Detach: false, Tty: true });
  connection.write(`POST /v1.41/exec/${create}/start HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  await new Promise((resolve) => {
    let head = "";
    const onData = (chunk) => {
      head += chunk.toString("latin1");
      if (head.includes("\r\n\r\n")) {
        connection.off("data", onData);
        resolve();
      }
    };
    connection.on("data", onData);
  });
  const times = [];
  for (let round = 0; round < ROUNDS + WARMUP; round += 1) {
    const started = performance.now();
    await new Promise((resolve) => {
      connection.once("data", resolve);
      connection.write("x");
    });
    if (round >= WARMUP) times.push(performance.now() - started);
  }
  connection.destroy();
  return times;
}

/** Round trips from a real browser page through Berth's terminal WebSocket. */
async function throughBerth(browser, base, container) {
  const { page, context } = await openPage(browser, `${base}/env/local/containers`);
  const times = await page.evaluate(async ({ container, rounds, warmup }) => {
    const socket = new WebSocket(`ws://${location.host}/api/env/local/terminal`);
    socket.binaryType = "arraybuffer";
    const messages = [];
    let waiting = null;
    socket.onmessage = (event) => {
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve(event);
      } else {
        messages.push(event);
      }
    };
    const next = () => messages.length ? Promise.resolve(messages.shift()) : new Promise((resolve) => { waiting = resolve; });
    await new Promise((resolve) => { socket.onopen = resolve; });
    socket.send(JSON.stringify({ type: "open", container, target: { kind: "exec", command: ["cat"], tty: true }, cols: 80, rows: 24 }));
    const started = await next();
    if (typeof started.data !== "string" || !started.data.includes("started")) throw new Error(`not started: ${started.data}`);
    const byte = new Uint8Array([120]);
    const result = [];
    for (let round = 0; round < rounds + warmup; round += 1) {
      const begin = performance.now();
      socket.send(byte);
      await next();
      if (round >= warmup) result.push(performance.now() - begin);
    }
    socket.close();
    return result;
  }, { container, rounds: ROUNDS, warmup: WARMUP });
  await context.close();
  return times;
}

const berth = await startBerth();
const chromium = await launchBrowser();
const container = runContainer(uniqueName("bench-term"));
try {
  const engine = await direct(container);
  const viaBerth = await throughBerth(chromium.browser, berth.base, container);
  const row = (name, times) =>
    `| ${name} | ${median(times).toFixed(3)} ms | ${percentile(times, 0.99).toFixed(3)} ms | ${(median(times) / median(engine)).toFixed(2)}× |`;
  const section = [
    "<!-- terminal-echo:start -->",
    "## Terminal: echo round trip",
    "",
    `${ROUNDS} single-byte round trips through \`cat\` in a TTY exec, after ${WARMUP} to warm up.`,
    "Berth's figure is from a Chromium page's WebSocket; the engine's from a hijacked",
    "`POST /exec/{id}/start` on its socket.",
    "",
    "| path | p50 | p99 | p50 ratio |",
    "|---|---:|---:|---:|",
    row("engine (hijacked exec, direct socket)", engine),
    row("browser → Berth terminal WebSocket", viaBerth),
    "<!-- terminal-echo:end -->",
    "",
  ].join("\n");
  writeReportSection(output, "terminal-echo", section);
  console.log(section);
} finally {
  removeContainers(container);
  await chromium.close();
  await berth.stop();
}
