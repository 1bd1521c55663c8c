//! The line that reports a finished prune, with the reclaimed space in an attribute for tests.

use leptos::prelude::*;

/// A finished prune: what was pruned, the sentence to show, and the bytes reclaimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PruneOutcome {
    /// A stable key for what was pruned, such as `volumes`.
    pub key: &'static str,
    /// The sentence to show.
    pub message: String,
    /// Bytes freed.
    pub reclaimed: u64,
}

/// Shows the last prune's outcome until dismissed.
#[component]
pub fn PruneResult(
    /// The last outcome, if any.
    outcome: RwSignal<Option<PruneOutcome>>,
) -> impl IntoView {
    move || {
        outcome.get().map(|done| {
            view! {
                <div class="alert alert-success result-line" role="status" data-testid="prune-result"
                    data-category=done.key data-reclaimed=done.reclaimed.to_string()>
                    <span>{done.message}</span>
                    <button class="toast-close" aria-label="Dismiss" on:click=move |_| outcome.set(None)>"×"</button>
                </div>
            }
        })
    }
}
