//! Swarm: the swarm page (membership, tokens, settings, the cluster map), its nodes, and the
//! pieces the service and task pages share (the task table, the swarm's live changes).

pub mod gate;
pub mod live;
pub mod map;
pub mod node_change;
pub mod node_detail;
pub mod nodes;
pub mod page;
pub mod settings;
pub mod setup;
pub mod task_detail;
pub mod task_table;
pub mod tasks;
