//! Lists decoded element by element: one object the models cannot read becomes a
//! [`RowFailure`] (its id and the reason) beside the others, instead of failing the whole list.
//!
//! [`lenient`](super::lenient) already reads every `null` as an empty value, but an engine
//! newer or older than the models may still send a value of another type somewhere (a string
//! where a number was expected, a number out of range). A list page then shows the objects it
//! could read and one error row for each one it could not. The containers, images, networks and
//! volumes lists and each line of the event stream go through here.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use super::lenient;

/// One element of a list that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFailure {
    /// What identifies the object (`Id`, `ID`, `Name`, an event's actor), or its position in
    /// the list when it carries none.
    pub id: String,
    /// Why the model could not read it.
    pub reason: String,
}

/// What a list answer decoded into: the objects that could be read, in the engine's order, and
/// one failure for each that could not.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    /// The objects read.
    pub items: Vec<T>,
    /// The objects that could not be read.
    pub failures: Vec<RowFailure>,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            failures: Vec::new(),
        }
    }
}

/// Decodes a JSON array (or `null`, an empty list) element by element.
///
/// Only an answer that is not a list at all is an error. The elements are cut out of the text
/// as they are, and each is read straight into its model: no tree of values is built for a
/// thousand objects, which is most of the time a list takes in the browser.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<Listing<T>, serde_json::Error> {
    let elements: Option<Vec<&RawValue>> = serde_json::from_str(text)?;
    Ok(from_elements(elements.unwrap_or_default()))
}

/// Decodes the list under `field` of a JSON object, such as the `Volumes` of `GET /volumes`; a
/// missing or `null` field is an empty list.
pub fn from_field<T: DeserializeOwned>(
    text: &str,
    field: &str,
) -> Result<Listing<T>, serde_json::Error> {
    let answer: HashMap<String, &RawValue> = serde_json::from_str(text)?;
    match answer.get(field) {
        None => Ok(Listing::default()),
        Some(list) => {
            let elements: Option<Vec<&RawValue>> = serde_json::from_str(list.get())?;
            Ok(from_elements(elements.unwrap_or_default()))
        }
    }
}

/// Decodes each of `elements`, keeping the failures.
fn from_elements<T: DeserializeOwned>(elements: Vec<&RawValue>) -> Listing<T> {
    let mut listing = Listing::default();
    for (position, element) in elements.into_iter().enumerate() {
        match one_from_str(element.get()) {
            Ok(item) => listing.items.push(item),
            Err(mut failure) => {
                if failure.id.is_empty() {
                    failure.id = format!("#{}", position + 1);
                }
                listing.failures.push(failure);
            }
        }
    }
    listing
}

/// Decodes one object (an element of a list, a line of a stream); a failure names the
/// object's id when it has one, else an empty id, as for a line that is not JSON at all.
pub fn one_from_str<T: DeserializeOwned>(text: &str) -> Result<T, RowFailure> {
    lenient::from_str(text).map_err(|error| RowFailure {
        // Only a failure pays for reading the object a second time.
        id: serde_json::from_str::<Value>(text)
            .map(|element| identity(&element))
            .unwrap_or_default(),
        reason: error.to_string(),
    })
}

/// What identifies an engine object: its `Id` (containers, images, networks), `ID` (swarm
/// objects), `Name` (volumes) or, for an event, its actor's `ID`.
fn identity(element: &Value) -> String {
    let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
    text(element.get("Id"))
        .or_else(|| text(element.get("ID")))
        .or_else(|| text(element.get("Name")))
        .or_else(|| text(element.get("Actor").and_then(|actor| actor.get("ID"))))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::container::ContainerSummary;
    use crate::engine::event::EngineEvent;
    use crate::engine::volume::Volume;

    #[test]
    fn one_bad_element_leaves_the_others() {
        let listing: Listing<ContainerSummary> = from_str(
            r#"[{"Id":"good1","Names":["/a"],"Labels":null},
                {"Id":"bad","Names":["/b"],"Created":"yesterday"},
                {"Id":"good2","Names":["/c"]}]"#,
        )
        .unwrap();
        let ids: Vec<&str> = listing.items.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["good1", "good2"]);
        assert_eq!(listing.failures.len(), 1);
        assert_eq!(listing.failures[0].id, "bad");
        assert!(
            listing.failures[0].reason.contains("invalid type"),
            "{}",
            listing.failures[0].reason
        );
    }

    #[test]
    fn a_failure_without_an_id_is_named_by_its_position() {
        let listing: Listing<ContainerSummary> =
            from_str(r#"[{"Id":"a"},{"Names":"not a list"}]"#).unwrap();
        assert_eq!(listing.items.len(), 1);
        assert_eq!(listing.failures[0].id, "#2");
    }

    #[test]
    fn null_is_an_empty_list_and_a_non_list_is_an_error() {
        let empty: Listing<ContainerSummary> = from_str("null").unwrap();
        assert_eq!(empty, Listing::default());
        assert!(from_str::<ContainerSummary>(r#"{"message":"no"}"#).is_err());
    }

    #[test]
    fn a_field_of_an_object_is_decoded_the_same_way() {
        let listing: Listing<Volume> = from_field(
            r#"{"Volumes":[{"Name":"data","Driver":"local"},{"Name":"odd","Driver":7}],"Warnings":null}"#,
            "Volumes",
        )
        .unwrap();
        assert_eq!(listing.items.len(), 1);
        assert_eq!(listing.items[0].name, "data");
        assert_eq!(listing.failures[0].id, "odd");
        let none: Listing<Volume> = from_field(r#"{"Volumes":null}"#, "Volumes").unwrap();
        assert!(none.items.is_empty() && none.failures.is_empty());
    }

    #[test]
    fn an_event_is_named_by_its_actor() {
        let good: EngineEvent =
            one_from_str(r#"{"Type":"container","Action":"start","Actor":{"ID":"abc"}}"#).unwrap();
        assert_eq!(good.actor.id, "abc");
        let bad = one_from_str::<EngineEvent>(
            r#"{"Type":"container","Action":"start","Actor":{"ID":"abc"},"time":"soon"}"#,
        )
        .unwrap_err();
        assert_eq!(bad.id, "abc");
        let garbage = one_from_str::<EngineEvent>("{not json").unwrap_err();
        assert_eq!(garbage.id, "");
    }
}
