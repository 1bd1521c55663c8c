//! Integration tests: the real `berth` binary against a real, private Docker engine.
//!
//! `make test` starts the engine with `scripts/engine.sh` and passes its address in
//! `BERTH_TEST_DOCKER_HOST`. Without it these tests fail loudly rather than skip, so a green
//! run always means the engine was really there.

#[path = "../common/berth_cli.rs"]
mod berth_cli;
mod support;

mod abuse;
mod audit_log;
mod backup;
mod cli;
mod client_certs;
mod environments;
mod gateway;
mod grants;
mod guardrails;
mod guardrails_cli;
mod health;
mod operation_matrix;
mod overview;
mod plugins;
mod proxy;
mod proxy_cli;
mod registries;
mod secrets;
mod security;
mod ssh;
mod swarm;
mod swarm_objects;
mod terminal;
mod ui;
mod volume_browser;
