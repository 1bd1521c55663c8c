//! The console's per-environment routes all live under `/api/env/{env}`, like the UI's pages
//! (`/env/{env}/…`): the old `/api/environments/{env}` prefix is gone.

use http::StatusCode;

use crate::support::{As, TestApp};

#[tokio::test]
async fn per_environment_routes_share_one_prefix() {
    let app = TestApp::new().await;
    for (method, path) in [
        ("POST", "/local/volumes/data/browse"),
        ("POST", "/local/volume-browsers/abc/keepalive"),
        ("DELETE", "/local/volume-browsers/abc"),
        ("GET", "/local/terminal"),
    ] {
        let current = app
            .call(method, &format!("/api/env{path}"), &As::Nobody, None)
            .await;
        assert_eq!(
            current.status,
            StatusCode::UNAUTHORIZED,
            "{method} /api/env{path}: {current:?}"
        );
        let old = app
            .call(
                method,
                &format!("/api/environments{path}"),
                &As::Nobody,
                None,
            )
            .await;
        assert_eq!(old.status, StatusCode::NOT_FOUND, "{method}: {old:?}");
        assert!(old.message().contains("no such endpoint"), "{old:?}");
    }
}
