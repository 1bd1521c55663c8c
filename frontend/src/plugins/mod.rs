//! Managed plugins, for admins: the list ([`list`]), one plugin's page ([`detail`]) with its
//! actions ([`actions`], [`upgrade`]) and settings ([`settings`]), the install wizard
//! ([`install`]) with its privilege review ([`privileges`]), the first step both install and
//! upgrade take ([`reference`]), creating one from a tar
//! ([`create`]), the driver lists of create forms ([`drivers`]), and what they work out without
//! the DOM ([`model`]).

pub mod actions;
pub mod create;
pub mod detail;
pub mod drivers;
pub mod install;
pub mod list;
pub mod model;
pub mod privileges;
pub mod reference;
pub mod settings;
pub mod upgrade;
