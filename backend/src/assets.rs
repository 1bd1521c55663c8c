//! The UI, embedded in the binary at build time, and how it is served.
//!
//! Trunk names its build outputs with content hashes, so those are cached for a year; every
//! other file is revalidated by ETag. Text-like files are embedded compressed (gzip, and Brotli
//! beside it where that is smaller; see build.rs), never raw: a client gets the smallest copy its
//! `Accept-Encoding` admits, and the rare one that admits neither gets the gzip decompressed for
//! it. Each copy has its own ETag. Unknown UI routes get `index.html` with status 200, so that
//! deep links into the single-page app work.

use std::borrow::Cow;
use std::io::Read as _;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use flate2::read::GzDecoder;

use crate::error::ApiError;

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// The path under the site root, without a leading `/`.
    pub path: &'static str,
    /// The embedded bytes: the file itself, or its gzip when `gzipped`.
    pub bytes: &'static [u8],
    /// Whether `bytes` is the file's gzip (build.rs compresses where that pays).
    pub gzipped: bool,
    /// The file's Brotli, where that is smaller than its gzip.
    pub brotli: Option<&'static [u8]>,
    /// The file's own length, uncompressed.
    pub len: usize,
    /// A strong ETag of the content.
    pub etag: &'static str,
}

/// Every embedded file, sorted by path (build.rs sorts them).
static ASSETS: &[Asset] = include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The CSP source expressions of the inline scripts in `index.html` (Trunk's loader).
static INLINE_SCRIPT_HASHES: &[&str] =
    include!(concat!(env!("OUT_DIR"), "/inline_script_hashes.rs"));

/// File extensions that are never UI routes: a miss on them is a real 404, not the app.
const STATIC_EXTENSIONS: &[&str] = &[
    "js", "mjs", "wasm", "css", "map", "png", "svg", "ico", "jpg", "webp", "woff", "woff2", "json",
    "txt",
];

/// Finds an embedded file by its path under the site root.
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS
        .binary_search_by(|asset| asset.path.cmp(path))
        .ok()
        .map(|index| &ASSETS[index])
}

/// The Content-Security-Policy for the UI's documents: only our own scripts and WebAssembly run.
/// Styles may be inline because xterm.js sizes and colours its rows with `<style>` elements it
/// creates at run time; scripts never may.
pub fn content_security_policy() -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for hash in INLINE_SCRIPT_HASHES {
        script_src.push(' ');
        script_src.push_str(hash);
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Serves the UI: an embedded file, or `index.html` for any other route.
pub async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return ApiError::MethodNotAllowed(method.to_string()).into_response();
    }
    let asset = match find(asset_path(uri.path())) {
        Some(asset) => asset,
        None if is_static_file(uri.path()) => {
            return (StatusCode::NOT_FOUND, "not found").into_response();
        }
        None => find("index.html").expect("build.rs always embeds index.html"),
    };
    respond(asset, &headers, method == Method::HEAD)
}

/// The embedded file a request path names. Browsers ask for `/favicon.ico` on pages that are not
/// Berth's own HTML (an API response, a downloaded file); every current one reads the SVG icon.
fn asset_path(path: &str) -> &str {
    match path.trim_start_matches('/') {
        "" => "index.html",
        "favicon.ico" => "favicon.svg",
        path => path,
    }
}

fn is_static_file(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    last.rsplit_once('.')
        .is_some_and(|(_, extension)| STATIC_EXTENSIONS.contains(&extension))
}

/// Which embedded copy a response carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
    /// The file itself (decompressed, when it is embedded as gzip).
    Identity,
}

impl Coding {
    /// The smallest copy of `asset` that an `Accept-Encoding` value admits.
    fn chosen(asset: &Asset, accept_encoding: Option<&str>) -> Coding {
        let accepts = |names: &[&str]| accept_encoding.is_some_and(|value| accepts(value, names));
        if asset.brotli.is_some() && accepts(&["br"]) {
            Coding::Brotli
        } else if asset.gzipped && accepts(&["gzip", "x-gzip"]) {
            Coding::Gzip
        } else {
            Coding::Identity
        }
    }

