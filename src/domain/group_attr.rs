//! Group custom attributes and group counters: their limits, and what each write leaves.
//!
//! Both are small key-value sets of a group (at most 16 attributes, 20 counters), so a write
//! reads the whole set under the group's lock, computes the set it leaves here, checks the
//! limits on that result and only then writes: a refused write changes nothing.

use std::collections::BTreeMap;

use super::group::GroupType;
use super::refusal::Refusal;
pub use super::refusal::{AttrError, CounterError};

/// Longest attribute key, in UTF-8 bytes (10045).
pub const MAX_ATTR_KEY_BYTES: usize = 32;
/// Longest attribute value, in UTF-8 bytes (10046).
pub const MAX_ATTR_VALUE_BYTES: usize = 4000;
/// Most attributes a group holds (10047).
pub const MAX_ATTRS: usize = 16;
/// Most bytes all of a group's attribute values hold together (10048).
pub const MAX_ATTR_TOTAL_BYTES: usize = 16000;
/// Most counters a group holds (10063).
pub const MAX_COUNTERS: usize = 20;
/// Longest counter key, in UTF-8 bytes.
pub const MAX_COUNTER_KEY_BYTES: usize = 128;

/// A write to a group's attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrEdit {
    /// set_group_attr: the attributes become exactly these.
    Reset(Vec<(String, String)>),
    /// modify_group_attr: these keys are added or overwritten, the others kept.
    Upsert(Vec<(String, String)>),
    /// delete_group_attr: these keys are removed; each must exist.
    Delete(Vec<String>),
    /// clear_group_attr: every attribute is removed.
    Clear,
}

/// An attribute key from a request: 1–32 bytes, no NUL (keys are stored as text).
pub fn attr_key(raw: &str) -> Result<(), AttrError> {
    if raw.is_empty() {
        return Err(AttrError::BadKey(
            "an attribute key must not be empty".into(),
        ));
    }
    if raw.contains('\0') {
        return Err(AttrError::BadKey(format!(
            "the attribute key {raw:?} must not contain NUL"
        )));
    }
    if raw.len() > MAX_ATTR_KEY_BYTES {
        return Err(AttrError::KeyTooLong(raw.to_string()));
    }
    Ok(())
}

/// An attribute from a request: a valid key and a value of at most 4000 bytes (may be empty).
pub fn attr(key: &str, value: &str) -> Result<(), AttrError> {
    attr_key(key)?;
    if value.len() > MAX_ATTR_VALUE_BYTES {
        return Err(AttrError::ValueTooLong(key.to_string()));
    }
    Ok(())
}

/// The attributes `edit` leaves of `current`, or why it is refused. The limits on the number
/// of keys and on the values' total size are checked on the result, so a write that frees room
/// in the same call (a reset) is judged by what it leaves.
pub fn apply_attrs(
    mut current: BTreeMap<String, String>,
    edit: &AttrEdit,
) -> Result<BTreeMap<String, String>, AttrError> {
    match edit {
        AttrEdit::Reset(items) => {
            current = items.iter().cloned().collect();
        }
        AttrEdit::Upsert(items) => current.extend(items.iter().cloned()),
        AttrEdit::Delete(keys) => {
            // Every key must exist before any is removed; one named twice is removed once.
            if let Some(missing) = keys.iter().find(|k| !current.contains_key(*k)) {
                return Err(AttrError::NoSuchKey(missing.clone()));
            }
            for key in keys {
                current.remove(key);
            }
        }
        AttrEdit::Clear => current.clear(),
    }
    if current.len() > MAX_ATTRS {
        return Err(AttrError::TooManyKeys(current.len()));
    }
    let total: usize = current.values().map(String::len).sum();
    if total > MAX_ATTR_TOTAL_BYTES {
        return Err(AttrError::TooLarge(total));
    }
    Ok(current)
}

/// How update_group_counter changes each named counter (`Mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterMode {
    Set,
    Increase,
    Decrease,
}

impl CounterMode {
    /// `Set`, `Increase` or `Decrease` (case as documented); absent or `""` (a default an SDK
    /// sends for "not given") is `Set`.
    pub fn parse(raw: Option<&str>) -> Option<CounterMode> {
        Some(match raw.unwrap_or("") {
            "" | "Set" => CounterMode::Set,
            "Increase" => CounterMode::Increase,
            "Decrease" => CounterMode::Decrease,
            _ => return None,
        })
    }
}

/// A counter key from a request: 1–128 bytes, no NUL (keys are stored as text).
pub fn counter_key(raw: &str) -> Result<(), CounterError> {
    if raw.is_empty() {
        return Err(CounterError::BadKey(
            "a counter key must not be empty".into(),
        ));
    }
    if raw.contains('\0') {
        return Err(CounterError::BadKey(format!(
            "the counter key {raw:?} must not contain NUL"
        )));
    }
    if raw.len() > MAX_COUNTER_KEY_BYTES {
        return Err(CounterError::BadKey(format!(
            "the counter key {raw:?} is longer than {MAX_COUNTER_KEY_BYTES} bytes"
        )));
    }
    Ok(())
}

/// Counters exist in every type but Community (and its topics): 10007 there.
pub fn check_counters(t: GroupType) -> Result<(), Refusal> {
    if t == GroupType::Community {
        return Err(Refusal::NoPermission(
            "Community groups do not support group counters".into(),
        ));
    }
    Ok(())
}

