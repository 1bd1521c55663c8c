//! Wires every route into one axum [`Router`].

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::any;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;
use crate::{api, assets, gateway};

/// The whole HTTP service: `/api` for the console, `/engine/{env}/…` for the engine gateway,
/// and the embedded UI for everything else.
pub fn app(state: AppState) -> Router {
    Router::new()
        .nest("/api", api::router())
        .route("/engine/{*path}", any(gateway::handle))
        .fallback(assets::serve)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::extract::public_host_guard,
        ))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .with_state(state)
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
