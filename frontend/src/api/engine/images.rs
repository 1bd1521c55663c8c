//! Image and build calls through the gateway: inspect, history, tag, remove, prune, search,
//! distribution inspect, the streamed pull, push and build, archives, commit and build cache.

use berth_shared::api::registries::REGISTRY_HEADER;
use berth_shared::engine::image::{
    BuildCacheUsage, DistributionInspect, HistoryItem, IdResponse, ImageInspect, ImageSummary,
    PruneReport, SearchResult,
};
use berth_shared::engine::progress::ProgressState;
use gloo_net::http::{Method, RequestBuilder};
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use super::{Engine, whole_list};
use crate::api::percent_encode;
use crate::api::stream::read_text;
use crate::api::upload::{Upload, upload};
use crate::api::{ApiError, call, decode, post_for_json, send_body};
use crate::app::undecodable::Kind;

/// `{}` in base64: the "no credentials" value the engine requires on a push.
const NO_CREDENTIALS: &str = "e30=";

/// An image reference or id as a path: each `/`-separated part is encoded on its own, since
/// references such as `registry:5000/team/app` span several path segments.
pub fn image_path(name: &str) -> String {
    name.split('/')
        .map(percent_encode)
        .collect::<Vec<_>>()
        .join("/")
}

/// Splits `name[:tag]` (the tag is after the last `:` that follows the last `/`).
pub fn split_tag(reference: &str) -> (&str, Option<&str>) {
    if reference.contains('@') {
        return (reference, None);
    }
    let slash = reference.rfind('/').map_or(0, |index| index + 1);
    match reference[slash..].rfind(':') {
        Some(colon) => (
            &reference[..slash + colon],
            Some(&reference[slash + colon + 1..]),
        ),
        None => (reference, None),
    }
}

/// Which credentials to send with a registry request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// None (anonymous access).
    Anonymous,
    /// A saved registry's, added by the backend.
    Saved(i64),
}

impl Credentials {
    /// Adds the header that carries these credentials.
    pub(crate) fn apply(self, builder: RequestBuilder) -> RequestBuilder {
        match self {
            Credentials::Anonymous => builder.header("x-registry-auth", NO_CREDENTIALS),
            Credentials::Saved(id) => builder.header(REGISTRY_HEADER, &id.to_string()),
        }
    }
}

/// Options of `POST /build`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// The Dockerfile's path inside the context.
    pub dockerfile: String,
    /// `name:tag` for the result.
    pub tags: Vec<String>,
    /// `KEY=value` build arguments.
    pub build_args: Vec<(String, String)>,
    /// `KEY=value` labels.
    pub labels: Vec<(String, String)>,
    /// The stage to build.
    pub target: String,
    /// Ignore the cache.
    pub no_cache: bool,
    /// Always pull the base images.
    pub pull: bool,
}

impl BuildOptions {
    /// The query string.
    pub fn query(&self) -> String {
        let mut query = vec![format!("dockerfile={}", percent_encode(&self.dockerfile))];
        for tag in &self.tags {
            query.push(format!("t={}", percent_encode(tag)));
        }
        let json_map = |pairs: &[(String, String)]| {
            let map: serde_json::Map<String, serde_json::Value> = pairs
                .iter()
                .map(|(key, value)| (key.clone(), serde_json::Value::from(value.as_str())))
                .collect();
            percent_encode(&serde_json::Value::Object(map).to_string())
        };
        if !self.build_args.is_empty() {
            query.push(format!("buildargs={}", json_map(&self.build_args)));
        }
        if !self.labels.is_empty() {
            query.push(format!("labels={}", json_map(&self.labels)));
        }
        if !self.target.is_empty() {
            query.push(format!("target={}", percent_encode(&self.target)));
        }
        if self.no_cache {
            query.push("nocache=1".into());
        }
        if self.pull {
            query.push("pull=1".into());
        }
        // The intermediate containers go whether a step succeeds (`rm`) or fails (`forcerm`):
        // a failed `RUN` would otherwise leave its exited container behind.
        query.push("rm=1&forcerm=1".into());
        query.join("&")
    }
}

