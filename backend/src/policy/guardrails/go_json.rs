//! A JSON document as the engine's Go decoder sees it: objects keep every entry in order,
//! duplicates included, and field names match without regard to case (Unicode simple folding,
//! so `ſ` is `s`). The guardrails judge bodies on this tree so that no spelling of a field can
//! hide it from Berth and show it to the engine.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value as the engine will see it: objects keep every entry, in order, duplicates
/// included.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Null,
    Bool(bool),
    Number,
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Bool(value))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Number)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Number)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Number)
    }

    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::String(value))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Node>()? {
            entries.push(entry);
        }
        Ok(Node::Object(entries))
    }
}

/// A name folded as Go's decoder folds field names (and a little more: only ever stricter).
pub(super) fn folded(name: &str) -> String {
    name.chars()
        .flat_map(char::to_uppercase)
        .flat_map(char::to_lowercase)
        .collect()
}

impl Node {
    /// Every value of a field the engine would take for `name`.
    pub(super) fn fields<'a>(&'a self, name: &str) -> Vec<&'a Node> {
        let wanted = folded(name);
        match self {
            Node::Object(entries) => entries
                .iter()
                .filter(|(key, _)| folded(key) == wanted)
                .map(|(_, value)| value)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The values at a path of field names, every match of every step.
    pub(super) fn at<'a>(&'a self, path: &[&str]) -> Vec<&'a Node> {
        let mut nodes = vec![self];
        for name in path {
            nodes = nodes
                .into_iter()
                .flat_map(|node| node.fields(name))
                .collect();
        }
        nodes
    }

    /// Whether the value asks for something: anything but `false`, `null` or nothing. Values
    /// of the wrong type are taken as a request too; the engine would refuse them anyway.
    pub(super) fn is_set(&self) -> bool {
        !matches!(self, Node::Null | Node::Bool(false))
    }

    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(text) => Some(text),
            _ => None,
        }
    }
}