    /// Its `Content-Encoding`, and the tail that tells its ETag from the other copies'.
    fn names(self) -> Option<(&'static str, &'static str)> {
        match self {
            Coding::Brotli => Some(("br", "-br")),
            Coding::Gzip => Some(("gzip", "-gz")),
            Coding::Identity => None,
        }
    }
}

/// The strong ETag of one copy of `asset`: each content coding is its own representation.
fn etag(asset: &Asset, coding: Coding) -> String {
    match coding.names() {
        Some((_, tail)) => {
            let bare = asset.etag.trim_end_matches('"');
            format!("{bare}{tail}\"")
        }
        None => asset.etag.to_owned(),
    }
}

fn respond(asset: &'static Asset, request: &HeaderMap, head_only: bool) -> Response {
    let coding = Coding::chosen(
        asset,
        request
            .get(header::ACCEPT_ENCODING)
            .and_then(|value| value.to_str().ok()),
    );
    let etag = etag(asset, coding);
    let mut response = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::CACHE_CONTROL, cache_control(asset.path))
        .header(header::VARY, "accept-encoding");
    let not_modified = request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
    if not_modified {
        return response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .expect("valid response");
    }
    response = response.header(header::CONTENT_TYPE, content_type(asset.path));
    if asset.path.ends_with(".html") {
        response = response.header(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&content_security_policy()).expect("ASCII policy"),
        );
    }
    if let Some((name, _)) = coding.names() {
        response = response.header(header::CONTENT_ENCODING, name);
    }
    let stored = match coding {
        Coding::Brotli => asset.brotli,
        Coding::Gzip => Some(asset.bytes),
        Coding::Identity => None,
    };
    response = response.header(
        header::CONTENT_LENGTH,
        stored.map_or(asset.len, <[u8]>::len),
    );
    let body = match (head_only, stored) {
        (true, _) => Body::empty(),
        (false, Some(bytes)) => Body::from(bytes),
        (false, None) => Body::from(decoded(asset)),
    };
    response.body(body).expect("valid response")
}

