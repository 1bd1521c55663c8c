//! The data table every list and detail page draws: a scrolling wrapper, a header row from a
//! list of columns, and the rows the page supplies.

use leptos::prelude::*;

/// One column heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// A column of text, headed by its label.
    Text(&'static str),
    /// A column of numbers, aligned to the right.
    Num(&'static str),
    /// A column named for screen readers only, such as the row's buttons.
    Hidden(&'static str),
    /// As `Hidden`, but only as wide as its content (`cell-actions`).
    HiddenNarrow(&'static str),
}

/// The actions column most tables end with.
pub const ACTIONS: Column = Column::Hidden("Actions");

impl Column {
    fn heading(self) -> impl IntoView {
        match self {
            Self::Text(label) => view! { <th scope="col">{label}</th> }.into_any(),
            Self::Num(label) => view! { <th scope="col" class="num">{label}</th> }.into_any(),
            Self::Hidden(label) => view! { <th scope="col"><span class="sr-only">{label}</span></th> }.into_any(),
            Self::HiddenNarrow(label) => {
                view! { <th scope="col" class="cell-actions"><span class="sr-only">{label}</span></th> }.into_any()
            }
        }
    }
}

/// A table with a fixed header row; its children are the body's rows.
#[component]
pub fn DataTable(
    /// The `data-testid` tests find the table by.
    testid: &'static str,
    /// The column headings, in order.
    columns: &'static [Column],
    /// Classes added after `table`, such as `table-compact`.
    #[prop(optional)]
    class: &'static str,
    /// A first heading cell's content before `columns`, such as a "select all" box.
    #[prop(optional_no_strip)]
    lead: Option<ViewFn>,
    /// The rows.
    children: Children,
) -> impl IntoView {
    let lead = lead.map(|lead| view! { <th scope="col" class="cell-select">{lead.run()}</th> });
    let class = if class.is_empty() {
        "table".to_owned()
    } else {
        format!("table {class}")
    };
    view! {
        <div class="table-wrap">
            <table class=class data-testid=testid>
                <thead>
                    <tr>{lead}{columns.iter().map(|column| column.heading()).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// A titled section listing things in a table, with its count in the title; when there are none it
/// is a card saying so instead.
#[component]
pub fn TableSection(
    /// The title, such as "Used by"; the count is added in brackets.
    title: &'static str,
    /// How many rows there are.
    count: usize,
    /// What the card says when there are none.
    empty: &'static str,
    /// A `data-testid` for the empty message.
    #[prop(optional)]
    empty_testid: Option<&'static str>,
    /// The `data-testid` of the table.
    testid: &'static str,
    /// The column headings.
    columns: &'static [Column],
    /// The rows.
    children: Children,
) -> impl IntoView {
    if count == 0 {
        return view! {
            <section class="card section">
                <h2 class="section-title">{title}</h2>
                <p class="muted" data-testid=empty_testid>{empty}</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="section-block">
            <h2 class="section-title">{format!("{title} ({count})")}</h2>
            <DataTable testid=testid columns=columns>{children()}</DataTable>
        </section>
    }
    .into_any()
}
