//! The console's own settings: the signed-in user's account ([`account`]), API tokens
//! ([`tokens`]), users ([`users`]), saved registries ([`registries`]) and the audit log
//! ([`audit`]).

pub mod account;
pub mod audit;
pub mod registries;
pub mod tokens;
pub mod users;