/// The file's own bytes: decompressed when it is embedded as gzip.
fn decoded(asset: &'static Asset) -> Cow<'static, [u8]> {
    if !asset.gzipped {
        return Cow::Borrowed(asset.bytes);
    }
    let mut bytes = Vec::with_capacity(asset.len);
    GzDecoder::new(asset.bytes)
        .read_to_end(&mut bytes)
        .expect("build.rs embeds valid gzip");
    Cow::Owned(bytes)
}

/// Whether an `Accept-Encoding` value admits a coding (by any of its `names`): named (or `*`)
/// with a non-zero quality. A coding named outright wins over `*`.
fn accepts(value: &str, names: &[&str]) -> bool {
    let mut wildcard = None;
    for coding in value.split(',') {
        let mut parts = coding.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let quality = parts
            .filter_map(|param| param.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if names.iter().any(|known| name.eq_ignore_ascii_case(known)) {
            return quality > 0.0;
        }
        if name == "*" {
            wildcard = Some(quality > 0.0);
        }
    }
    wildcard.unwrap_or(false)
}

/// Hashed build outputs never change, so they are cached for good; the rest is revalidated.
///
/// Trunk writes its 64-bit content hash as unpadded hex, so a hash has 16 digits or (rarely)
/// fewer; anything from 10 digits up counts.
fn cache_control(path: &str) -> &'static str {
    let hashed = path
        .split(['/', '-', '_', '.'])
        .any(|part| (10..=16).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_hexdigit()));
    if hashed && path != "index.html" {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, extension)| extension) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json" | "map") => "application/json",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_html_is_always_embedded() {
        assert!(find("index.html").is_some());
        assert!(ASSETS.windows(2).all(|pair| pair[0].path < pair[1].path));
    }

    #[test]
    fn hashed_outputs_are_immutable() {
        assert_eq!(
            cache_control("berth-frontend-8a7c3e1f00b2d4c6_bg.wasm"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control("berth-frontend-a7c3e1f00b2d4c6_bg.wasm"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("index.html"), "no-cache");
        assert_eq!(cache_control("favicon.svg"), "no-cache");
    }

    #[test]
    fn request_paths_name_embedded_files() {
        assert_eq!(asset_path("/"), "index.html");
        assert_eq!(asset_path("/favicon.ico"), "favicon.svg");
        assert_eq!(
            asset_path("/pkg-0123/chunk_7.wasm"),
            "pkg-0123/chunk_7.wasm"
        );
        assert_eq!(asset_path("/env/local/containers"), "env/local/containers");
    }

    #[test]
    fn a_coding_is_accepted_only_with_a_nonzero_quality() {
        let gzip = ["gzip", "x-gzip"];
        assert!(accepts("gzip, deflate, br, zstd", &gzip));
        assert!(accepts("br;q=1.0, GZIP;q=0.5", &gzip));
        assert!(accepts("x-gzip", &gzip));
        assert!(accepts("*", &gzip));
        assert!(!accepts("gzip;q=0", &gzip));
        assert!(!accepts("gzip;q=0, *", &gzip));
        assert!(!accepts("identity", &gzip));
        assert!(!accepts("deflate, br", &gzip));
        assert!(!accepts("*;q=0", &gzip));
        assert!(accepts("deflate, br", &["br"]));
        assert!(!accepts("gzip, br;q=0", &["br"]));
    }

    /// A file as build.rs embeds a compressed one; only its shape matters here.
    const PACKED: Asset = Asset {
        path: "pkg-0123456789abcdef/app.wasm",
        bytes: b"gz",
        gzipped: true,
        brotli: Some(b"br"),
        len: 100,
        etag: "\"00ff\"",
    };

    #[test]
    fn the_smallest_admitted_copy_is_chosen_with_its_own_etag() {
        let chosen = |value| Coding::chosen(&PACKED, value);
        assert_eq!(chosen(Some("gzip, deflate, br, zstd")), Coding::Brotli);
        assert_eq!(chosen(Some("gzip, br;q=0")), Coding::Gzip);
        assert_eq!(chosen(Some("gzip;q=0, br")), Coding::Brotli);
        assert_eq!(chosen(Some("identity")), Coding::Identity);
        assert_eq!(chosen(None), Coding::Identity);
        let gzip_only = Asset {
            brotli: None,
            ..PACKED
        };
        assert_eq!(Coding::chosen(&gzip_only, Some("br, gzip")), Coding::Gzip);
        assert_eq!(etag(&PACKED, Coding::Brotli), "\"00ff-br\"");
        assert_eq!(etag(&PACKED, Coding::Gzip), "\"00ff-gz\"");
        assert_eq!(etag(&PACKED, Coding::Identity), "\"00ff\"");
    }

    #[test]
    fn every_embedded_file_decodes_to_its_length() {
        for asset in ASSETS {
            assert_eq!(decoded(asset).len(), asset.len, "{}", asset.path);
            if let Some(brotli) = asset.brotli {
                let mut bytes = Vec::new();
                brotli_decompressor::Decompressor::new(brotli, 4096)
                    .read_to_end(&mut bytes)
                    .expect("build.rs embeds valid Brotli");
                assert_eq!(bytes, decoded(asset).as_ref(), "{}", asset.path);
            }
        }
    }

    #[test]
    fn static_extensions_are_not_routes() {
        assert!(is_static_file("missing.js"));
        assert!(is_static_file("a/b/c.wasm"));
        assert!(is_static_file("pkg-0123/split_swarm_pages.wasm"));
        assert!(!is_static_file("env/local/containers/web.1"));
        assert!(!is_static_file("env/local/containers"));
    }

    #[test]
    fn the_policy_forbids_framing_and_foreign_scripts() {
        let policy = content_security_policy();
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval'"));
        // xterm.js writes its cell sizes into <style> elements, so styles may be inline;
        // scripts never.
        let scripts = policy
            .split(';')
            .find(|directive| directive.trim().starts_with("script-src"))
            .unwrap();
        assert!(!scripts.contains("unsafe-inline"), "{scripts}");
        assert!(!policy.contains("'unsafe-eval'"));
    }
}
