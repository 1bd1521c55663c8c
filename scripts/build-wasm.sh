#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml): builds the UI's WebAssembly and code-splits it.
#
# The app is compiled once; wasm-split-cli then cuts it into a main module (the shell, sign-in,
# the router and what every page needs), one module per group of pages (the `lazy_pages!` list in
# frontend/src/app/routes.rs, and the container page's tabs), and chunks of code that several groups
# share. wasm-bindgen binds the main module; scripts/merge-wasm.mjs merges each group's module and
# chunks into one module (the chunks most groups share into one more), so a page's first visit
# fetches and compiles two modules, not two hundred; in release builds wasm-opt shrinks every
# module and terser the JavaScript. All of it goes into one content-hashed folder, `pkg-<hash>/`, so the
# files keep the relative names they import each other by and are still cached forever. Last,
# the loader is added to index.html and its stylesheets are joined into one.
#
# BERTH_UI_NAMES=1 keeps the functions' names in a release build (rustc does not strip them, and
# Binaryen's tools keep them), so that a browser profile names the WebAssembly it spends time in;
# the UI never ships that way: the names make its modules about 60% larger.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
enter_repo

STAGING=${TRUNK_STAGING_DIR:?run through trunk build, which sets TRUNK_STAGING_DIR}
NAME=berth-frontend
# The WebAssembly features every browser Berth supports has; wasm-opt may use them.
WASM_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)

if [ "${TRUNK_PROFILE:-debug}" = release ]; then
  profile=wasm-release
  out_dir=wasm-release
else
  profile=dev
  out_dir=debug
fi
names=()
if [ "${BERTH_UI_NAMES:-}" = 1 ]; then
  export CARGO_PROFILE_WASM_RELEASE_STRIP=none
  names=(-g)
fi
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -E 's/.*"target_directory":"([^"]*)".*/\1/')

# .cargo/config.toml adds --emit-relocs for this target: the splitter needs the relocations.
cargo build -p "$NAME" --target wasm32-unknown-unknown --profile "$profile" --locked
raw="$target_dir/wasm32-unknown-unknown/$out_dir/$NAME.wasm"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wasm-split-cli "$raw" "$work/split" --target web --out-name "$NAME"
# The chunks link against the main module's exports, so the linker's exports stay.
wasm-bindgen --target web --keep-lld-exports --no-demangle --no-typescript \
  --out-dir "$work/pkg" "$work/split/$NAME.wasm"
find "$work/split" -maxdepth 1 -type f ! -name "$NAME.wasm" -exec mv -t "$work/pkg" {} +

# The groups' modules and chunks into a few modules, which the loader instantiates.
node scripts/merge-wasm.mjs "$work/pkg" "$raw"

if [ "$profile" = wasm-release ]; then
  # One wasm-opt per core at a time; the merged modules shed their inputs' repeated types.
  find "$work/pkg" -name '*.wasm' -print0 \
    | xargs -0 -P "$(nproc)" -I{} wasm-opt -Oz "${names[@]}" "${WASM_FEATURES[@]}" {} -o {} 2>&1 \
    | { grep -v 'unknown name subsection' || true; }
fi

if [ "$profile" = wasm-release ]; then
  # wasm-bindgen's glue and the splitter's loader come unminified, and even xterm.js's own
  # minified build sheds a few percent more.
  find "$work/pkg" "$STAGING/xterm" -name '*.js' -o -name '*.mjs' | while read -r script; do
    terser "$script" --module --compress --mangle --output "$script"
  done
fi

