//! `/environments`: the home page, one card per environment the user may see, followed live.
//! The page long-polls `/api/overview?after=N`, so a card changes as soon as its engine's probe
//! finds something new, and nothing is asked of the engines themselves: a dead host is a card
//! that says since when, with its next try and a retry, and never slows the others.

use berth_shared::api::overview::{CardState, EnvironmentCard, Overview, SwarmRole};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use web_sys::AbortController;

use crate::api::ApiError;
use crate::api::environments::{overview, retry_probe};
use crate::app::environments::use_known_environments;
use crate::app::session::use_session;
use crate::components::icons::IconKind;
use crate::components::states::{EmptyState, LoadingRows};
use crate::components::toast::use_toaster;
use crate::components::toolbar::{SearchBox, matches_search};
use crate::environments::card::{
    container_segments, engine_line, host_line, offline_line, search_text, state_label, tally,
    transport_label,
};
use crate::format;
use crate::time::{absolute_time, ticking_now};

/// How long to wait before asking again after a failed long-poll.
const AFTER_FAILURE_MS: u32 = 3_000;

/// What a card's DOM depends on: everything but the probe times, which change on every probe.
fn card_key(card: &EnvironmentCard) -> String {
    let mut stable = card.clone();
    stable.checked_at = None;
    stable.retry_at = stable.retry_at.map(|_| 0);
    format!("{stable:?}")
}

/// Follows `/api/overview` for as long as the page is open.
fn follow(state: RwSignal<Option<Result<Overview, ApiError>>>) {
    let controller = StoredValue::new_local(None::<AbortController>);
    on_cleanup(move || {
        if let Some(Some(controller)) = controller.try_update_value(Option::take) {
            controller.abort();
        }
    });
    spawn_local(async move {
        let mut after = None;
        loop {
            let Ok(abort) = AbortController::new() else {
                return;
            };
            let signal = abort.signal();
            if controller.try_set_value(Some(abort)).is_some() {
                return;
            }
            let answer = overview(after, Some(&signal)).await;
            if signal.aborted() {
                return;
            }
            let failed = answer.is_err();
            if let Ok(overview) = &answer {
                after = Some(overview.revision);
            }
            // A failure keeps the cards on screen: the error shows only before the first answer.
            let keep =
                failed && state.try_with_untracked(|s| matches!(s, Some(Ok(_)))) == Some(true);
            if !keep && state.try_set(Some(answer)).is_some() {
                return;
            }
            if failed {
                TimeoutFuture::new(AFTER_FAILURE_MS).await;
            }
        }
    });
}

/// `/environments`.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let known = use_known_environments();
    let state = RwSignal::new(None::<Result<Overview, ApiError>>);
    follow(state);
    // The shell's switcher learns of new or removed environments from here too.
    let count = Memo::new(move |_| {
        state.with(|s| match s {
            Some(Ok(overview)) => overview.environments.len(),
            _ => 0,
        })
    });
    Effect::new(move |previous: Option<usize>| {
        let now = count.get();
        if previous.is_some_and(|previous| previous != now) {
            known.0.reload();
        }
        now
    });
    let search = RwSignal::new(String::new());
    let is_admin = session.role() == Some(berth_shared::access::Role::Admin);
    let cards = Memo::new(move |_| {
        state.with(|s| match s {
            Some(Ok(overview)) => overview.environments.clone(),
            _ => Vec::new(),
        })
    });
    let shown = Memo::new(move |_| {
        let search = search.get();
        cards
            .get()
            .into_iter()
            .filter(|card| matches_search(&search, &search_text(card)))
            .collect::<Vec<_>>()
    });
    let summary = move || {
        let all = cards.get();
        (!all.is_empty()).then(|| {
            format!(
                "{} · {}",
                format::count(all.len(), "environment", "environments"),
                tally(&all)
            )
        })
    };
    let body = move || {
        match state.get() {
        None => view! { <LoadingRows what="environments" rows=3/> }.into_any(),
        Some(Err(error)) => view! {
            <div role="alert">
                <EmptyState icon=IconKind::Alert title="The environments could not be loaded">
                    <p>{error.to_string()}</p>
                </EmptyState>
            </div>
        }
        .into_any(),
        Some(Ok(_)) if shown.with(Vec::is_empty) => view! {
            <EmptyState icon=IconKind::Search title="No environment matches">
                <p>"Nothing has that name, id, tag or address. Clear the search to see them all."</p>
            </EmptyState>
        }
        .into_any(),
        Some(Ok(_)) => view! {
            <div class="env-grid" data-testid="environment-cards">
                <For each=move || shown.get() key=card_key let:card>
                    <Card card=card/>
                </For>
            </div>
        }
        .into_any(),
    }
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Environments"</h1>
                    <p class="page-sub" data-testid="environment-tally">{summary}</p>
                </div>
                <div class="toolbar">
                    <SearchBox text=search what="environments"/>
                    {is_admin.then(|| view! {
                        <A href="/admin/environments" attr:class="btn btn-primary">"Add an environment"</A>
                    })}
                </div>
            </div>
            {body}
        </section>
    }
}

