//! The images area's pieces shared by its pages: dialogs for pull, push, tag, build, load and
//! import, commit, the progress panel that renders the engine's progress stream, the registry picker,
//! the build cache card, and the in-browser tar writer for folder builds.

pub mod build;
pub mod cache;
pub mod commit;
pub mod list_view;
pub mod load;
pub mod modal;
pub mod progress_view;
pub mod pull;
pub mod push;
pub mod registry_select;
pub mod tag;
pub mod tar;
