//! Edits of a spec as the engine sent it, by member path: the service form changes the members
//! it knows and leaves every other one as it was.

use serde_json::{Map, Value, json};

/// Sets the member at `path`, making the objects on the way.
pub(super) fn set(spec: &mut Value, path: &[&str], value: Value) {
    let (last, parents) = path.split_last().expect("a path has a last member");
    let mut at = spec;
    for key in parents {
        if !at.get(*key).is_some_and(Value::is_object) {
            at[*key] = Value::Object(Map::new());
        }
        at = &mut at[*key];
    }
    at[*last] = value;
}

/// Sets a list, or removes the member when the list is empty (as the CLI leaves it out).
pub(super) fn set_list<T: serde::Serialize>(spec: &mut Value, path: &[&str], items: Vec<T>) {
    if items.is_empty() {
        remove(spec, path);
    } else {
        set(spec, path, json!(items));
    }
}

pub(super) fn remove(spec: &mut Value, path: &[&str]) {
    let (last, parents) = path.split_last().expect("a path has a last member");
    let mut at = spec;
    for key in parents {
        match at.get_mut(*key) {
            Some(next) => at = next,
            None => return,
        }
    }
    if let Some(object) = at.as_object_mut() {
        object.remove(*last);
    }
}
