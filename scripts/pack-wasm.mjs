// Packs the code-split UI's WebAssembly into few files (run by scripts/build-wasm.sh).
//
//   node scripts/pack-wasm.mjs DIR
//
// wasm-split-cli cuts the app into a main module, one module per group of pages, and chunks:
// the code that several groups share, one chunk per set of groups sharing it. With ten groups
// that is some 300 chunks, and a page's first visit fetched 100 to 180 of them. Over HTTP/1.1 a
// browser opens six connections to a host, so those requests queued for about a second, and the
// page's own API requests queued behind them.
//
// Here every group's module and the chunks it needs become one file, `split_<group>.pack`, and
// the chunks that SHARED_BY or more groups need go once into `common.pack` instead of into
// each of their packs: a first visit fetches at most two files. The loader's fetches of the
// modules are rewritten to take their bytes from the packs: while a group's loader starts its
// modules (synchronously, in wasm-split's `makeLoad`), `packing` names the group, so each
// module is read from that group's pack or the common one. A pack whose fetch fails is fetched
// again on the next try, so a retried load can succeed. Every module is compiled as soon as
// its bytes arrive, and instantiated when wasm-split's loader says. The packed modules are removed
// from DIR.

import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** How many groups must share a chunk for it to go into the common pack. */
const SHARED_BY = 4;

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/pack-wasm.mjs DIR");
  process.exit(2);
}
const loaderPath = join(dir, "__wasm_split.js");
let loader = readFileSync(loaderPath, "utf8");

/** The fetch wasm-split-cli writes for a module file. */
const fetchOf = (file) => `fetch(new URL("./${file}", import.meta.url))`;

function fail(message) {
  console.error(`pack-wasm: ${message}`);
  process.exit(1);
}

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

const sharers = new Map();
for (const { chunks } of groups.values()) {
  for (const chunk of chunks) sharers.set(chunk, (sharers.get(chunk) ?? 0) + 1);
}
const common = [...sharers.keys()].filter((chunk) => sharers.get(chunk) >= SHARED_BY).sort();

/** Writes `name` from `files` and returns its index: file → [offset, length]. */
function writePack(name, files) {
  const index = {};
  const parts = [];
  let offset = 0;
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    index[file] = [offset, bytes.length];
    parts.push(bytes);
    offset += bytes.length;
  }
  writeFileSync(join(dir, name), Buffer.concat(parts));
  return index;
}

const packs = {};
if (common.length > 0) packs.common = writePack("common.pack", common);
const packed = new Set(common);
for (const [group, { own, chunks }] of groups) {
  const files = [...(own ? [own] : []), ...chunks.filter((chunk) => !common.includes(chunk))];
  packs[group] = writePack(`split_${group}.pack`, files);
  for (const file of files) packed.add(file);
}

// Every module fetch reads from a pack; every group's loader says which pack is its own.
for (const file of packed) {
  const fetch = fetchOf(file);
  if (!loader.includes(fetch)) fail(`the loader never fetches ${file}`);
  loader = loader.replaceAll(fetch, `packedFetch(${JSON.stringify(file)})`);
}
loader = loader.replace(exportPattern, (whole, group) =>
  whole
    .replace("wrapAsyncCb(makeLoad(", `wrapAsyncCb(inPack(${JSON.stringify(group)}, makeLoad(`)
    .replace(/\]\)\);$/, "])));"),
);
if (/fetch\(new URL\("\.\/(chunk|split)_/.test(loader)) fail("a module fetch was left unpacked");

// wasm-split's loader compiles a group's module only after every chunk it needs is instantiated
// (\`makeLoad\` calls the fetcher's instantiate then), so the compile of a 1 MB group waited for
// 180 small instantiations. Each module is compiled as soon as its bytes arrive instead, and only
// instantiated, as before, once its dependencies are: the same order, with the compiles overlapped.
const instantiatePattern = /return async \(imports\) => (\w*)\(WebAssembly\.instantiateStreaming\(src, imports\)\);/g;
const fetchers = [...loader.matchAll(instantiatePattern)].length;
if (fetchers !== packed.size) fail(`the loader instantiates ${fetchers} modules where ${packed.size} are packed: has wasm-split-cli's output changed?`);
loader = loader.replace(
  instantiatePattern,
  (_, wrap) => `const compiled = WebAssembly.compileStreaming(src);
    compiled.catch(() => {});
    return async (imports) => ${wrap}(compiled.then(async (module) => ({ module, instance: await WebAssembly.instantiate(module, imports) })));`,
);

const runtime = `
// Added by scripts/pack-wasm.mjs: the modules are read from packs (file -> [offset, length]).
const PACKS = ${JSON.stringify(packs)};
let packing;
const packBytes = new Map();
function inPack(group, load) {
    return () => {
        const outer = packing;
        packing = group;
        let loading;
        try {
            loading = load();
        } finally {
            packing = outer;
        }
        // Once the group's modules are instantiated its pack is not read again: let it go.
        Promise.resolve(loading).then(() => packBytes.delete(group), () => {});
        return loading;
    };
}
function packOf(file) {
    if (PACKS.common && file in PACKS.common) return "common";
    if (packing !== undefined && file in PACKS[packing]) return packing;
    throw new Error(\`no pack holds \${file}\`);
}
function packedFetch(file) {
    const pack = packOf(file);
    let bytes = packBytes.get(pack);
    if (bytes === undefined) {
        const name = pack === "common" ? "common.pack" : \`split_\${pack}.pack\`;
        bytes = fetch(new URL(\`./\${name}\`, import.meta.url)).then((response) => {
            if (!response.ok) throw new Error(\`\${name}: \${response.status}\`);
            return response.arrayBuffer();
        });
        const fetching = bytes;
        fetching.catch(() => {
            if (packBytes.get(pack) === fetching) packBytes.delete(pack);
        });
        packBytes.set(pack, fetching);
    }
    const [offset, length] = PACKS[pack][file];
    return bytes.then((buffer) => new Response(new Uint8Array(buffer, offset, length), {
        headers: { "Content-Type": "application/wasm" },
    }));
}
`;
// After the import of the main module, which must stay the loader's first statement.
const firstLine = loader.indexOf("\n") + 1;
loader = loader.slice(0, firstLine) + runtime + loader.slice(firstLine);
writeFileSync(loaderPath, loader);
for (const file of packed) unlinkSync(join(dir, file));

const packCount = Object.keys(packs).length;
console.log(`pack-wasm: ${packed.size} modules in ${packCount} packs (${common.length} chunks shared by ${SHARED_BY}+ groups in common.pack)`);
