//! The build script: embeds the built UI (Trunk's `dist/`) into the `berth` binary, and records
//! the commit for `berth --version` (`build/commit.rs`).
//!
//! A text-like file is included gzip-compressed at build time where that saves a tenth, else as
//! is, and beside its gzip a Brotli copy where that is smaller still. The server never compresses
//! at run time, so a NAS serves the UI with no CPU cost: browsers that accept Brotli get it (they
//! offer it on HTTPS and on localhost), the others gzip, and the rare client that refuses both
//! gets the gzip decompressed for it. The raw file is never kept, which keeps about 5 MB out of
//! the binary; the Brotli copies add about a fifth less than the gzip ones. The compressors are
//! Zopfli (its gzip is about 5% smaller than zlib's best) and Brotli at quality 11 with a 16 MiB
//! window (about 20% smaller than that gzip on the WebAssembly): slow, some seconds per build
//! on every core. When `dist/` has not been built, a small page explaining how to build it is
//! embedded instead, so that `cargo check` and `cargo clippy` work without the frontend toolchain.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::thread;

use base64::Engine as _;
use sha2::{Digest, Sha256};

#[path = "build/commit.rs"]
mod commit;

fn main() {
    commit::emit();
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let dist = env::var_os("BERTH_UI_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("../dist"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets it"));
    println!("cargo:rerun-if-env-changed=BERTH_UI_DIST");
    println!("cargo:rerun-if-changed={}", dist.display());

    let mut files = Vec::new();
    if dist.join("index.html").is_file() {
        collect(&dist, &dist, &mut files);
        files.sort();
    } else {
        println!(
            "cargo:warning=the UI is not built ({} has no index.html); embedding a placeholder page. Run `make build`.",
            dist.display()
        );
        let placeholder = out_dir.join("placeholder-index.html");
        fs::write(&placeholder, PLACEHOLDER).expect("write placeholder");
        files.push(("index.html".to_owned(), placeholder));
    }

    let index_html = fs::read_to_string(
        &files
            .iter()
            .find(|(route, _)| route == "index.html")
            .expect("index.html")
            .1,
    )
    .expect("read index.html");
    let hashes: Vec<String> = inline_scripts(&index_html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    fs::write(
        out_dir.join("inline_script_hashes.rs"),
        format!("&{hashes:?}"),
    )
    .expect("write inline_script_hashes.rs");

    let compressed = compress_all(&files);
    let mut code = String::from("&[\n");
    for (index, ((route, path), (bytes, packed))) in files.iter().zip(compressed).enumerate() {
        let mut hasher = DefaultHasher::new();
        bytes.hash(&mut hasher);
        let etag = format!("\"{:016x}\"", hasher.finish());
        let (stored, gzipped, brotli) = match packed {
            Some(Packed { gzip, brotli }) => {
                let gz_path = out_dir.join(format!("asset-{index}.gz"));
                fs::write(&gz_path, gzip).expect("write compressed asset");
                let brotli = brotli.map(|brotli| {
                    let br_path = out_dir.join(format!("asset-{index}.br"));
                    fs::write(&br_path, brotli).expect("write compressed asset");
                    format!("Some(include_bytes!({:?}))", br_path.display().to_string())
                });
                (gz_path, true, brotli)
            }
            None => (path.canonicalize().expect("asset path"), false, None),
        };
        writeln!(
            code,
            "    Asset {{ path: {route:?}, bytes: include_bytes!({:?}), gzipped: {gzipped}, brotli: {}, len: {}, etag: {etag:?} }},",
            stored.display().to_string(),
            brotli.as_deref().unwrap_or("None"),
            bytes.len(),
        )
        .expect("write to string");
    }
    code.push_str("]\n");
    fs::write(out_dir.join("assets.rs"), code).expect("write assets.rs");
}

/// Walks `dir`, recording each file's path relative to `root` with `/` separators.
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    for entry in fs::read_dir(dir).expect("read dist") {
        let path = entry.expect("dist entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).expect("under root");
            let route = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.push((route, path));
        }
    }
}

/// The bodies of `<script>` elements that have no `src`: Trunk's loader is one. Their hashes go
/// into the Content-Security-Policy so that no other inline script can run.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices("<script").filter_map(move |(start, _)| {
        let open_end = start + html[start..].find('>')?;
        let content_end = open_end + html[open_end..].find("</script>")?;
        let opening_tag = &html[start..open_end];
        (!opening_tag.contains("src=")).then(|| &html[open_end + 1..content_end])
    })
}

/// A file's compressed copies: its gzip, and its Brotli where that is smaller than the gzip.
struct Packed {
    gzip: Vec<u8>,
    brotli: Option<Vec<u8>>,
}

/// Reads every file and compresses it ([`pack`]), on all cores: the files in turn go to
/// whichever thread is free, largest first.
fn compress_all(files: &[(String, PathBuf)]) -> Vec<(Vec<u8>, Option<Packed>)> {
    let contents: Vec<Vec<u8>> = files
        .iter()
        .map(|(_, path)| fs::read(path).expect("read UI asset"))
        .collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(contents[index].len()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = thread::available_parallelism().map_or(1, usize::from);
    let mut compressed: Vec<Option<Packed>> = (0..files.len()).map(|_| None).collect();
    thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let taken = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&index) = order.get(taken) else {
                            break done;
                        };
                        done.push((index, pack(&contents[index], &files[index].0)));
                    }
                })
            })
            .collect();
        for worker in workers {
            for (index, packed) in worker.join().expect("a compression thread panicked") {
                compressed[index] = packed;
            }
        }
    });
    contents.into_iter().zip(compressed).collect()
}

/// Compresses text-like assets, keeping the gzip only when it saves at least a tenth, and the
/// Brotli only when it is smaller than the gzip.
fn pack(bytes: &[u8], route: &str) -> Option<Packed> {
    let already_compressed = [".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff2", ".gz"];
    if already_compressed.iter().any(|ext| route.ends_with(ext)) || bytes.len() < 256 {
        return None;
    }
    let mut compressed = Vec::new();
    zopfli::compress(
        zopfli::Options::default(),
        zopfli::Format::Gzip,
        bytes,
        &mut compressed,
    )
    .expect("gzip in memory");
    if compressed.len() * 10 >= bytes.len() * 9 {
        return None;
    }
    let mut brotli = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: bytes.len(),
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut brotli, &params).expect("brotli in memory");
    Some(Packed {
        brotli: (brotli.len() < compressed.len()).then_some(brotli),
        gzip: compressed,
    })
}

const PLACEHOLDER: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Berth</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Berth</h1>
<p>This build of <code>berth</code> has no user interface embedded. Build it with
<code>make build</code>, which builds the UI with Trunk before the binary.</p>
<p>The API is available: try <a href="/api/health">/api/health</a>.</p>
</body></html>
"#;
