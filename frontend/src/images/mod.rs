//! Images: the list ([`list`], its logic in [`list_model`]), one image's page ([`detail`]), and
//! the pieces they share: dialogs for pull, push, tag, build, load and
//! import, commit, the progress panel that renders the engine's progress stream, the registry picker,
//! and the build cache card.

pub mod build;
pub mod cache;
pub mod commit;
pub mod detail;
pub mod list;
pub mod list_model;
pub mod load;
pub mod progress_view;
pub mod pull;
pub mod push;
pub mod registry_select;
pub mod run;
pub mod tag;
