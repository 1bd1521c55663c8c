//! The embedded UI: served from inside the binary, with the single-page-app fallback.

use std::io::Read as _;

use crate::support::{Berth, agent, get};

#[test]
fn serves_the_built_ui_from_the_binary() {
    let berth = Berth::start();
    let index = get(&berth.url("/"));
    assert_eq!(index.status, 200);
    assert!(
        index
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let wasm_path = index
        .body
        .split(['"', '\''])
        .find(|part| part.ends_with(".wasm"))
        .unwrap_or_else(|| {
            panic!(
                "index.html loads no .wasm; was the UI built? {}",
                index.body
            )
        })
        .to_owned();
    let wasm = agent()
        .get(&berth.url(&wasm_path))
        .header("accept-encoding", "gzip")
        .call()
        .unwrap();
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.headers()["content-encoding"], "gzip");
    assert!(
        wasm.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let mut gzipped = Vec::new();
    wasm.into_body()
        .into_reader()
        .read_to_end(&mut gzipped)
        .unwrap();
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gzipped[..])
        .read_to_end(&mut unzipped)
        .unwrap();

    // A browser that offers Brotli gets the smaller Brotli copy of the same file.
    let brotli = agent()
        .get(&berth.url(&wasm_path))
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .call()
        .unwrap();
    assert_eq!(brotli.headers()["content-encoding"], "br");
    let brotli_length: usize = brotli.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        brotli_length < gzipped.len(),
        "{brotli_length} ≥ {}",
        gzipped.len()
    );
    let mut unbrotlied = Vec::new();
    brotli_decompressor::Decompressor::new(brotli.into_body().into_reader(), 4096)
        .read_to_end(&mut unbrotlied)
        .unwrap();
    assert!(unbrotlied == unzipped, "the Brotli copy differs");

    // A client that accepts neither gets the same file, decompressed for it.
    for refusal in [None, Some("identity"), Some("gzip;q=0, br;q=0")] {
        let mut request = agent().get(&berth.url(&wasm_path));
        if let Some(value) = refusal {
            request = request.header("accept-encoding", value);
        }
        let plain = request.call().unwrap();
        assert_eq!(plain.status(), 200, "{refusal:?}");
        assert!(
            plain.headers().get("content-encoding").is_none(),
            "{refusal:?}"
        );
        assert_eq!(
            plain.headers()["content-length"].to_str().unwrap(),
            unzipped.len().to_string()
        );
        let mut body = Vec::new();
        plain
            .into_body()
            .into_reader()
            .read_to_end(&mut body)
            .unwrap();
        assert!(body.starts_with(b"\0asm"), "{refusal:?}");
        assert!(
            body == unzipped,
            "{refusal:?}: the decompressed file differs"
        );
    }
}

#[test]
fn unknown_ui_routes_get_the_app() {
    let berth = Berth::start();
    let index = get(&berth.url("/"));
    for route in [
        "/env/local/containers",
        "/some/deep/link",
        "/env/local/containers/web.1",
    ] {
        let reply = get(&berth.url(route));
        assert_eq!(reply.status, 200, "{route}");
        assert_eq!(reply.body, index.body, "{route}");
    }
}

#[test]
fn missing_files_and_api_routes_are_real_404s() {
    let berth = Berth::start();
    assert_eq!(get(&berth.url("/missing-file.js")).status, 404);
    let api = get(&berth.url("/api/nothing-here"));
    assert_eq!(api.status, 404);
    assert!(api.message().contains("/api/nothing-here"));
}

#[test]
fn documents_carry_security_headers() {
    let berth = Berth::start();
    let index = get(&berth.url("/"));
    let policy = index.header("content-security-policy").expect("a CSP");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert_eq!(index.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(index.header("referrer-policy"), Some("no-referrer"));
}

#[test]
fn revalidation_answers_304_for_the_same_copy_only() {
    let berth = Berth::start();
    let fetch = |coding: &str, tag: Option<&str>| {
        let mut request = agent()
            .get(&berth.url("/"))
            .header("accept-encoding", coding);
        if let Some(tag) = tag {
            request = request.header("if-none-match", tag);
        }
        request.call().unwrap()
    };
    let first = fetch("br", None);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(fetch("br", Some(&etag)).status(), 304);
    // The gzip copy is another representation: a tag of the Brotli one does not match it.
    let other = fetch("gzip", Some(&etag));
    assert_eq!(other.status(), 200);
    assert_ne!(other.headers()["etag"].to_str().unwrap(), etag);
}
