//! One log row: its time stamp and its text, styled by its ANSI codes, with the search's hits
//! highlighted.

use leptos::prelude::*;

use super::matcher::Matcher;
use crate::logs::ansi;
use crate::logs::buffer::Line;
use crate::logs::lines::Stream;
use crate::logs::search::{Piece, highlight};

/// A row of `line`; `current` marks the search's current hit.
pub(super) fn row_view(
    line: &Line,
    matcher: &Matcher,
    show_time: bool,
    current: bool,
) -> impl IntoView + use<> {
    let spans = ansi::parse(&line.text);
    let pieces = highlight(&spans, &matcher.ranges(line.plain()));
    let class = match (line.stream, current) {
        (Stream::Stderr, true) => "log-row log-stderr log-current",
        (Stream::Stderr, false) => "log-row log-stderr",
        (Stream::Stdout, true) => "log-row log-current",
        (Stream::Stdout, false) => "log-row",
    };
    let stamp = show_time
        .then(|| line.timestamp.as_deref().map(short_time))
        .flatten();
    view! {
        <div class=class>
            {stamp.map(|s| view! { <span class="log-time">{s}</span> })}
            <span class="log-text">{pieces.into_iter().map(piece_view).collect_view()}</span>
        </div>
    }
}

fn piece_view(piece: Piece) -> impl IntoView {
    let (mut class, color, background) = piece.style.css();
    if piece.hit {
        class.push_str(" log-hit");
    }
    if class.is_empty() && color.is_none() && background.is_none() {
        return piece.text.into_any();
    }
    view! { <span class=class style:color=color style:background=background>{piece.text}</span> }
        .into_any()
}

/// `2024-05-06T07:08:09.123456789Z` → `2024-05-06 07:08:09.123`.
fn short_time(stamp: &str) -> String {
    stamp.replace('T', " ").chars().take(23).collect()
}
