// Merges the code-split UI's WebAssembly into few modules (run by scripts/build-wasm.sh).
//
//   node scripts/merge-wasm.mjs DIR RAW_WASM
//
// wasm-split-cli cuts the app into a main module, one module per group of pages, and chunks:
// the code that several groups share, one chunk per set of groups sharing it. With ten groups
// that is some 300 modules, most of a few hundred bytes, and a page's first visit needed 100 to
// 220 of them. Fetching them was one cost (six connections over HTTP/1.1); compiling and
// instantiating each on its own was the other: about 300 ms of a swarm page's first visit.
//
// Every chunk and group module imports only the main module's memory, function table and
// stack global (`__wasm_split`), writes its functions into the table at fixed slots and its
// data at fixed addresses, and exports nothing: no module links to another. So modules merge
// without changing what they do:
//   - `common.wasm`: the chunks SHARED_BY or more groups need, once;
//   - `split_<group>.wasm`: the group's own module and the other chunks it needs.
// A first visit compiles and instantiates two modules. A chunk shared by fewer groups is in
// each of their modules, so opening a second of them writes its table slots and data again.
// Its table slots get the same code again, and data before the end of `.rodata` (RAW_WASM's
// linking section tells) is constant; a chunk that writes data past it (a static's state,
// which writing again would reset) goes into `common.wasm` instead, to be written once.
//
// Binaryen's wasm-merge joins the modules. Their imports are linked to the exports of a small
// module named `__wasm_split`, whose own imports (from `shared`) stay the merged module's only
// ones. The loader is rewritten to match: each group's load instantiates `common.wasm` and its
// own module, compiling both as soon as their bytes arrive. The merged inputs are removed from DIR.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** How many groups must share a chunk for it to go into `common.wasm`. */
const SHARED_BY = 4;
/** The module the merged modules import the main module's exports from. */
const SHARED = "shared";
/** The WebAssembly features build-wasm.sh lets wasm-opt use; the merge keeps to them. */
const FEATURES = [
  "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
  "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
];

const [dir, rawPath] = process.argv.slice(2);
if (!dir || !rawPath) {
  console.error("usage: node scripts/merge-wasm.mjs DIR RAW_WASM");
  process.exit(2);
}
const bin = (tool) => join(import.meta.dirname, "..", "node_modules", ".bin", tool);

function fail(message) {
  console.error(`merge-wasm: ${message}`);
  process.exit(1);
}

// ---- The module format, as far as this needs it ----

/** Reads an unsigned LEB128 at `pos`: [value, next position]. */
function uleb(bytes, pos) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, pos];
}

/** Reads a signed 32-bit LEB128 at `pos`: [value, next position]. */
function sleb(bytes, pos) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[pos++];
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 32 && byte & 0x40) value |= -1 << shift;
  return [value, pos];
}

function readName(bytes, pos) {
  const [length, start] = uleb(bytes, pos);
  return [bytes.subarray(start, start + length).toString("utf8"), start + length];
}

/** The sections of a module: id, and where the contents start and end. */
function sections(bytes) {
  const found = [];
  for (let pos = 8; pos < bytes.length; ) {
    const id = bytes[pos];
    const [size, start] = uleb(bytes, pos + 1);
    found.push({ id, start, end: start + size });
    pos = start + size;
  }
  return found;
}

/** The active data segments of a module whose offsets are constants: [address, length]. */
function dataSegments(bytes) {
  const section = sections(bytes).find(({ id }) => id === 11);
  if (!section) return [];
  let [count, pos] = uleb(bytes, section.start);
  const segments = [];
  while (count-- > 0) {
    let flags;
    [flags, pos] = uleb(bytes, pos);
    let address = null;
    if (flags === 2) [, pos] = uleb(bytes, pos);
    if (flags === 0 || flags === 2) {
      if (bytes[pos] !== 0x41 || bytes[pos + 1] === undefined) fail("a data segment's offset is not an i32.const");
      [address, pos] = sleb(bytes, pos + 1);
      if (bytes[pos++] !== 0x0b) fail("a data segment's offset is not a constant");
    }
    let length;
    [length, pos] = uleb(bytes, pos);
    segments.push({ address, length });
    pos += length;
  }
  return segments;
}

