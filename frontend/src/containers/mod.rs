//! Containers: the list ([`list`], its logic in [`list_model`]), the container page with its
//! tabs ([`detail`]), the create form ([`create`], its logic in [`form`]), lifecycle actions
//! and their dialogs ([`lifecycle`]), and the live stats of every container
//! ([`stats_overview`], the figures in [`stats_math`]).

pub mod create;
pub mod detail;
pub mod form;
pub mod lifecycle;
pub mod list;
pub mod list_model;
pub mod stats_math;
pub mod stats_overview;
