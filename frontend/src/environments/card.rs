//! What a home-page card says, without DOM: its state in words, the host line, the container
//! counts and the bar that draws them, and the tally of the page's header.

use berth_shared::api::environments::TransportKind;
use berth_shared::api::overview::{CardState, EnvironmentCard, HostFacts};

use crate::format;

/// The state in a word or two, and the badge's tone.
pub fn state_label(card: &EnvironmentCard) -> (&'static str, &'static str) {
    match card.state {
        CardState::Checking => ("Checking…", "neutral"),
        CardState::Online => ("Online", "ok"),
        CardState::Unsupported => ("Too old", "warn"),
        CardState::Offline => ("Offline", "danger"),
    }
}

/// How Berth reaches it, for the card's badge.
pub fn transport_label(card: &EnvironmentCard) -> &'static str {
    match card.transport {
        TransportKind::Unix => "socket",
        TransportKind::Tls => "TLS",
        TransportKind::Tcp => "insecure TCP",
        TransportKind::Ssh => "SSH",
    }
}

/// "Offline for 3 minutes · next try in 40 seconds", from the card's times and the clock.
pub fn offline_line(card: &EnvironmentCard, now: i64) -> Option<String> {
    if card.state != CardState::Offline {
        return None;
    }
    let since = match card.offline_since.map(|since| now - since) {
        Some(..60) => "Offline for under a minute".to_owned(),
        Some(seconds) => format!(
            "Offline for {}",
            format::human_duration(seconds).to_lowercase()
        ),
        None => "Offline".to_owned(),
    };
    Some(match card.retry_at {
        Some(at) if at > now => format!(
            "{since} · next try in {}",
            format::human_duration(at - now).to_lowercase()
        ),
        Some(_) => format!("{since} · trying again…"),
        None => since,
    })
}

/// "Docker 20.10.24 · API 1.41".
pub fn engine_line(card: &EnvironmentCard) -> Option<String> {
    let engine = card.engine.as_ref()?;
    let api = card
        .api_version
        .map(|version| format!(" · API {version}"))
        .unwrap_or_default();
    Some(format!("Docker {}{api}", engine.version))
}

/// "Debian GNU/Linux 12 · x86_64 · 8 CPUs · 15.6 GiB".
pub fn host_line(facts: &HostFacts) -> String {
    let mut parts: Vec<String> = Vec::new();
    for part in [&facts.operating_system, &facts.architecture] {
        if !part.is_empty() {
            parts.push(part.clone());
        }
    }
    if facts.cpus > 0 {
        parts.push(format::count(facts.cpus as usize, "CPU", "CPUs"));
    }
    if facts.memory > 0 {
        parts.push(format::bytes(facts.memory));
    }
    parts.join(" · ")
}

/// The containers bar's segments: running, paused and stopped, each a share of 100 (the
/// last one takes the rounding), with its class and label. Empty without containers.
pub fn container_segments(facts: &HostFacts) -> Vec<(&'static str, f64, String)> {
    let total = facts.running + facts.paused + facts.stopped;
    if total == 0 {
        return Vec::new();
    }
    [
        ("bar-running", facts.running, "running"),
        ("bar-paused", facts.paused, "paused"),
        ("bar-stopped", facts.stopped, "stopped"),
    ]
    .into_iter()
    .filter(|(_, count, _)| *count > 0)
    .map(|(class, count, word)| {
        (
            class,
            count as f64 * 100.0 / total as f64,
            format!("{} {word}", format::thousands(count as usize)),
        )
    })
    .collect()
}

/// The header's tally: "3 online · 1 offline · 1 checking".
pub fn tally(cards: &[EnvironmentCard]) -> String {
    let count = |state: CardState| cards.iter().filter(|card| card.state == state).count();
    [
        (count(CardState::Online), "online"),
        (count(CardState::Unsupported), "too old"),
        (count(CardState::Offline), "offline"),
        (count(CardState::Checking), "checking"),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, word)| format!("{count} {word}"))
    .collect::<Vec<_>>()
    .join(" · ")
}

/// The text the home page's search looks in: name, id, tags, description, address.
pub fn search_text(card: &EnvironmentCard) -> String {
    format!(
        "{} {} {} {} {}",
        card.name,
        card.id,
        card.tags.join(" "),
        card.description,
        card.endpoint
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(running: u64, paused: u64, stopped: u64) -> HostFacts {
        HostFacts {
            running,
            paused,
            stopped,
            ..HostFacts::default()
        }
    }

    #[test]
    fn offline_cards_say_since_when_and_when_next() {
        let mut card = EnvironmentCard {
            state: CardState::Offline,
            offline_since: Some(1_000),
            retry_at: Some(1_240),
            ..EnvironmentCard::default()
        };
        let line = offline_line(&card, 1_200).unwrap();
        assert_eq!(line, "Offline for 3 minutes · next try in 40 seconds");
        card.offline_since = Some(1_190);
        assert!(
            offline_line(&card, 1_200)
                .unwrap()
                .starts_with("Offline for under a minute")
        );
        card.retry_at = Some(1_100);
        assert!(
            offline_line(&card, 1_200)
                .unwrap()
                .ends_with("trying again…")
        );
        card.state = CardState::Online;
        assert_eq!(offline_line(&card, 1_200), None);
    }

    #[test]
    fn the_bar_shares_add_up_and_skip_empty_kinds() {
        let segments = container_segments(&facts(3, 0, 1));
        assert_eq!(segments.len(), 2);
        assert_eq!(segments[0].2, "3 running");
        assert!((segments.iter().map(|s| s.1).sum::<f64>() - 100.0).abs() < 1e-9);
        assert!(container_segments(&facts(0, 0, 0)).is_empty());
    }

    #[test]
    fn the_host_line_leaves_out_what_is_unknown() {
        let mut host = facts(0, 0, 0);
        assert_eq!(host_line(&host), "");
        host.architecture = "aarch64".into();
        host.cpus = 4;
        assert_eq!(host_line(&host), "aarch64 · 4 CPUs");
    }

    #[test]
    fn the_tally_counts_each_state() {
        let card = |state| EnvironmentCard {
            state,
            ..EnvironmentCard::default()
        };
        let cards = [
            card(CardState::Online),
            card(CardState::Online),
            card(CardState::Offline),
        ];
        assert_eq!(tally(&cards), "2 online · 1 offline");
    }
}
