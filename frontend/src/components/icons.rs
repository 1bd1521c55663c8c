//! Line icons, drawn on a 24×24 grid as inline SVG so they take the text colour.

use leptos::prelude::*;

/// The icons Berth uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconKind {
    /// Berth's mark: a mooring anchor.
    Logo,
    /// Containers: a cube.
    Container,
    /// Images: stacked layers.
    Image,
    /// Registries: a server rack.
    Registry,
    /// Networks: linked nodes.
    Network,
    /// Volumes: a storage cylinder.
    Volume,
    /// System: a chip.
    System,
    /// The light theme.
    Sun,
    /// The dark theme.
    Moon,
    /// Start.
    Play,
    /// Stop.
    Stop,
    /// Restart or reload.
    Restart,
    /// Remove.
    Trash,
    /// Search.
    Search,
    /// A warning.
    Alert,
    /// Nothing here.
    Empty,
    /// Users.
    Users,
    /// The audit log.
    Audit,
    /// Engine events: a pulse.
    Activity,
    /// Stats: a line chart.
    Chart,
    /// A terminal.
    Terminal,
    /// Guardrails: a shield.
    Shield,
    /// Environments: a stack of servers.
    Hosts,
    /// A swarm: nodes around a centre.
    Swarm,
    /// Swarm services: copies of one box.
    Service,
    /// Swarm tasks: a checklist.
    Task,
    /// A lock.
    Lock,
    /// Plugins: a plug.
    Plug,
    /// Configs: a page with lines.
    Document,
}

