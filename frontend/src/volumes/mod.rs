//! Volumes: the list ([`list`]), one volume's page ([`detail`]), the create dialog
//! ([`create`]) and browsing a volume's files ([`files`]).

pub mod create;
pub mod detail;
pub mod files;
pub mod list;
