//! In-process tests of the console's own API: `berth::app(state)` driven with
//! `tower::ServiceExt::oneshot`, with an in-memory store and no engine, so sign-in, set-up,
//! sessions, CSRF, users, tokens and the audit log are tested without Docker or the binary.
//!
//! Everything that reaches an engine is tested against a real one in `tests/integration`.

mod support;

mod auth;
mod environments;
mod grants;
mod policy_matrix;
mod routes;
mod users_tokens;
