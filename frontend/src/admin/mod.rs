//! The console's own settings: the signed-in user's account ([`account`]), API tokens
//! ([`tokens`]), users ([`users`]), saved registries ([`registries`]), the audit log
//! ([`audit`]) and each environment's operator guardrails ([`guardrails`]).

pub mod account;
pub mod audit;
pub mod audit_names;
pub mod guardrails;
pub mod registries;
pub mod tokens;
pub mod users;
