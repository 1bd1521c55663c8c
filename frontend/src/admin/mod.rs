//! The console's own settings: the signed-in user's account ([`account`]), API tokens
//! ([`tokens`]) and client certificates ([`certificates`]), users ([`users`]) and their roles per environment ([`user_access`]), saved
//! registries ([`registries`]), the audit log ([`audit`]) and each environment's operator
//! guardrails ([`guardrails`]).

pub mod account;
pub mod audit;
pub mod audit_names;
pub mod certificates;
pub mod credential_form;
pub mod guardrails;
pub mod registries;
pub mod tokens;
pub mod user_access;
pub mod users;
