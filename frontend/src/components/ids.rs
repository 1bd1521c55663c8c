//! Element ids that are unique in the page, for components that may stand several times in one
//! page (a label's `for`, a dialog's `aria-labelledby`).

use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A new id, `prefix-N`, never handed out before in this page.
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_never_repeat() {
        let first = unique_id("confirm-title");
        let second = unique_id("confirm-title");
        assert!(first.starts_with("confirm-title-"));
        assert_ne!(first, second);
    }
}
