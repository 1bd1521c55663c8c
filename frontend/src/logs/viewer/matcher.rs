//! What the log search box asks for: plain text (with or without case) or a JavaScript
//! regular expression, and where it matches in a line.

use std::ops::Range;

use wasm_bindgen::JsCast;

use crate::logs::search::{find_plain, utf16_to_byte};

/// What the search box asks for.
pub(super) enum Matcher {
    Nothing,
    Plain { needle: String, case: bool },
    Regex(js_sys::RegExp),
    Invalid(String),
}

impl Matcher {
    pub(super) fn new(query: &str, case: bool, regex: bool) -> Self {
        if query.is_empty() {
            return Matcher::Nothing;
        }
        if !regex {
            return Matcher::Plain {
                needle: query.to_owned(),
                case,
            };
        }
        // `new RegExp` throws on a bad pattern; `Reflect.construct` turns that into an error.
        let constructor = js_sys::Reflect::get(&js_sys::global(), &"RegExp".into())
            .ok()
            .and_then(|c| c.dyn_into::<js_sys::Function>().ok());
        let Some(constructor) = constructor else {
            return Matcher::Invalid("this browser has no RegExp".into());
        };
        let flags = if case { "gu" } else { "giu" };
        let args = js_sys::Array::of2(&query.into(), &flags.into());
        match js_sys::Reflect::construct(&constructor, &args) {
            Ok(regex) => Matcher::Regex(regex.unchecked_into()),
            Err(error) => Matcher::Invalid(
                error
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .unwrap_or_else(|| "invalid pattern".into()),
            ),
        }
    }

    pub(super) fn active(&self) -> bool {
        matches!(self, Matcher::Plain { .. } | Matcher::Regex(_))
    }

    pub(super) fn is_match(&self, text: &str) -> bool {
        match self {
            Matcher::Plain { needle, case } => !find_plain(text, needle, *case).is_empty(),
            Matcher::Regex(regex) => {
                regex.set_last_index(0);
                regex.test(text)
            }
            _ => false,
        }
    }

    pub(super) fn ranges(&self, text: &str) -> Vec<Range<usize>> {
        match self {
            Matcher::Plain { needle, case } => find_plain(text, needle, *case),
            Matcher::Regex(regex) => {
                let mut found = Vec::new();
                regex.set_last_index(0);
                while let Some(hit) = regex.exec(text) {
                    let index = js_sys::Reflect::get(&hit, &"index".into())
                        .ok()
                        .and_then(|i| i.as_f64())
                        .unwrap_or(0.0) as usize;
                    let length = hit
                        .get(0)
                        .as_string()
                        .map_or(0, |s| s.encode_utf16().count());
                    if length == 0 {
                        regex.set_last_index(regex.last_index() + 1);
                        if regex.last_index() as usize > text.len() * 2 {
                            break;
                        }
                        continue;
                    }
                    found.push(utf16_to_byte(text, index)..utf16_to_byte(text, index + length));
                    if found.len() > 1000 {
                        break;
                    }
                }
                found
            }
            _ => Vec::new(),
        }
    }
}