/** The address where the app's writable data begins: the end of `.rodata`, from the linking section. */
function writableFrom(raw) {
  const segments = dataSegments(raw);
  for (const { id, start, end } of sections(raw)) {
    if (id !== 0) continue;
    const [name, body] = readName(raw, start);
    if (name !== "linking") continue;
    let pos = uleb(raw, body)[1];
    while (pos < end) {
      const kind = raw[pos];
      const [size, content] = uleb(raw, pos + 1);
      if (kind === 5) {
        let [count, at] = uleb(raw, content);
        let constantEnd = null;
        let writableStart = Infinity;
        for (let index = 0; index < count; index++) {
          let segmentName;
          [segmentName, at] = readName(raw, at);
          [, at] = uleb(raw, at);
          [, at] = uleb(raw, at);
          const segment = segments[index];
          if (!segment || segment.address === null) fail(`segment ${segmentName} has no fixed address`);
          if (segmentName.startsWith(".rodata")) {
            constantEnd = Math.max(constantEnd ?? 0, segment.address + segment.length);
          } else {
            writableStart = Math.min(writableStart, segment.address);
          }
        }
        if (constantEnd === null) fail("the app has no .rodata segment");
        return Math.min(constantEnd, writableStart);
      }
      pos = content + size;
    }
  }
  fail(`${rawPath} has no segment names in a linking section: is --emit-relocs still set?`);
}

// ---- What wasm-split-cli wrote ----

const loaderPath = join(dir, "__wasm_split.js");
const loader = readFileSync(loaderPath, "utf8");

// The chunks: `const __chunk_N = makeLoad(() => { const src = fetch(new URL("./chunk_N.wasm", …`.
const chunkFiles = new Map();
for (const [, name, file] of loader.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/(chunk_\d+\.wasm)", import\.meta\.url\)\);/g)) {
  chunkFiles.set(name, file);
}

// The groups: `export const __wasm_split_load_<group> = wrapAsyncCb(makeLoad(<fetcher>, [<chunks>]));`,
// whose fetcher fetches `split_<group>.wasm` (or nothing, for an empty module).
const exportPattern = /export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(([\s\S]*?), \[([^\]]*)\]\)\);/g;
const groups = new Map();
for (const [, group, fetcher, deps] of loader.matchAll(exportPattern)) {
  const own = fetcher.match(/fetch\(new URL\("\.\/(split_\w+\.wasm)", import\.meta\.url\)\)/)?.[1];
  const chunks = deps.split(",").map((dep) => dep.trim()).filter(Boolean).map((dep) => {
    const file = chunkFiles.get(dep);
    if (!file) fail(`group ${group} needs ${dep}, which the loader does not declare`);
    return file;
  });
  groups.set(group, { own, chunks });
}
if (groups.size === 0) fail(`no split loaders in ${loaderPath}: has wasm-split-cli's output changed?`);

// What the new loader keeps: the import of the main module and wasm-split's helpers, which
// come before the first chunk's loader (and its `/* groups */` comment).
const firstChunk = loader.search(/\/\*[^*]*\*\/\s*const __chunk_\d+ = makeLoad/);
const helpers = firstChunk < 0 ? "" : loader.slice(0, firstChunk);
for (const needed of ["function getSharedImports(", "function wrapAsyncCb(", "function makeLoad("]) {
  if (!helpers.includes(needed)) fail(`the loader's helpers lack ${needed}: has wasm-split-cli's output changed?`);
}

// ---- Which module each chunk goes into ----

const sharers = new Map();
for (const { chunks } of groups.values()) {
  for (const chunk of chunks) sharers.set(chunk, (sharers.get(chunk) ?? 0) + 1);
}
const writable = writableFrom(readFileSync(rawPath));
const writesState = (file) =>
  dataSegments(readFileSync(join(dir, file))).some(
    ({ address, length }) => length > 0 && (address === null || address + length > writable),
  );
const promoted = [...sharers.keys()].filter((chunk) => sharers.get(chunk) > 1 && sharers.get(chunk) < SHARED_BY && writesState(chunk));
const common = [...sharers.keys()].filter((chunk) => sharers.get(chunk) >= SHARED_BY || promoted.includes(chunk)).sort();

// ---- The merge ----

