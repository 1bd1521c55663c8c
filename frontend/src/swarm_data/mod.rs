//! Secrets and configs: the data a swarm keeps and gives to services' containers as files. One
//! list page, one detail page and one create form serve both kinds ([`kind::SwarmData`]);
//! labels can be edited, and a config rotated to a new version with its services moved.

pub mod create;
pub mod detail;
pub mod kind;
pub mod labels;
pub mod list;
pub mod rotate;
