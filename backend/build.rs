//! The build script: embeds the built UI (Trunk's `dist/`) into the `berth` binary, and records
//! the commit for `berth --version` (`build/commit.rs`).
//!
//! Each file is included once: gzip-compressed at build time where that saves a tenth, else as is.
//! Every browser accepts gzip, so the server never compresses at run time and a NAS serves the UI
//! with no CPU cost; the rare client that refuses gzip gets the file decompressed for it. Keeping
//! one copy instead of two keeps about 5 MB out of the binary. The compressor is Zopfli: slow
//! (some seconds per build, on every core), but its gzip is about 5% smaller than zlib's best. When `dist/` has not been built, a small page
//! explaining how to build it is embedded instead, so that `cargo check` and `cargo clippy` work
//! without the frontend toolchain.

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
    for (index, ((route, path), (bytes, gzip))) in files.iter().zip(compressed).enumerate() {
        let mut hasher = DefaultHasher::new();
        bytes.hash(&mut hasher);
        let etag = format!("\"{:016x}\"", hasher.finish());
        let (stored, gzipped) = match gzip {
            Some(compressed) => {
                let gz_path = out_dir.join(format!("asset-{index}.gz"));
                fs::write(&gz_path, compressed).expect("write compressed asset");
                (gz_path, true)
            }
            None => (path.canonicalize().expect("asset path"), false),
        };
        writeln!(
            code,
            "    Asset {{ path: {route:?}, bytes: include_bytes!({:?}), gzipped: {gzipped}, len: {}, etag: {etag:?} }},",
            stored.display().to_string(),
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

/// Reads every file and compresses it ([`gzip_if_smaller`]), on all cores: the files in turn go
/// to whichever thread is free, largest first.
fn compress_all(files: &[(String, PathBuf)]) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    let contents: Vec<Vec<u8>> = files
        .iter()
        .map(|(_, path)| fs::read(path).expect("read UI asset"))
        .collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(contents[index].len()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = thread::available_parallelism().map_or(1, usize::from);
    let mut compressed: Vec<Option<Vec<u8>>> = vec![None; files.len()];
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
                        done.push((index, gzip_if_smaller(&contents[index], &files[index].0)));
                    }
                })
            })
            .collect();
        for worker in workers {
            for (index, gzip) in worker.join().expect("a compression thread panicked") {
                compressed[index] = gzip;
            }
        }
    });
    contents.into_iter().zip(compressed).collect()
}

/// Compresses text-like assets, keeping the result only when it saves at least a tenth.
fn gzip_if_smaller(bytes: &[u8], route: &str) -> Option<Vec<u8>> {
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
    (compressed.len() * 10 < bytes.len() * 9).then_some(compressed)
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
