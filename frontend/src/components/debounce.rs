//! A signal that follows another once it has stopped changing, for filters that apply as the
//! user types without a request per keystroke.

use std::time::Duration;

use leptos::prelude::*;

/// How long typing must pause before a filter applies.
pub const TYPING_PAUSE: Duration = Duration::from_millis(300);

/// `source`'s value once it has not changed for `pause`.
pub fn debounced(source: Signal<String>, pause: Duration) -> Signal<String> {
    let output = RwSignal::new(source.get_untracked());
    let generation = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let value = source.get();
        let Some(current) = generation.try_update_value(|count| {
            *count += 1;
            *count
        }) else {
            return;
        };
        set_timeout(
            move || {
                // The page may be gone by now.
                let still_latest = generation.try_get_value() == Some(current);
                let changed = output.try_with_untracked(|shown| *shown != value) == Some(true);
                if still_latest && changed {
                    output.try_set(value);
                }
            },
            pause,
        );
    });
    output.into()
}
