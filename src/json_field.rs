//! One field of a JSON document, read strictly and without building the document: what the schemes read of a signed
//! body (an id, a timestamp, a handshake's challenge) and the event type.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

/// The top-level field `field` of a JSON object, as `T` (a borrowed `&str` is read without allocating). `None` when
/// the body is not an object, the field is absent, not a `T` (for `&str`: not a plain, unescaped string), or present
/// more than once.
pub(crate) fn top_level_field<'a, T: serde::Deserialize<'a>>(body: &'a [u8], field: &str) -> Option<T> {
    field_at(body, &[field])
}

/// The field at `path` (`["event", "id"]`: the `id` of the top-level `event` object) of a JSON document, as
/// [`top_level_field`] reads one: `None` when any object on the way repeats the key it is read by. The whole
/// document must be valid JSON.
pub(crate) fn field_at<'a, T: serde::Deserialize<'a>>(body: &'a [u8], path: &[&str]) -> Option<T> {
    struct Find<'p, T>(&'p [&'p str], std::marker::PhantomData<T>);

    impl<'de, T: serde::Deserialize<'de>> DeserializeSeed<'de> for Find<'_, T> {
        type Value = Option<T>;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            match self.0 {
                [] => T::deserialize(deserializer).map(Some),
                _ => deserializer.deserialize_any(self),
            }
        }
    }

    impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for Find<'_, T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let Some((first, rest)) = self.0.split_first() else { return Ok(None) };
            let mut found = None;
            let mut repeated = false;
            while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                if key == *first {
                    repeated |= found.is_some();
                    found = Some(map.next_value_seed(Find::<T>(rest, std::marker::PhantomData))?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(if repeated { None } else { found.flatten() })
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }

        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    /// An object key, borrowed from the body unless it is spelled with escapes.
    struct Key<'de>(Cow<'de, str>);

    impl<'de> serde::Deserialize<'de> for Key<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Text;

            impl<'de> Visitor<'de> for Text {
                type Value = Key<'de>;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object key")
                }

                fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
                    Ok(Key(Cow::Borrowed(key)))
                }

                fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
                    Ok(Key(Cow::Owned(key.to_owned())))
                }
            }

            deserializer.deserialize_str(Text)
        }
    }

    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let found = Find::<T>(path, std::marker::PhantomData).deserialize(&mut deserializer).ok().flatten()?;
    deserializer.end().ok().map(|()| found)
}

#[cfg(test)]
mod tests {
    use super::field_at;

    #[test]
    fn a_nested_field_is_read_only_when_every_key_on_its_path_is_single() {
        fn read(body: &str) -> Option<&str> {
            field_at::<&str>(body.as_bytes(), &["event", "id"])
        }
        assert_eq!(read(r#"{"id":1,"event":{"type":"x","id":"evt_1"}}"#), Some("evt_1"));
        assert_eq!(read(r#"{"event":{"id":"evt_1","id":"evt_2"}}"#), None);
        assert_eq!(read(r#"{"event":{"id":"evt_1"},"event":{"id":"evt_2"}}"#), None);
        // A key spelled with an escape is the same key: it cannot smuggle a second copy past the check.
        assert_eq!(read(r#"{"event":{"id":"evt_1","\u0069d":"evt_2"}}"#), None);
        assert_eq!(read(r#"{"event":["id"],"id":"evt_1"}"#), None);
        assert_eq!(read(r#"{"event":{"id":"evt_1"}} trailing"#), None);
        assert_eq!(read(r#"{"event":{"id":7}}"#), None);
    }
}
