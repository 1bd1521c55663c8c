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
    | xargs -0 -P "$(nproc)" -I{} wasm-opt -Oz "${WASM_FEATURES[@]}" {} -o {} 2>&1 \
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
# On the Containers page (where the console opens) and the home page, a classic script first
# asks for the page's first data, so the server works while the app downloads: the engine lists
# its containers, or the probes of every engine start. The app takes the answer (api/early.rs),
# and builds the same URL itself: the two must agree.
early="<script>(function(){var p=location.pathname,u,m=p.match(/^\\/env\\/([^/]+)\\/containers\\/?$/);"
early+="if(m&&!location.search)u='/engine/'+m[1]+'/containers/json?all=true';"
early+="else if(/^\\/environments\\/?$/.test(p))u='/api/overview';if(!u)return;"
early+="window.__berthEarly={url:u,at:Date.now(),response:fetch(u,{credentials:'same-origin'})};})();</script>"
loader="<link rel=modulepreload href=/$pkg/$NAME.js><link rel=modulepreload href=/$pkg/__wasm_split.js>"
loader+="<link rel=preload href=/$pkg/${NAME}_bg.wasm as=fetch type=application/wasm crossorigin>"
loader+="<script type=module>import init from '/$pkg/$NAME.js';"
loader+="const wasm = await init({ module_or_path: '/$pkg/${NAME}_bg.wasm' });"
loader+="dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));</script>"
index="$STAGING/index.html"
grep -q '</head>' "$index" || { echo "build-wasm: $index has no </head>" >&2; exit 1; }
# The loader replaces the skipped Rust link Trunk leaves in the page; the early list request
# goes right after the theme script, before the stylesheets, which would hold a script back.
LOADER=$loader EARLY=$early perl -0pi -e 's|<link [^>]*data-trunk-skip[^>]*>||; s|</head>|$ENV{LOADER}</head>|;
  s|(<script src="?/theme-init.js"?></script>)|$1$ENV{EARLY}| or die "build-wasm: no theme script in index.html\n"' "$index"

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
