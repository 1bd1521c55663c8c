//! Lenient decoding of the engine's JSON: a `null` where the model expects a value reads as
//! that value's empty form.
//!
//! Engines send `null` for empty maps and lists in many places (`"Labels": null` for a container
//! created without an image, `"Aliases": null`, `"Mounts": null`…), and which ones differs from
//! one API version to the next. `#[serde(default)]` only covers a field that is missing, so one
//! such `null` would fail a whole list. Rather than annotating every field, every engine answer
//! is decoded through [`Lenient`], a deserializer adapter that answers a `null` with the empty
//! value of whatever type was asked for: `""`, `0`, `false`, an empty list, or an empty map (which
//! gives a struct its defaults). `Option` fields still read `null` as `None`, and untyped
//! `serde_json::Value` fields still see `Null`. The adapter streams: nothing is buffered.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    Visitor,
};

/// Decodes an engine answer, reading `null` as the empty value of the type expected there.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let mut inner = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Lenient(&mut inner))?;
    inner.end()?;
    Ok(value)
}

/// [`from_str`] for bytes.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let mut inner = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(Lenient(&mut inner))?;
    inner.end()?;
    Ok(value)
}

/// [`from_str`] for an answer already parsed into a [`serde_json::Value`].
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, serde_json::Error> {
    T::deserialize(Lenient(value))
}

/// The deserializer adapter: wraps another deserializer and reads its `null`s leniently.
pub struct Lenient<D>(pub D);

/// What a `null` stands for, given what the model asked for.
#[derive(Clone, Copy)]
enum Empty {
    /// Whatever the visitor makes of a unit (untyped values: `Null`).
    Unit,
    Bool,
    Number,
    Text,
    Bytes,
    List,
    Map,
}

macro_rules! lenient_as {
    ($($method:ident => $empty:expr),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.0.deserialize_any(Expecting { visitor, empty: $empty })
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Lenient<D> {
    type Error = D::Error;

    lenient_as! {
        deserialize_any => Empty::Unit,
        deserialize_unit => Empty::Unit,
        deserialize_bool => Empty::Bool,
        deserialize_i8 => Empty::Number,
        deserialize_i16 => Empty::Number,
        deserialize_i32 => Empty::Number,
        deserialize_i64 => Empty::Number,
        deserialize_i128 => Empty::Number,
        deserialize_u8 => Empty::Number,
        deserialize_u16 => Empty::Number,
        deserialize_u32 => Empty::Number,
        deserialize_u64 => Empty::Number,
        deserialize_u128 => Empty::Number,
        deserialize_f32 => Empty::Number,
        deserialize_f64 => Empty::Number,
        deserialize_char => Empty::Text,
        deserialize_str => Empty::Text,
        deserialize_string => Empty::Text,
        deserialize_bytes => Empty::Bytes,
        deserialize_byte_buf => Empty::Bytes,
        deserialize_seq => Empty::List,
        deserialize_map => Empty::Map,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_option(Optional(visitor))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_newtype_struct(
            name,
            Expecting {
                visitor,
                empty: Empty::Unit,
            },
        )
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        // An enum has no empty value to stand for `null`; the inner deserializer says so.
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_identifier(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A visitor that answers a `null` with `empty`, and passes everything else on, reading what
/// is nested inside leniently too.
struct Expecting<V> {
    visitor: V,
    empty: Empty,
}

impl<V> Expecting<V> {
    fn empty<'de, E: de::Error>(self) -> Result<V::Value, E>
    where
        V: Visitor<'de>,
    {
        match self.empty {
            Empty::Unit => self.visitor.visit_unit(),
            Empty::Bool => self.visitor.visit_bool(false),
            Empty::Number => self.visitor.visit_u64(0),
            Empty::Text => self.visitor.visit_str(""),
            Empty::Bytes => self.visitor.visit_bytes(&[]),
            Empty::List => self.visitor.visit_seq(Nothing(PhantomData)),
            Empty::Map => self.visitor.visit_map(Nothing(PhantomData)),
        }
    }
}

macro_rules! pass_on {
    ($($method:ident($type:ty)),* $(,)?) => {
        $(
            fn $method<E: de::Error>(self, value: $type) -> Result<Self::Value, E> {
                self.visitor.$method(value)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Expecting<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(formatter)
    }

    pass_on! {
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_f64(f64),
        visit_char(char),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>),
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.empty()
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.empty()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.visitor.visit_some(Lenient(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        self.visitor.visit_newtype_struct(Lenient(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_seq(LenientAccess(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_map(LenientAccess(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_enum(data)
    }
}

/// The visitor of `deserialize_option`: `null` is `None`, and a value inside `Some` is read
/// leniently.
struct Optional<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Optional<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(formatter)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(Lenient(deserializer))
    }
}

/// A list's or map's elements, each read leniently; map keys are read as they are.
struct LenientAccess<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for LenientAccess<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        self.0.next_element_seed(LenientSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for LenientAccess<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, Self::Error> {
        self.0.next_value_seed(LenientSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A seed whose value is read leniently.
struct LenientSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for LenientSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Lenient(deserializer))
    }
}

/// The empty list or map that stands for a `null`.
struct Nothing<E>(PhantomData<E>);

impl<'de, E: de::Error> SeqAccess<'de> for Nothing<E> {
    type Error = E;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        _seed: T,
    ) -> Result<Option<T::Value>, E> {
        Ok(None)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(0)
    }
}

impl<'de, E: de::Error> MapAccess<'de> for Nothing<E> {
    type Error = E;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, _seed: K) -> Result<Option<K::Value>, E> {
        Ok(None)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, _seed: T) -> Result<T::Value, E> {
        Err(de::Error::custom("a value was asked of an empty map"))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(0)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::*;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(default)]
    struct Row {
        #[serde(rename = "Id")]
        id: String,
        labels: BTreeMap<String, String>,
        names: Vec<String>,
        size: i64,
        health: Option<String>,
        raw: Value,
        nested: Nested,
    }

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(default)]
    struct Nested {
        flag: bool,
        port: u16,
    }

    #[test]
    fn null_reads_as_the_empty_value_of_each_type() {
        let text = r#"{"Id":null,"labels":null,"names":[null,"a"],"size":null,"health":null,
            "raw":null,"nested":{"flag":null,"port":null}}"#;
        assert!(
            serde_json::from_str::<Row>(text).is_err(),
            "plain serde refuses it"
        );
        let row: Row = from_str(text).expect("lenient");
        assert_eq!(
            row,
            Row {
                names: vec![String::new(), "a".to_owned()],
                ..Row::default()
            }
        );
        let row: Row = from_str(r#"{"nested":null,"health":"ok","raw":{"a":null}}"#).unwrap();
        assert_eq!(row.health.as_deref(), Some("ok"));
        assert_eq!(
            row.raw,
            json!({"a": null}),
            "untyped values keep their nulls"
        );
        assert_eq!(row.nested, Nested::default());
    }

    #[test]
    fn values_and_bytes_decode_like_text() {
        let value = json!({"Id": "x", "labels": {"k": null}, "size": 3});
        let row: Row = from_value(value.clone()).unwrap();
        assert_eq!(row.labels.get("k").map(String::as_str), Some(""));
        assert_eq!(
            row,
            from_slice::<Row>(value.to_string().as_bytes()).unwrap()
        );
    }

    #[test]
    fn what_is_not_json_or_has_trailing_text_is_still_refused() {
        assert!(from_str::<Row>("{").is_err());
        assert!(from_str::<Row>("{} {}").is_err());
        assert!(from_str::<Row>(r#"{"size":"big"}"#).is_err());
    }
}
