//! Short notices after actions: "Stopped web", or the engine's error message.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::ApiError;

/// The message to show for a failed action on `what`.
pub fn action_failed(verb: &str, what: &str, error: &ApiError) -> String {
    format!("Could not {verb} {what}: {error}")
}

/// Whether a notice reports success or failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Something worked.
    Success,
    /// Something failed.
    Error,
}

/// One notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    id: u64,
    tone: Tone,
    message: String,
}

/// The notices on screen, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Toaster {
    toasts: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Default for Toaster {
    fn default() -> Self {
        Self::new()
    }
}

impl Toaster {
    /// An empty toaster.
    pub fn new() -> Self {
        Self {
            toasts: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        }
    }

    /// Reports a success; it goes away after a few seconds.
    pub fn success(&self, message: impl Into<String>) {
        self.push(Tone::Success, message.into(), Duration::from_secs(4));
    }

    /// Reports a failure; it stays longer, and can be dismissed.
    pub fn error(&self, message: impl Into<String>) {
        self.push(Tone::Error, message.into(), Duration::from_secs(10));
    }

    fn push(&self, tone: Tone, message: String, lifetime: Duration) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.toasts
            .update(|toasts| toasts.push(Toast { id, tone, message }));
        let toaster = *self;
        set_timeout(move || toaster.dismiss(id), lifetime);
    }

    /// Removes a notice.
    pub fn dismiss(&self, id: u64) {
        self.toasts
            .update(|toasts| toasts.retain(|toast| toast.id != id));
    }
}

/// The toaster of the app.
pub fn use_toaster() -> Toaster {
    expect_context::<Toaster>()
}

/// Where notices appear; announced politely to screen readers.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toaster = use_toaster();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toaster.toasts.get() key=|toast| toast.id let:toast>
                <div class=match toast.tone {
                    Tone::Success => "toast toast-success",
                    Tone::Error => "toast toast-error",
                }>
                    <span class="toast-message">{toast.message.clone()}</span>
                    <button
                        class="toast-close"
                        aria-label="Dismiss"
                        on:click=move |_| toaster.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
