//! The kit every resource's pages are built with, so a new kind of object (a swarm service, a
//! plugin) gets the same list and detail pages as networks and volumes by describing itself
//! rather than by copying a page.
//!
//! A page describes its objects by implementing [`Resource`] (which builds on [`Removable`]):
//! the nouns, the table's columns, how a row looks, the text the search box looks in, where its
//! detail page is, and the call that lists them. Then:
//!
//! - [`ListPage`](list_page::ListPage) draws the list page: the header with the count, the
//!   toolbar (the page's own filters, search, refresh, the page's own buttons), the loading,
//!   error and empty states, the table with a remove button on each row that may go, and the one
//!   [`RemovalDialog`](removal::RemovalDialog) that asks first.
//!   With `bulk` actions, rows get tick boxes and a bar of actions for what is ticked and
//!   shown ([`Selection`](selection::Selection)).
//! - [`PruneButton`](prune::PruneButton) is the toolbar's prune button with its confirmation.
//! - [`DetailPage`](detail_page::DetailPage) draws one object's page: breadcrumbs back to the
//!   list, the title, refresh and remove (going back to the list once it is gone), the loading
//!   and error states, and the page's facts and tables below.
//!
//! A minimal list page:
//!
//! ```text
//! impl Removable for Plugin { const NOUN: &'static str = "plugin"; /* name, lost, remove */ }
//! impl Resource for Plugin { const PLURAL: &'static str = "plugins"; /* columns, row, list */ }
//!
//! #[component]
//! pub fn PluginsPage() -> impl IntoView {
//!     let status = use_engine_status();
//!     let plugins = list_remote::<Plugin>(status);
//!     view! { <ListPage remote=plugins can_remove=use_session().can(Access::Operate)/> }
//! }
//! ```
//!
//! Failures go through [`removal::report_failure`], which also tells the shell when the engine
//! is gone, so no page forgets to.

pub mod detail_page;
pub mod list_page;
pub mod prune;
pub mod removal;
pub mod selection;

use std::future::Future;

use leptos::prelude::*;
use web_sys::AbortSignal;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::app::engine_status::EngineStatus;
use crate::app::remote::Remote;
use crate::app::undecodable::Kind;
use crate::components::icons::IconKind;
use crate::components::table::Column;
pub use removal::Removable;

/// A kind of object with a list page.
pub trait Resource: Removable + PartialEq {
    /// The plural, in counts, searches and empty states: "networks".
    const PLURAL: &'static str;
    /// The list page's heading: "Networks".
    const TITLE: &'static str;
    /// The icon of the empty list.
    const ICON: IconKind;
    /// The table's columns, ending with [`ACTIONS`](crate::components::table::ACTIONS), where
    /// the kit puts the remove button.
    const COLUMNS: &'static [Column];
    /// The table's `data-testid`, which tests find it by.
    const TABLE_TESTID: &'static str;
    /// Whose error rows (objects the engine listed that could not be decoded) the table shows.
    const UNDECODABLE: Option<Kind> = None;

    /// What tells rows apart, such as the engine's id.
    fn key(&self) -> String;

    /// The text the search box looks in.
    fn search_text(&self) -> String;

    /// The row: a `<tr>` with `edges.select` as its first cell, then the object's cells, and
    /// `edges.actions` as its last. `link` is the object's detail page in the current
    /// environment, if it has one.
    fn row(&self, link: Option<String>, edges: Edges) -> AnyView;

    /// The detail page of this object in `environment`, if there is one.
    fn link(&self, _environment: &str) -> Option<String> {
        None
    }

    /// Actions of the row besides removal, such as browsing a volume's files.
    fn actions(&self, _environment: &str) -> Option<AnyView> {
        None
    }

    /// Whether this object may be removed at all (the engine's predefined networks may not).
    fn removable(&self) -> bool {
        true
    }

    /// Lists the objects of `engine`'s environment (the console's own objects ignore it), in
    /// the order the page shows them.
    fn list(
        engine: Engine,
        signal: AbortSignal,
    ) -> impl Future<Output = Result<Vec<Self>, ApiError>> + 'static;
}

/// The cells the kit puts around a row's own: the tick box of a list with bulk actions (none
/// otherwise), and the row's buttons.
pub struct Edges {
    /// The first cell, when rows can be ticked.
    pub select: Option<AnyView>,
    /// The last cell.
    pub actions: AnyView,
}

/// The list of `T` in the current environment, loaded again when the environment changes or
/// its engine comes back.
pub fn list_remote<T: Resource>(status: EngineStatus) -> Remote<Vec<T>> {
    status.remote(T::list)
}
