//! Free-form JSON in requests (`MsgBody`, `OfflinePushInfo`, `GroupAtInfo`), read with duplicate
//! keys refused at every depth: serde_json's `Value` keeps the last of them silently, and a
//! duplicate key is never resolved silently anywhere in a request (docs/reliability.md).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A JSON value whose objects, at any depth, have no key twice.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key {key:?}")));
            }
            let Strict(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// `#[serde(deserialize_with)]` for a required array of free-form values.
pub fn values<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    let items = Vec::<Strict>::deserialize(d)?;
    Ok(items.into_iter().map(|Strict(v)| v).collect())
}

/// `#[serde(default, deserialize_with)]` for an optional array of free-form values.
pub fn opt_values<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Value>>, D::Error> {
    let items = Option::<Vec<Strict>>::deserialize(d)?;
    Ok(items.map(|items| items.into_iter().map(|Strict(v)| v).collect()))
}

/// `#[serde(default, deserialize_with)]` for an optional free-form value.
pub fn opt_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Ok(Option::<Strict>::deserialize(d)?.map(|Strict(v)| v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Sample {
        #[serde(deserialize_with = "values")]
        body: Vec<Value>,
        #[serde(default, deserialize_with = "opt_value")]
        extra: Option<Value>,
    }

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        let top = serde_json::from_str::<Sample>(r#"{"body":[{"a":1,"a":2}]}"#);
        assert!(top.unwrap_err().to_string().contains("duplicate key \"a\""));
        let deep = serde_json::from_str::<Sample>(r#"{"body":[{"a":{"b":[{"c":1,"c":1}]}}]}"#);
        assert!(deep.is_err());
        let extra = serde_json::from_str::<Sample>(r#"{"body":[],"extra":{"x":1,"x":1}}"#);
        assert!(extra.is_err());
    }

    #[test]
    fn values_read_as_serde_json_reads_them() {
        let text = r#"{"body":[{"a":[1,-2,3.5,"s",true,null,{}]}],"extra":null}"#;
        let s: Sample = serde_json::from_str(text).unwrap();
        let plain: Value = serde_json::from_str(text).unwrap();
        assert_eq!(Value::Array(s.body), plain["body"]);
        assert_eq!(s.extra, None);
        let s: Sample = serde_json::from_str(r#"{"body":[]}"#).unwrap();
        assert!(s.body.is_empty() && s.extra.is_none());
    }
}
