//! Two requests at once: [`together`] runs a second future beside the first, for pages that
//! need two independent answers before they can draw, so they wait for the slower one, not for
//! the sum.

use std::future::Future;

use futures_channel::oneshot;
use leptos::task::spawn_local;

/// Runs `first` and `second` at the same time and returns both results.
pub async fn together<A, B>(
    first: impl Future<Output = A>,
    second: impl Future<Output = B> + 'static,
) -> (A, B)
where
    B: 'static,
{
    let (sender, receiver) = oneshot::channel();
    spawn_local(async move {
        // The receiver is only gone when the caller was dropped, and then nobody needs it.
        let _ = sender.send(second.await);
    });
    let first = first.await;
    let second = receiver
        .await
        .expect("spawn_local runs the second future to its end");
    (first, second)
}