/// One environment's card.
#[component]
fn Card(card: EnvironmentCard) -> impl IntoView {
    let toaster = use_toaster();
    let now = ticking_now();
    let (label, tone) = state_label(&card);
    let dot = match card.state {
        CardState::Online => "engine-dot engine-dot-ok",
        CardState::Offline => "engine-dot engine-dot-down",
        CardState::Unsupported => "engine-dot engine-dot-warn",
        CardState::Checking => "engine-dot engine-dot-pending",
    };
    let id = card.id.clone();
    let link = |section: &str| format!("/env/{}/{section}", crate::api::percent_encode(&id));
    let title_id = format!("env-card-{}", card.id);
    let tags = card
        .tags
        .iter()
        .map(|tag| view! { <span class="badge badge-neutral">{tag.clone()}</span> })
        .collect_view();
    let transport = transport_label(&card);
    let transport_tone = if card.insecure {
        "badge-warn"
    } else {
        "badge-outline"
    };
    let state_body = match card.state {
        CardState::Checking => view! {
            <p class="muted" role="status">"Checking the engine…"</p>
        }
        .into_any(),
        CardState::Offline => {
            let offline = card.clone();
            let since_title = card
                .offline_since
                .map(|since| format!("Since {}", absolute_time(since)))
                .unwrap_or_default();
            let retry_id = card.id.clone();
            let retry = move |_| {
                let id = retry_id.clone();
                spawn_local(async move {
                    if let Err(error) = retry_probe(&id).await {
                        toaster.error(format!("Could not retry {id}: {error}"));
                    }
                });
            };
            let last_known = card.facts.as_ref().map(|facts| {
                format!(
                    "Last known: {} running, {} stopped, {} images",
                    facts.running, facts.stopped, facts.images
                )
            });
            view! {
                <p class="env-offline" title=since_title data-testid="offline-line">
                    {move || offline_line(&offline, now.get())}
                </p>
                <p class="env-error cell-clip" title=card.error.clone()>{card.error.clone()}</p>
                {last_known.map(|text| view! { <p class="muted">{text}</p> })}
                <div>
                    <button type="button" class="btn btn-small" on:click=retry
                        aria-label=format!("Retry {} now", card.name)>"Retry now"</button>
                </div>
            }
            .into_any()
        }
        CardState::Online | CardState::Unsupported => facts_view(&card).into_any(),
    };
    let sections = (card.state == CardState::Online).then(|| {
        view! {
            <nav class="env-card-links" aria-label=format!("{} pages", card.name)>
                <A href=link("containers")>"Containers"</A>
                <A href=link("images")>"Images"</A>
                <A href=link("volumes")>"Volumes"</A>
                <A href=link("system")>"System"</A>
            </nav>
        }
    });
    let (labelled_by, name) = (title_id.clone(), card.name.clone());
    let (name_title, home) = (card.name.clone(), link("containers"));
    let state_word = format!("{:?}", card.state).to_lowercase();
    view! {
        <article class="card env-card" data-env=card.id.clone() data-state=state_word
            aria-labelledby=labelled_by>
            <header class="env-card-head">
                <span class=dot aria-hidden="true"></span>
                <h2 class="env-card-title cell-clip" id=title_id title=name_title>
                    <A href=home>{name}</A>
                </h2>
                <span class=format!("badge badge-{tone}")>{label}</span>
            </header>
            <p class="env-card-address">
                <span class="mono cell-clip" title=card.endpoint.clone()>{card.endpoint.clone()}</span>
                <span class=format!("badge {transport_tone}")>{transport}</span>
            </p>
            {(!card.tags.is_empty()).then(|| view! { <p class="env-card-tags">{tags}</p> })}
            {(!card.description.is_empty()).then(|| view! { <p class="muted env-card-description">{card.description.clone()}</p> })}
            <div class="env-card-body">{state_body}</div>
            {sections}
        </article>
    }
}

/// An engine that answered: its versions, host, containers bar and counts.
fn facts_view(card: &EnvironmentCard) -> impl IntoView + use<> {
    let engine = engine_line(card);
    let unsupported = (card.state == CardState::Unsupported)
        .then(|| card.error.clone())
        .flatten();
    let facts = card.facts.clone().unwrap_or_default();
    let host = host_line(&facts);
    let segments = container_segments(&facts);
    let total = facts.running + facts.paused + facts.stopped;
    let described = segments
        .iter()
        .map(|(_, _, text)| text.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let legend = segments
        .iter()
        .map(|(class, _, text)| {
            view! { <span class="env-legend"><span class=format!("env-swatch {class}") aria-hidden="true"></span>{text.clone()}</span> }
        })
        .collect_view();
    let bar = segments
        .into_iter()
        .map(|(class, share, _)| {
            view! { <span class=format!("env-bar-part {class}") style:width=format!("{share:.2}%")></span> }
        })
        .collect_view();
    let unhealthy = (facts.unhealthy > 0).then(|| {
        view! {
            <span class="badge badge-outline badge-danger" data-testid="unhealthy-count">
                {format::count(facts.unhealthy as usize, "unhealthy", "unhealthy")}
            </span>
        }
    });
    let swarm = (facts.swarm != SwarmRole::None)
        .then(|| view! { <span class="badge badge-info">{facts.swarm.describe()}</span> });
    view! {
        {unsupported.map(|error| view! { <p class="alert alert-warn">{error}</p> })}
        {engine.map(|line| view! { <p class="env-card-engine">{line}</p> })}
        {(!host.is_empty()).then(|| view! { <p class="muted">{host}</p> })}
        <div class="env-containers">
            <p class="env-containers-head">
                <span>{format::count(total as usize, "container", "containers")}</span>
                {unhealthy}
            </p>
            {(total > 0).then(|| view! {
                <div class="env-bar" role="img" aria-label=format!("Containers: {described}")>{bar}</div>
                <p class="env-legends">{legend}</p>
            })}
        </div>
        <p class="env-counts">
            <span>{format::count(facts.images as usize, "image", "images")}</span>
            <span>{format::count(facts.volumes as usize, "volume", "volumes")}</span>
            {swarm}
        </p>
    }
}
