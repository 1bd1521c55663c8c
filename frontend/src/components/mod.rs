//! Small reusable UI pieces. Each component's props carry doc comments.

pub mod badges;
pub mod chart;
pub mod chosen_files;
pub mod clipboard;
pub mod confirm;
pub mod copy_button;
pub mod debounce;
pub mod download;
pub mod facts;
pub mod fields;
pub mod file_browser;
pub mod form_frame;
pub mod icons;
pub mod ids;
pub mod modal;
pub mod prune_result;
pub mod qr;
pub mod remove_button;
pub mod section;
pub mod segmented;
pub mod size_watch;
pub mod states;
pub mod table;
pub mod tabs;
pub mod toast;
pub mod toolbar;
