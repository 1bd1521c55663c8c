//! Long tables draw a page of rows at first and the next page as the end of the window comes
//! near, so a thousand objects cost the first screens, not a thousand rows. Of that first page,
//! only the first screens are drawn before the browser paints; the rest follows a frame later,
//! so the page shows as soon as it can. [`RowLimit`] is how many to draw; [`MoreRows`] says how
//! many are not drawn yet and draws them all on request.

use leptos::prelude::*;

/// How many rows a table draws at first, and adds each time the end comes near.
pub const PAGE_ROWS: usize = 150;

/// How many rows are drawn before the first paint: more than two screens of a tall window.
pub const FIRST_PAINT_ROWS: usize = 40;
const _: () = assert!(FIRST_PAINT_ROWS < PAGE_ROWS);

/// How many of a table's rows are drawn.
#[derive(Debug, Clone, Copy)]
pub struct RowLimit {
    limit: RwSignal<usize>,
    /// Whether the browser has painted the first rows, after which the whole limit is drawn.
    painted: RwSignal<bool>,
    total: Signal<usize>,
}

impl RowLimit {
    /// A first page of the `total` rows, growing by a page while the calling component lives,
    /// each time the window is scrolled to within three screens of the end.
    pub fn new(total: Signal<usize>) -> Self {
        let rows = Self {
            limit: RwSignal::new(PAGE_ROWS),
            painted: RwSignal::new(false),
            total,
        };
        // An animation frame's callback runs before that frame is painted, and a task it queues
        // runs after.
        request_animation_frame(move || {
            set_timeout(
                move || {
                    rows.painted.try_set(true);
                },
                std::time::Duration::ZERO,
            );
        });
        let scroll = window_event_listener(leptos::ev::scroll, move |_| {
            if near_the_end() && untrack(|| rows.hidden()) > 0 {
                rows.limit.update(|limit| *limit += PAGE_ROWS);
            }
        });
        on_cleanup(move || scroll.remove());
        rows
    }

    /// A [`RowLimit::new`] over `rows`, and the rows it draws: the table's one source of rows.
    pub fn first_rows<T>(rows: Memo<Vec<T>>) -> (Self, Memo<Vec<T>>)
    where
        T: Clone + PartialEq + Send + Sync + 'static,
    {
        let limit = Self::new(Signal::derive(move || rows.with(Vec::len)));
        let shown = Memo::new(move |_| {
            rows.with(|rows| rows.iter().take(limit.get()).cloned().collect::<Vec<T>>())
        });
        (limit, shown)
    }

    /// How many rows to draw (tracked).
    pub fn get(&self) -> usize {
        first_paint(self.limit.get(), self.painted.get())
    }

    /// How many rows are not drawn, not counting those that follow the first paint (tracked).
    pub fn hidden(&self) -> usize {
        self.total.get().saturating_sub(self.limit.get())
    }

    /// Draws every row.
    pub fn show_all(&self) {
        self.limit.set(usize::MAX);
    }
}

/// How many rows of `limit` to draw, before the first paint and after.
fn first_paint(limit: usize, painted: bool) -> usize {
    if painted {
        limit
    } else {
        limit.min(FIRST_PAINT_ROWS)
    }
}

/// Whether the window is scrolled to within three screens of the page's end.
fn near_the_end() -> bool {
    let window = window();
    let y = window.scroll_y().unwrap_or_default();
    let viewport = window
        .inner_height()
        .ok()
        .and_then(|height| height.as_f64())
        .unwrap_or_default();
    let page = document()
        .document_element()
        .map(|root| f64::from(root.scroll_height()))
        .unwrap_or_default();
    y + viewport * 3.0 > page
}

/// "N more not drawn yet" with a "Show all" button, while rows are left out.
#[component]
pub fn MoreRows(
    /// The table's limit.
    rows: RowLimit,
) -> impl IntoView {
    view! {
        <Show when=move || { rows.hidden() > 0 }>
            <div class="table-more" data-testid="more-rows">
                <span class="muted">{move || format!("{} more not drawn yet", rows.hidden())}</span>
                <button class="btn btn-small" on:click=move |_| rows.show_all()>"Show all"</button>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_paint_draws_a_few_screens_then_the_whole_page() {
        assert_eq!(first_paint(PAGE_ROWS, false), FIRST_PAINT_ROWS);
        assert_eq!(first_paint(PAGE_ROWS, true), PAGE_ROWS);
        // Show all, before the first paint and after.
        assert_eq!(first_paint(usize::MAX, false), FIRST_PAINT_ROWS);
        assert_eq!(first_paint(usize::MAX, true), usize::MAX);
    }
}