impl Engine {
    /// `GET /images/{name}/json`, typed and raw.
    pub async fn image(
        &self,
        name: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<(ImageInspect, serde_json::Value), ApiError> {
        self.get_with_raw(&format!("/images/{}/json", image_path(name)), signal)
            .await
    }

    /// `GET /images/{name}/history`.
    pub async fn image_history(
        &self,
        name: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<HistoryItem>, ApiError> {
        self.get(&format!("/images/{}/history", image_path(name)), signal)
            .await
    }

    /// `GET /distribution/{name}/json`: the registry's digest and platforms for a reference.
    pub async fn distribution(
        &self,
        reference: &str,
        credentials: Credentials,
        signal: Option<&AbortSignal>,
    ) -> Result<DistributionInspect, ApiError> {
        let url = self.url(&format!("/distribution/{}/json", image_path(reference)));
        let builder = credentials.apply(RequestBuilder::new(&url).method(Method::GET));
        let response = send_body(builder, &Method::GET, None, signal).await?;
        decode(response).await
    }

    /// `GET /images/search`.
    pub async fn search_images(
        &self,
        term: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<SearchResult>, ApiError> {
        self.get(
            &format!("/images/search?term={}&limit=25", percent_encode(term)),
            signal,
        )
        .await
    }

    /// `POST /images/{name}/tag`.
    pub async fn tag_image(&self, name: &str, target: &str) -> Result<(), ApiError> {
        let (repo, tag) = split_tag(target);
        let url = self.url(&format!(
            "/images/{}/tag?repo={}&tag={}",
            image_path(name),
            percent_encode(repo),
            percent_encode(tag.unwrap_or("latest"))
        ));
        call(Method::POST, &url).await
    }

    /// `DELETE /images/{name}`: untags a reference, or removes an image by id.
    pub async fn remove_image(
        &self,
        name: &str,
        force: bool,
        noprune: bool,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!(
            "/images/{}?force={force}&noprune={noprune}",
            image_path(name)
        ));
        call(Method::DELETE, &url).await
    }

    /// `POST /images/prune`: dangling images, or every unused one when `all`.
    pub async fn prune_images(&self, all: bool) -> Result<PruneReport, ApiError> {
        let filter = if all {
            "?filters=%7B%22dangling%22%3A%5B%22false%22%5D%7D"
        } else {
            ""
        };
        post_for_json(&self.url(&format!("/images/prune{filter}"))).await
    }

    /// The build cache part of `GET /system/df`.
    pub async fn build_cache(
        &self,
        signal: Option<&AbortSignal>,
    ) -> Result<BuildCacheUsage, ApiError> {
        self.get("/system/df", signal).await
    }

    /// `POST /build/prune`: unused cache, or all of it when `all`.
    pub async fn prune_build_cache(&self, all: bool) -> Result<PruneReport, ApiError> {
        post_for_json(&self.url(&format!("/build/prune?all={all}"))).await
    }

    /// `POST /commit`: a new image from a container's file system.
    pub async fn commit(
        &self,
        container: &str,
        reference: &str,
        comment: &str,
        pause: bool,
    ) -> Result<IdResponse, ApiError> {
        let (repo, tag) = split_tag(reference);
        let url = self.url(&format!(
            "/commit?container={}&repo={}&tag={}&comment={}&pause={pause}",
            percent_encode(container),
            percent_encode(repo),
            percent_encode(tag.unwrap_or("latest")),
            percent_encode(comment)
        ));
        post_for_json(&url).await
    }

    /// Pulls `reference`, handing the progress stream's text to `on_chunk` as it arrives.
    pub async fn pull(
        &self,
        reference: &str,
        credentials: Credentials,
        signal: Option<&AbortSignal>,
        on_chunk: impl FnMut(&str),
    ) -> Result<(), ApiError> {
        let (image, tag) = split_tag(reference);
        let mut path = format!("/images/create?fromImage={}", percent_encode(image));
        // Without a tag the engine would pull every tag of the repository; the docker CLI
        // means `latest`, and so do we. A digest reference carries its own pin.
        match tag {
            Some(tag) => path.push_str(&format!("&tag={}", percent_encode(tag))),
            None if !image.contains('@') => path.push_str("&tag=latest"),
            None => {}
        }
        self.stream(&path, credentials, None, signal, on_chunk)
            .await
    }

    /// Pushes `reference` (all its tags when it has none).
    pub async fn push(
        &self,
        reference: &str,
        credentials: Credentials,
        signal: Option<&AbortSignal>,
        on_chunk: impl FnMut(&str),
    ) -> Result<(), ApiError> {
        let (image, tag) = split_tag(reference);
        let mut path = format!("/images/{}/push", image_path(image));
        if let Some(tag) = tag {
            path.push_str(&format!("?tag={}", percent_encode(tag)));
        }
        self.stream(&path, credentials, None, signal, on_chunk)
            .await
    }

    /// Builds from a tar context; aborting `signal` cancels the build.
    pub async fn build(
        &self,
        context: &web_sys::Blob,
        options: &BuildOptions,
        credentials: Option<Credentials>,
        signal: Option<&AbortSignal>,
        on_chunk: impl FnMut(&str),
    ) -> Result<(), ApiError> {
        let path = format!("/build?{}", options.query());
        let body = (Some("application/x-tar"), JsValue::from(context.clone()));
        let url = self.url(&path);
        let mut builder = RequestBuilder::new(&url).method(Method::POST);
        if let Some(Credentials::Saved(id)) = credentials {
            builder = builder.header(REGISTRY_HEADER, &id.to_string());
        }
        let response = send_body(builder, &Method::POST, Some(body), signal).await?;
        read_text(response, signal, on_chunk).await
    }

    /// Uploads an image archive (`docker save` output) to `POST /images/load`.
    pub async fn load_images(
        &self,
        archive: &web_sys::Blob,
        on_progress: impl Fn(f64, f64) + 'static,
        started: impl FnOnce(Upload),
    ) -> Result<String, ApiError> {
        upload(
            Method::POST,
            &self.url("/images/load?quiet=0"),
            "application/x-tar",
            archive,
            on_progress,
            started,
        )
        .await
    }

    /// Uploads a root file system tarball to `POST /images/create?fromSrc=-` as `reference`.
    pub async fn import_image(
        &self,
        tarball: &web_sys::Blob,
        reference: &str,
        on_progress: impl Fn(f64, f64) + 'static,
        started: impl FnOnce(Upload),
    ) -> Result<String, ApiError> {
        let (repo, tag) = split_tag(reference);
        let url = self.url(&format!(
            "/images/create?fromSrc=-&repo={}&tag={}",
            percent_encode(repo),
            percent_encode(tag.unwrap_or("latest"))
        ));
        upload(
            Method::POST,
            &url,
            "application/x-tar",
            tarball,
            on_progress,
            started,
        )
        .await
    }

    /// The download link of `GET /images/get` for one or several images; the session cookie
    /// authorizes it.
    pub fn images_export_url(&self, names: &[String]) -> String {
        let query: Vec<String> = names
            .iter()
            .map(|name| format!("names={}", percent_encode(name)))
            .collect();
        self.url(&format!("/images/get?{}", query.join("&")))
    }

    /// `POST`s `path` with `credentials` and an optional body, feeding the streamed answer to
    /// `on_chunk`: the one shape of pull, push, build and the plugin operations that stream.
    pub(super) async fn stream(
        &self,
        path: &str,
        credentials: Credentials,
        body: Option<(Option<&str>, JsValue)>,
        signal: Option<&AbortSignal>,
        on_chunk: impl FnMut(&str),
    ) -> Result<(), ApiError> {
        let url = self.url(path);
        let builder = credentials.apply(RequestBuilder::new(&url).method(Method::POST));
        let response = send_body(builder, &Method::POST, body, signal).await?;
        read_text(response, signal, on_chunk).await
    }

    /// Every image.
    pub async fn images(
        &self,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<ImageSummary>, ApiError> {
        whole_list(&self.url("/images/json"), None, Kind::Images, signal).await
    }

    /// Pulls `image` anonymously and fails with the engine's message if the pull reports an
    /// error.
    pub async fn pull_image(&self, image: &str) -> Result<(), ApiError> {
        let mut progress = ProgressState::default();
        self.pull(image, Credentials::Anonymous, None, |chunk| {
            progress.feed(chunk);
        })
        .await?;
        progress.finish();
        match progress.error {
            Some(message) => Err(ApiError::Http {
                status: 500,
                message,
            }),
            None => Ok(()),
        }
    }
}

/// Splits `name[:tag][@digest]` into the name and its tag (or digest); `latest` by default.
pub fn split_reference(image: &str) -> (&str, &str) {
    if let Some((name, digest)) = image.split_once('@') {
        return (name, digest);
    }
    match image.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, tag),
        _ => (image, "latest"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_tags_after_the_last_slash() {
        assert_eq!(split_tag("busybox"), ("busybox", None));
        assert_eq!(split_tag("busybox:1.36"), ("busybox", Some("1.36")));
        assert_eq!(
            split_tag("127.0.0.1:5000/app"),
            ("127.0.0.1:5000/app", None)
        );
        assert_eq!(
            split_tag("127.0.0.1:5000/team/app:2"),
            ("127.0.0.1:5000/team/app", Some("2"))
        );
        assert_eq!(split_tag("app@sha256:ab"), ("app@sha256:ab", None));
    }

    #[test]
    fn image_paths_keep_their_slashes_only() {
        assert_eq!(
            image_path("127.0.0.1:5000/team/app"),
            "127.0.0.1%3A5000/team/app"
        );
        assert_eq!(image_path("sha256:ab"), "sha256%3Aab");
    }

    #[test]
    fn build_queries_carry_every_option() {
        let options = BuildOptions {
            dockerfile: "Dockerfile".into(),
            tags: vec!["app:1".into()],
            build_args: vec![("A".into(), "b c".into())],
            labels: vec![],
            target: "final".into(),
            no_cache: true,
            pull: false,
        };
        assert_eq!(
            options.query(),
            "dockerfile=Dockerfile&t=app%3A1&buildargs=%7B%22A%22%3A%22b%20c%22%7D&target=final&nocache=1&rm=1&forcerm=1"
        );
    }

    #[test]
    fn references_split_into_name_and_tag() {
        assert_eq!(split_reference("nginx"), ("nginx", "latest"));
        assert_eq!(split_reference("nginx:1.27"), ("nginx", "1.27"));
        assert_eq!(
            split_reference("localhost:5000/app"),
            ("localhost:5000/app", "latest")
        );
        assert_eq!(
            split_reference("localhost:5000/app:v2"),
            ("localhost:5000/app", "v2")
        );
        assert_eq!(split_reference("a@sha256:00"), ("a", "sha256:00"));
    }
}