/// An inline SVG icon, hidden from screen readers: the control around it carries the label.
#[component]
pub fn Icon(
    /// Which icon to draw.
    kind: IconKind,
) -> impl IntoView {
    let body = match kind {
        IconKind::Logo => view! {
            <circle cx="12" cy="5" r="2"/>
            <path d="M12 7v14M5 13a7 7 0 0 0 14 0M8.5 10h7"/>
        }
        .into_any(),
        IconKind::Container => view! {
            <path d="M12 3l8 4.5v9L12 21l-8-4.5v-9z"/>
            <path d="M4 7.5l8 4.5 8-4.5M12 12v9"/>
        }
        .into_any(),
        IconKind::Image => view! {
            <path d="M12 3l9 5-9 5-9-5z"/>
            <path d="M3 12.5l9 5 9-5M3 16.5l9 5 9-5"/>
        }
        .into_any(),
        IconKind::Hosts => view! {
            <rect x="3.5" y="3.5" width="17" height="5" rx="1.5"/>
            <rect x="3.5" y="10" width="17" height="5" rx="1.5"/>
            <rect x="3.5" y="16.5" width="17" height="4" rx="1.5"/>
            <path d="M7 6h.01M7 12.5h.01M7 18.5h.01"/>
        }
        .into_any(),
        IconKind::Swarm => view! {
            <circle cx="12" cy="12" r="2.5"/>
            <circle cx="12" cy="3.5" r="1.8"/>
            <circle cx="19.5" cy="16.5" r="1.8"/>
            <circle cx="4.5" cy="16.5" r="1.8"/>
            <path d="M12 5.3v4.2M18 15.6l-3.8-2.3M6 15.6l3.8-2.3"/>
        }
        .into_any(),
        IconKind::Service => view! {
            <rect x="3" y="8" width="11" height="11" rx="1.5"/>
            <path d="M7 5h12.5a1.5 1.5 0 0 1 1.5 1.5V16M10 2.5h9"/>
        }
        .into_any(),
        IconKind::Task => view! {
            <path d="M4 6l1.5 1.5L8 5M4 12l1.5 1.5L8 11M4 18l1.5 1.5L8 17M11 6.5h9M11 12.5h9M11 18.5h9"/>
        }
        .into_any(),
        IconKind::Lock => view! {
            <rect x="5" y="10.5" width="14" height="10" rx="2"/>
            <path d="M8 10.5V7.5a4 4 0 0 1 8 0v3"/>
        }
        .into_any(),
        IconKind::Document => view! {
            <path d="M6 3h8l4 4v14H6z"/>
            <path d="M14 3v4h4M9 12h6M9 16h6"/>
        }
        .into_any(),
        IconKind::Plug => view! {
            <path d="M9 3v5M15 3v5"/>
            <path d="M6.5 8h11v3a5.5 5.5 0 0 1-11 0z"/>
            <path d="M12 16.5V21"/>
        }
        .into_any(),
        IconKind::Registry => view! {
            <rect x="3.5" y="4" width="17" height="7" rx="1.5"/>
            <rect x="3.5" y="13" width="17" height="7" rx="1.5"/>
            <path d="M7.5 7.5h.01M7.5 16.5h.01M11 7.5h5.5M11 16.5h5.5"/>
        }
        .into_any(),
        IconKind::Network => view! {
            <circle cx="12" cy="5" r="2.5"/>
            <circle cx="5" cy="19" r="2.5"/>
            <circle cx="19" cy="19" r="2.5"/>
            <path d="M10.8 7.2l-4.6 9.6M13.2 7.2l4.6 9.6M7.5 19h9"/>
        }
        .into_any(),
        IconKind::Volume => view! {
            <ellipse cx="12" cy="6" rx="8" ry="3"/>
            <path d="M4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>
        }
        .into_any(),
        IconKind::System => view! {
            <rect x="6" y="6" width="12" height="12" rx="2"/>
            <path d="M9 2v4M15 2v4M9 18v4M15 18v4M2 9h4M2 15h4M18 9h4M18 15h4M10 10h4v4h-4z"/>
        }
        .into_any(),
        IconKind::Sun => view! {
            <circle cx="12" cy="12" r="4"/>
            <path d="M12 2v2M12 20v2M2 12h2M20 12h2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"/>
        }
        .into_any(),
        IconKind::Moon => view! { <path d="M20 14.5A8.5 8.5 0 1 1 9.5 4a7 7 0 0 0 10.5 10.5z"/> }.into_any(),
        IconKind::Play => view! { <path d="M7 4.5l12 7.5-12 7.5z"/> }.into_any(),
        IconKind::Stop => view! { <rect x="6" y="6" width="12" height="12" rx="1.5"/> }.into_any(),
        IconKind::Restart => view! {
            <path d="M20 12a8 8 0 1 1-2.4-5.7"/>
            <path d="M20 4v5h-5"/>
        }
        .into_any(),
        IconKind::Trash => view! {
            <path d="M4 7h16M9.5 7V4.5h5V7M6 7l1 13h10l1-13M10 11v5M14 11v5"/>
        }
        .into_any(),
        IconKind::Search => view! {
            <circle cx="11" cy="11" r="6.5"/>
            <path d="M16 16l5 5"/>
        }
        .into_any(),
        IconKind::Alert => view! {
            <path d="M12 3.5l9.5 16.5h-19z"/>
            <path d="M12 10v4.5M12 17.2v.3"/>
        }
        .into_any(),
        IconKind::Empty => view! {
            <rect x="3.5" y="6" width="17" height="13" rx="2"/>
            <path d="M3.5 12h5l1.5 2h4l1.5-2h5"/>
        }
        .into_any(),
        IconKind::Users => view! {
            <circle cx="9" cy="8" r="3.5"/>
            <path d="M2.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6M16 4.8a3.5 3.5 0 0 1 0 6.4M18.5 14.5c1.9.8 3 2.7 3 5.5"/>
        }
        .into_any(),
        IconKind::Audit => view! {
            <path d="M6 3h9l4 4v14H6z"/>
            <path d="M15 3v4h4M9 11h7M9 15h7M9 19h4"/>
        }
        .into_any(),
        IconKind::Activity => view! { <path d="M3 12h4l3-8 4 16 3-8h4"/> }.into_any(),
        IconKind::Chart => view! { <path d="M4 4v16h16M7 15l4-5 3 3 5-7"/> }.into_any(),
        IconKind::Terminal => view! {
            <rect x="3" y="4.5" width="18" height="15" rx="2"/>
            <path d="M7 9.5l3 2.5-3 2.5M12.5 15h4.5"/>
        }
        .into_any(),
        IconKind::Shield => view! {
            <path d="M12 3l7.5 3v5.5c0 4.5-3.2 8-7.5 9.5-4.3-1.5-7.5-5-7.5-9.5V6z"/>
            <path d="M9 12l2.2 2.2L15.5 10"/>
        }
        .into_any(),
    };
    view! {
        <svg
            class="icon"
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
        >
            {body}
        </svg>
    }
}