const work = mkdtempSync(join(tmpdir(), "merge-wasm-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

/** A module's imports, each with its type in the text format: name → { kind, type }. */
function importsOf(bytes) {
  const section = sections(bytes).find(({ id }) => id === 2);
  const found = new Map();
  if (!section) return found;
  const limits = (pos) => {
    const flags = bytes[pos];
    let min;
    let max;
    [min, pos] = uleb(bytes, pos + 1);
    if (flags & 1) [max, pos] = uleb(bytes, pos);
    if (flags & ~1) fail(`limits with flags ${flags} are not handled`);
    return [max === undefined ? `${min}` : `${min} ${max}`, pos];
  };
  let [count, pos] = uleb(bytes, section.start);
  while (count-- > 0) {
    let module;
    let name;
    [module, pos] = readName(bytes, pos);
    [name, pos] = readName(bytes, pos);
    const kind = bytes[pos++];
    let entry;
    if (kind === 1 && bytes[pos] === 0x70) {
      let type;
      [type, pos] = limits(pos + 1);
      entry = { kind: "table", type: `${type} funcref` };
    } else if (kind === 2) {
      let type;
      [type, pos] = limits(pos);
      entry = { kind: "memory", type };
    } else if (kind === 3 && bytes[pos] === 0x7f) {
      entry = { kind: "global", type: bytes[pos + 1] ? "(mut i32)" : "i32" };
      pos += 2;
    } else {
      fail(`an import of kind ${kind} (${module}.${name}) is not handled`);
    }
    if (module !== "__wasm_split") fail(`a module imports ${module}.${name}, not from the main module`);
    found.set(name, entry);
  }
  return found;
}

// The module the inputs' imports link to: it imports the main module's exports and exports them.
const imports = new Map();
for (const file of [...chunkFiles.values(), ...[...groups.values()].flatMap(({ own }) => (own ? [own] : []))]) {
  for (const [name, entry] of importsOf(readFileSync(join(dir, file)))) {
    const known = imports.get(name);
    if (known && (known.kind !== entry.kind || known.type !== entry.type)) {
      fail(`the modules import ${name} as ${known.kind} ${known.type} and as ${entry.kind} ${entry.type}`);
    }
    imports.set(name, entry);
  }
}
if (!imports.has("memory")) fail("no module imports the memory: has wasm-split-cli's output changed?");
const base = [...imports].map(([name, { kind, type }]) => `(import "${SHARED}" "${name}" (${kind} $${name} ${type}))\n(export "${name}" (${kind} $${name}))`);
writeFileSync(join(work, "base.wat"), `(module\n${base.join("\n")})\n`);
execFileSync(bin("wasm-as"), [...FEATURES, join(work, "base.wat"), "-o", join(work, "base.wasm")]);

/** Merges `files` of DIR into `name` in DIR. */
function merge(name, files) {
  // BERTH_UI_NAMES=1 (build-wasm.sh) keeps the functions' names, for a profile.
  const names = process.env.BERTH_UI_NAMES === "1" ? ["-g"] : [];
  const args = [...FEATURES, ...names, join(work, "base.wasm"), "__wasm_split"];
  files.forEach((file, index) => args.push(join(dir, file), `m${index}`));
  // wasm-split-cli writes a name subsection Binaryen does not know; it warns about each module.
  const run = spawnSync(bin("wasm-merge"), [...args, "-o", join(dir, name)], { encoding: "utf8", maxBuffer: 1 << 28 });
  const said = run.stderr.split("\n").filter((line) => line && !line.includes("unknown name subsection"));
  if (said.length > 0) console.error(said.join("\n"));
  if (run.status !== 0) fail(`wasm-merge could not write ${name}`);
  const module = new WebAssembly.Module(readFileSync(join(dir, name)));
  const foreign = WebAssembly.Module.imports(module).filter((entry) => entry.module !== SHARED);
  if (foreign.length > 0) fail(`${name} still imports ${foreign.map((entry) => `${entry.module}.${entry.name}`).join(", ")}`);
}

const modules = new Map();
if (common.length > 0) {
  merge("common.wasm", common);
  modules.set("common", "common.wasm");
}
const merged = new Set(common);
for (const [group, { own, chunks }] of groups) {
  const files = [...(own ? [own] : []), ...chunks.filter((chunk) => !common.includes(chunk))];
  if (files.length === 0) continue;
  const name = `split_${group}.wasm`;
  // The group's own module is one of the inputs and has this name: merge beside it first.
  merge(`${name}.merged`, files);
  for (const file of files) merged.add(file);
  modules.set(group, name);
}
for (const file of merged) unlinkSync(join(dir, file));
for (const [group, name] of modules) {
  if (group !== "common") writeFileSync(join(dir, name), readFileSync(join(dir, `${name}.merged`)));
  if (group !== "common") unlinkSync(join(dir, `${name}.merged`));
}

// ---- The loader ----

const loads = [...groups.keys()].map((group) => {
  const own = modules.has(group) ? `merged(${JSON.stringify(modules.get(group))})` : "() => async () => {}";
  return `export const __wasm_split_load_${group} = wrapAsyncCb(makeLoad(${own}, [${modules.has("common") ? "common" : ""}]));`;
});
writeFileSync(loaderPath, `${helpers}
// Written by scripts/merge-wasm.mjs: a group's code is the chunks most groups share and its own module.
// Each module is compiled as soon as its bytes arrive; makeLoad instantiates it once the modules it
// waits for are, and fetches it again on the next try if that failed.
function merged(file) {
    return () => {
        const compiled = WebAssembly.compileStreaming(fetch(new URL(\`./\${file}\`, import.meta.url)));
        compiled.catch(() => {});
        return async (imports) => WebAssembly.instantiate(await compiled, { ${SHARED}: imports.__wasm_split });
    };
}
${modules.has("common") ? `const common = makeLoad(merged("common.wasm"), []);\n` : ""}${loads.join("\n")}
`);

console.log(`merge-wasm: ${merged.size} modules into ${modules.size} (${common.length} chunks in common.wasm, ${promoted.length} of them for their data)`);