/// Applies updates in order to `counters` (a missing key starts at 0). Returns each named key
/// once, in the order first named, with its new value; refused on overflow or when the group
/// would hold more than 20 counters.
pub fn apply_counters(
    counters: &mut BTreeMap<String, i64>,
    mode: CounterMode,
    items: &[(String, i64)],
) -> Result<Vec<(String, i64)>, CounterError> {
    let mut named: Vec<String> = Vec::new();
    for (key, value) in items {
        let old = counters.get(key).copied().unwrap_or(0);
        let new = match mode {
            CounterMode::Set => Some(*value),
            CounterMode::Increase => old.checked_add(*value),
            CounterMode::Decrease => old.checked_sub(*value),
        }
        .ok_or_else(|| CounterError::Overflow(key.clone()))?;
        if counters.insert(key.clone(), new).is_none() {
            // Updates never remove a key: once over the limit, the call is refused (checked
            // here so that a long list of new keys costs no more than the limit).
            if counters.len() > MAX_COUNTERS {
                return Err(CounterError::TooMany(counters.len()));
            }
        }
        if !named.contains(key) {
            named.push(key.clone());
        }
    }
    Ok(named
        .into_iter()
        .map(|k| {
            let v = counters.get(&k).copied().unwrap_or(0);
            (k, v)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(items: &[(&str, &str)]) -> BTreeMap<String, String> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reset_replaces_upsert_merges_delete_and_clear_remove() {
        let cur = map(&[("a", "1"), ("b", "2")]);
        let reset = AttrEdit::Reset(pairs(&[("c", "3")]));
        assert_eq!(apply_attrs(cur.clone(), &reset), Ok(map(&[("c", "3")])));
        let upsert = AttrEdit::Upsert(pairs(&[("b", "x"), ("c", "3")]));
        assert_eq!(
            apply_attrs(cur.clone(), &upsert),
            Ok(map(&[("a", "1"), ("b", "x"), ("c", "3")]))
        );
        let delete = AttrEdit::Delete(vec!["a".into(), "a".into()]);
        assert_eq!(apply_attrs(cur.clone(), &delete), Ok(map(&[("b", "2")])));
        let missing = AttrEdit::Delete(vec!["a".into(), "z".into()]);
        assert_eq!(
            apply_attrs(cur.clone(), &missing),
            Err(AttrError::NoSuchKey("z".into()))
        );
        assert_eq!(apply_attrs(cur, &AttrEdit::Clear), Ok(BTreeMap::new()));
    }

    #[test]
    fn limits_are_judged_on_the_result() {
        let full: Vec<(String, String)> = (0..16).map(|i| (format!("k{i}"), "v".into())).collect();
        let cur: BTreeMap<_, _> = full.iter().cloned().collect();
        let more = AttrEdit::Upsert(pairs(&[("new", "v")]));
        assert_eq!(
            apply_attrs(cur.clone(), &more),
            Err(AttrError::TooManyKeys(17))
        );
        // A reset to 16 other keys fits, though 32 keys are named over both states.
        let other: Vec<(String, String)> = (0..16).map(|i| (format!("o{i}"), "v".into())).collect();
        assert!(apply_attrs(cur, &AttrEdit::Reset(other)).is_ok());
        let big = "x".repeat(4000);
        let four: Vec<(String, String)> = (0..4).map(|i| (format!("b{i}"), big.clone())).collect();
        assert!(apply_attrs(BTreeMap::new(), &AttrEdit::Reset(four.clone())).is_ok());
        let mut five = four;
        five.push(("b4".into(), "y".into()));
        assert_eq!(
            apply_attrs(BTreeMap::new(), &AttrEdit::Reset(five)),
            Err(AttrError::TooLarge(16001))
        );
    }

    #[test]
    fn keys_and_values_are_measured_in_bytes() {
        assert!(attr_key(&"é".repeat(16)).is_ok());
        assert!(matches!(
            attr_key(&"é".repeat(17)),
            Err(AttrError::KeyTooLong(_))
        ));
        assert!(matches!(attr_key(""), Err(AttrError::BadKey(_))));
        assert!(attr("k", "").is_ok());
        assert!(matches!(
            attr("k", &"x".repeat(4001)),
            Err(AttrError::ValueTooLong(_))
        ));
        assert!(counter_key(&"k".repeat(128)).is_ok());
        assert!(counter_key(&"k".repeat(129)).is_err());
    }

    #[test]
    fn counters_start_at_zero_and_refuse_overflow() {
        let mut c = BTreeMap::new();
        let items = vec![("a".to_string(), 5), ("a".to_string(), 2)];
        assert_eq!(
            apply_counters(&mut c, CounterMode::Increase, &items),
            Ok(vec![("a".to_string(), 7)])
        );
        assert_eq!(
            apply_counters(&mut c, CounterMode::Decrease, &[("a".into(), 10)]),
            Ok(vec![("a".to_string(), -3)])
        );
        let mut c = BTreeMap::from([("m".to_string(), i64::MAX)]);
        assert_eq!(
            apply_counters(&mut c, CounterMode::Increase, &[("m".into(), 1)]),
            Err(CounterError::Overflow("m".into()))
        );
        assert_eq!(
            apply_counters(&mut c, CounterMode::Decrease, &[("n".into(), i64::MIN)]),
            Err(CounterError::Overflow("n".into()))
        );
        assert_eq!(CounterMode::parse(None), Some(CounterMode::Set));
        assert_eq!(CounterMode::parse(Some("")), Some(CounterMode::Set));
        assert_eq!(CounterMode::parse(Some("set")), None);
    }
}
