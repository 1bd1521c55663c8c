//! Every engine model decodes every answer dockerd sends, whichever of its fields is `null`.
//!
//! The fixtures are answers of a real dockerd 20.10 (API 1.41). For each model and fixture, every
//! value in the document (every object member and list element, at any depth) is replaced by
//! `null` in turn, and the document must still decode, through the streaming decoder and from a
//! parsed `Value` alike, to the same model; the nulls the engine itself sent read as if they were
//! missing.

use std::fmt::Debug;

use berth_shared::engine::config::Config;
use berth_shared::engine::container::{ContainerRecipe, ContainerSummary};
use berth_shared::engine::event::EngineEvent;
use berth_shared::engine::image::{HistoryItem, ImageInspect, ImageSummary};
use berth_shared::engine::inspect::{ContainerInspect, FilesystemChange, ProcessList};
use berth_shared::engine::lenient;
use berth_shared::engine::network::{ContainerEndpoints, Network};
use berth_shared::engine::node::Node;
use berth_shared::engine::plugin::{Plugin, PluginPrivilege};
use berth_shared::engine::secret::Secret;
use berth_shared::engine::service::Service;
use berth_shared::engine::stats::StatsSample;
use berth_shared::engine::swarm::Swarm;
use berth_shared::engine::system::{DiskUsage, SystemInfo, SystemVersion};
use berth_shared::engine::task::Task;
use berth_shared::engine::volume::{Volume, VolumeList};
use serde::de::DeserializeOwned;
use serde_json::Value;

macro_rules! fixture {
    ($name:literal) => {
        ($name, include_str!(concat!("fixtures/engine-1.41/", $name)))
    };
}

/// One model and the fixture it is checked against.
type Case = (&'static str, &'static str, fn(&str, &str) -> usize);

macro_rules! case {
    ($model:ty, $name:literal) => {{
        let (name, text) = fixture!($name);
        (name, text, check::<$model> as fn(&str, &str) -> usize)
    }};
}

/// Each value's path, as a JSON pointer, in document order.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                let path = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(path.clone());
                pointers(member, path, out);
            }
        }
        Value::Array(elements) => {
            for (index, element) in elements.iter().enumerate() {
                let path = format!("{at}/{index}");
                out.push(path.clone());
                pointers(element, path, out);
            }
        }
        _ => {}
    }
}

/// The document with every `null` object member left out, which `#[serde(default)]` reads.
fn without_null_members(value: &Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .filter(|(_, member)| !member.is_null())
                .map(|(key, member)| (key.clone(), without_null_members(member)))
                .collect(),
        ),
        Value::Array(elements) => Value::Array(elements.iter().map(without_null_members).collect()),
        other => other.clone(),
    }
}

/// Decodes `document` leniently, both streamed and from a `Value`, to the same model.
fn decode<T: DeserializeOwned + PartialEq + Debug>(
    fixture: &str,
    what: &str,
    document: &Value,
) -> T {
    let streamed: T = lenient::from_str(&document.to_string())
        .unwrap_or_else(|error| panic!("{fixture}: {what}: decoding fails: {error}"));
    let from_value: T = lenient::from_value(document.clone())
        .unwrap_or_else(|error| panic!("{fixture}: {what}: decoding a Value fails: {error}"));
    assert_eq!(streamed, from_value, "{fixture}: {what}");
    streamed
}

/// Checks one model against one document; returns how many nulled variants were decoded.
fn check<T: DeserializeOwned + PartialEq + Debug>(fixture: &str, text: &str) -> usize {
    let original: Value = serde_json::from_str(text).expect("fixture is JSON");
    let as_sent = decode::<T>(fixture, "as sent", &original);
    // The engine's own nulls are all struct members, which must read as if they were missing.
    let strict: T = serde_json::from_value(without_null_members(&original))
        .unwrap_or_else(|error| panic!("{fixture} without its nulls must decode: {error}"));
    assert_eq!(
        as_sent, strict,
        "{fixture}: a null member reads as a missing one"
    );
    let mut paths = Vec::new();
    pointers(&original, String::new(), &mut paths);
    for path in &paths {
        let mut nulled = original.clone();
        *nulled.pointer_mut(path).expect("pointer from the walk") = Value::Null;
        decode::<T>(fixture, &format!("with {path} null"), &nulled);
    }
    paths.len()
}

#[test]
fn every_model_accepts_null_in_every_field() {
    let cases: &[Case] = &[
        case!(Vec<ContainerSummary>, "container-list.json"),
        case!(ContainerInspect, "container-inspect.json"),
        case!(ContainerRecipe, "container-inspect.json"),
        case!(ContainerEndpoints, "container-inspect.json"),
        case!(ContainerInspect, "container-inspect-noimage.json"),
        case!(ProcessList, "container-top.json"),
        case!(Vec<FilesystemChange>, "container-changes.json"),
        case!(StatsSample, "container-stats.json"),
        case!(Vec<ImageSummary>, "image-list.json"),
        case!(ImageInspect, "image-inspect.json"),
        case!(Vec<HistoryItem>, "image-history.json"),
        case!(Vec<Network>, "network-list.json"),
        case!(Network, "network-inspect.json"),
        case!(VolumeList, "volume-list.json"),
        case!(Volume, "volume-inspect.json"),
        case!(Vec<Plugin>, "plugin-list.json"),
        case!(Plugin, "plugin-inspect.json"),
        case!(Vec<PluginPrivilege>, "plugin-privileges.json"),
        case!(Vec<Secret>, "secret-list.json"),
        case!(Secret, "secret-inspect.json"),
        case!(Vec<Config>, "config-list.json"),
        case!(Config, "config-inspect.json"),
        case!(DiskUsage, "system-df.json"),
        case!(SystemInfo, "system-info.json"),
        case!(SystemVersion, "system-version.json"),
        case!(Swarm, "swarm-inspect.json"),
        case!(Vec<Node>, "node-list.json"),
        case!(Vec<Service>, "service-list.json"),
        case!(Vec<Task>, "task-list.json"),
    ];
    for (fixture, text, check) in cases {
        let variants = check(fixture, text);
        assert!(variants > 0, "{fixture}");
    }
}

#[test]
fn every_event_accepts_null_in_every_field() {
    let (fixture, lines) = fixture!("events.jsonl");
    let mut checked = 0;
    for line in lines.lines().filter(|line| !line.trim().is_empty()) {
        checked += check::<EngineEvent>(fixture, line);
    }
    assert!(checked > 0, "the events fixture has events");
}