hash=$(cd "$work/pkg" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
pkg="pkg-$hash"
mv "$work/pkg" "$STAGING/$pkg"
chmod 755 "$STAGING/$pkg"

# The loader: preload the main module's glue and WebAssembly, then start the app. The event
# tells scripts (the UI benchmarks) that the app runs, and hands them its WebAssembly exports.
#
# Before that, a classic script asks for what the page shown will ask first, so the server and
# the engine work while the app downloads and starts, instead of after: the session; and, once
# it says someone is signed in (a signed-out visitor asks the engine nothing), the shell's
# `/info` on an environment's pages, the lists of the page shown when it is one of `lists`
# without a query, and the home page's `/api/overview`, which also starts the probes of every
# engine. The app takes each answer where it asks for exactly that URL (api/early.rs), so the app
# and this table must agree. Checked: the session (api/early.rs), the containers list and the
# overview (their modules' unit tests), and in the browser the Containers page's session and
# `/info` (code-split test) and the Configs page's lists (swarm-data test); an entry that drifts
# from its page costs one wasted request, never a wrong answer.
early=$(cat <<'JS'
<script>(function () {
  var path = location.pathname, early = window.__berthEarly = {}, at = Date.now();
  var lists = {
    containers: ["/containers/json?all=true"],
    services: ["/services?status=true"],
    tasks: ["/tasks", "/services", "/nodes"],
    nodes: ["/nodes"],
    secrets: ["/secrets", "/services"],
    configs: ["/configs", "/services"]
  };
  var ask = function (url) { return fetch(url, { credentials: "same-origin" }); };
  var keep = function (url, response) {
    response.catch(function () {});
    early[url] = { at: at, response: response };
  };
  var session = ask("/api/auth/session");
  keep("/api/auth/session", session);
  var signedIn = session.then(function (answer) {
    return answer.ok ? answer.clone().json() : {};
  }).then(function (state) {
    return state.state === "signed_in";
  });
  signedIn.catch(function () {});
  var after = [], env = path.match(/^\/env\/([^/]+)/), page = path.match(/^\/env\/[^/]+\/([a-z]+)\/?$/);
  if (env) {
    var engine = "/engine/" + env[1];
    after.push(engine + "/info");
    if (page && !location.search && lists.hasOwnProperty(page[1])) {
      lists[page[1]].forEach(function (list) { after.push(engine + list); });
    }
  } else if (/^\/environments\/?$/.test(path)) {
    after.push("/api/overview");
  }
  after.forEach(function (url) {
    keep(url, signedIn.then(function (yes) {
      return yes ? ask(url) : Promise.reject(new Error("signed out"));
    }));
  });
})();</script>
JS
)
loader="<link rel=modulepreload href=/$pkg/$NAME.js><link rel=modulepreload href=/$pkg/__wasm_split.js>"
# The glue imports wasm-bindgen's snippets: fetched beside it, not after it has been read.
while read -r snippet; do
  loader+="<link rel=modulepreload href=/$pkg/$snippet>"
done < <(cd "$STAGING/$pkg" && find snippets -name '*.js' | LC_ALL=C sort)
loader+="<link rel=preload href=/$pkg/${NAME}_bg.wasm as=fetch type=application/wasm crossorigin>"
loader+="<script type=module>import init from '/$pkg/$NAME.js';"
loader+="const wasm = await init({ module_or_path: '/$pkg/${NAME}_bg.wasm' });"
loader+="dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));</script>"
index="$STAGING/index.html"
grep -q '</head>' "$index" || { echo "build-wasm: $index has no </head>" >&2; exit 1; }
# The loader replaces the skipped Rust link Trunk leaves in the page. The early requests go
# before the theme script, which holds the parser back until it arrives, and before the files
# the browser's preload scanner asks for: a browser opens six connections to a host, and the
# session must not wait for one behind the WebAssembly.
LOADER=$loader EARLY=$early perl -0pi -e 's|<link [^>]*data-trunk-skip[^>]*>||; s|</head>|$ENV{LOADER}</head>|;
  s|(<script src="?/theme-init.js"?></script>)|$ENV{EARLY}$1| or die "build-wasm: no theme script in index.html\n"' "$index"

# The stylesheets, in their order, as one file: one request instead of one per sheet, and the
# same cascade. Its name carries a content hash like Trunk's, so it is cached for good too.
STAGING=$STAGING perl -0pi -MDigest::SHA=sha256_hex,sha384_base64 -e '
  my ($css, $count) = ("", 0);
  s{<link\b[^>]*\bstylesheet\b[^>]*>}{
    my $tag = $&;
    $tag =~ m{href="?/([^" >]+\.css)} or die "build-wasm: a stylesheet without an href: $tag\n";
    open my $in, "<", "$ENV{STAGING}/$1" or die "build-wasm: $1: $!\n";
    local $/; $css .= <$in> . "\n"; close $in; unlink "$ENV{STAGING}/$1";
    $count++ ? "" : "\0"
  }ge;
  die "build-wasm: index.html has no stylesheets\n" unless $count;
  my $name = "style-" . substr(sha256_hex($css), 0, 16) . ".css";
  open my $out, ">", "$ENV{STAGING}/$name" or die "build-wasm: $name: $!\n";
  print $out $css; close $out;
  my $integrity = sha384_base64($css); $integrity .= "=" x ((4 - length($integrity) % 4) % 4);
  s{\0}{<link rel=stylesheet href=/$name integrity=sha384-$integrity>};
' "$index"
say "split the UI into $(find "$STAGING/$pkg" -name '*.wasm' | wc -l) WebAssembly files in $pkg/"
