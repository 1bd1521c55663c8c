//! Swarm services: the list with live task counts, one service's page (tasks, rollout,
//! logs), the create and edit form, and the `docker service create` line it amounts to.

pub mod command_line;
pub mod detail;
pub mod draft;
pub mod form;
pub mod list;
pub mod rollout;
