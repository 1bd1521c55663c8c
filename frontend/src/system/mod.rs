//! The engine as a whole: the System page with versions, resources and disk usage
//! ([`dashboard`], the figures in [`disk_usage`]), and the live events page ([`events`]).

pub mod dashboard;
pub mod disk_usage;
pub mod events;
