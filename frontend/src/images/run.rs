//! "Run a container" from an image: a link to the create form with the image filled in
//! (`?image=`), for the image list's rows and the image's page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::percent_encode;
use crate::app::engine_status::use_engine_status;

/// The create form of `environment`, filled in with `reference`.
pub fn run_url(environment: &str, reference: &str) -> String {
    format!(
        "/env/{}/containers/new?image={}",
        percent_encode(environment),
        percent_encode(reference)
    )
}

/// The link that opens the create form with `reference` (a tag, else the image's id).
#[component]
pub fn RunLink(
    /// The image, as the form's Image field will read it.
    #[prop(into)]
    reference: String,
    /// The button's look: `btn btn-small btn-ghost` in a row, `btn` on a page.
    class: &'static str,
    /// Its text.
    text: &'static str,
) -> impl IntoView {
    let status = use_engine_status();
    let href = run_url(&status.environment.get_untracked(), &reference);
    view! {
        <A href=href attr:class=class attr:aria-label=format!("Run a container from {reference}")
            attr:data-testid="run-image">{text}</A>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_is_one_query_value() {
        assert_eq!(
            run_url("local", "registry:5000/app:1.0"),
            "/env/local/containers/new?image=registry%3A5000%2Fapp%3A1.0"
        );
        assert_eq!(
            run_url("local", "sha256:abc&x=1"),
            "/env/local/containers/new?image=sha256%3Aabc%26x%3D1"
        );
    }
}
