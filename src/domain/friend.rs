//! The relationship chain's rules: friend data (`AddSource`, remarks, friend lists, custom
//! `Tag_SNS_Custom_*` tags) and its limits, and the relation names friend_check answers with.

use serde_json::Value;

/// Most friends an account may have.
pub const MAX_FRIENDS: i64 = 3000;
/// Most accounts an account may block.
pub const MAX_BLOCKED: i64 = 1000;
/// Most friend lists an account may have, and a list name's longest length in bytes.
pub const MAX_FRIEND_LISTS: usize = 32;
pub const MAX_LIST_NAME_BYTES: usize = 30;
pub const MAX_REMARK_BYTES: usize = 96;
pub const MAX_ADD_WORDING_BYTES: usize = 256;
/// Longest custom friend value, in bytes.
pub const MAX_CUSTOM_VALUE_BYTES: usize = 500;
const ADD_SOURCE_PREFIX: &str = "AddSource_Type_";
const CUSTOM_PREFIX: &str = "Tag_SNS_Custom_";
/// Longest keyword after a prefix (letters only).
const MAX_KEYWORD: usize = 8;

fn keyword_ok(rest: &str) -> bool {
    !rest.is_empty() && rest.len() <= MAX_KEYWORD && rest.bytes().all(|b| b.is_ascii_alphabetic())
}

/// `AddSource_Type_` and 1–8 letters.
pub fn check_add_source(s: &str) -> Result<(), String> {
    match s.strip_prefix(ADD_SOURCE_PREFIX) {
        Some(k) if keyword_ok(k) => Ok(()),
        _ => Err(format!(
            "AddSource {s:?} must be {ADD_SOURCE_PREFIX} and 1 to {MAX_KEYWORD} letters"
        )),
    }
}

/// A string field within `max` bytes.
pub fn check_len(field: &str, s: &str, max: usize) -> Result<(), String> {
    if s.len() > max {
        return Err(format!("{field} is longer than {max} bytes"));
    }
    Ok(())
}

/// Friend-list names: each non-empty and within 30 bytes, at most 32.
pub fn check_lists(names: &[String]) -> Result<(), String> {
    if names.len() > MAX_FRIEND_LISTS {
        return Err(format!("at most {MAX_FRIEND_LISTS} friend lists"));
    }
    match names
        .iter()
        .find(|n| n.is_empty() || n.len() > MAX_LIST_NAME_BYTES)
    {
        Some(n) => Err(format!(
            "friend list name {n:?} must be 1 to {MAX_LIST_NAME_BYTES} bytes"
        )),
        None => Ok(()),
    }
}

/// A custom friend tag (`Tag_SNS_Custom_` and 1–8 letters) and its value: a string within 500
/// bytes or an integer.
pub fn check_custom(tag: &str, value: &Value) -> Result<(), String> {
    if !tag.strip_prefix(CUSTOM_PREFIX).is_some_and(keyword_ok) {
        return Err(format!(
            "tag {tag:?} must be {CUSTOM_PREFIX} and 1 to {MAX_KEYWORD} letters"
        ));
    }
    match value {
        Value::String(s) => check_len(tag, s, MAX_CUSTOM_VALUE_BYTES),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
        _ => Err(format!("the value of {tag} must be a string or an integer")),
    }
}

/// friend_check's `CheckType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckType {
    /// Only the owner's list is looked at.
    Single,
    Both,
}

impl CheckType {
    pub fn parse(s: &str) -> Option<CheckType> {
        match s {
            "CheckResult_Type_Single" => Some(CheckType::Single),
            "CheckResult_Type_Both" => Some(CheckType::Both),
            _ => None,
        }
    }

    /// The `Relation` of A and B, given whether B is in A's list and A in B's.
    pub fn relation(self, a_has_b: bool, b_has_a: bool) -> &'static str {
        match (self, a_has_b, b_has_a) {
            (CheckType::Single, true, _) => "CheckResult_Type_AWithB",
            (CheckType::Single, false, _) => "CheckResult_Type_NoRelation",
            (CheckType::Both, true, true) => "CheckResult_Type_BothWay",
            (CheckType::Both, true, false) => "CheckResult_Type_AWithB",
            (CheckType::Both, false, true) => "CheckResult_Type_BWithA",
            (CheckType::Both, false, false) => "CheckResult_Type_NoRelation",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn add_source_and_custom_tags_follow_the_keyword_rule() {
        assert!(check_add_source("AddSource_Type_Android").is_ok());
        assert!(check_add_source("AddSource_Type_").is_err());
        assert!(check_add_source("AddSource_Type_TooLongKw").is_err());
        assert!(check_add_source("Android").is_err());
        assert!(check_custom("Tag_SNS_Custom_Test", &json!("x")).is_ok());
        assert!(check_custom("Tag_SNS_Custom_Test", &json!(5)).is_ok());
        assert!(check_custom("Tag_SNS_Custom_Test", &json!([1])).is_err());
        assert!(check_custom("Tag_SNS_IM_Remark", &json!("x")).is_err());
    }

    #[test]
    fn relations_read_both_directions_only_when_asked() {
        assert_eq!(
            CheckType::Single.relation(false, true),
            "CheckResult_Type_NoRelation"
        );
        assert_eq!(
            CheckType::Both.relation(false, true),
            "CheckResult_Type_BWithA"
        );
        assert_eq!(
            CheckType::Both.relation(true, true),
            "CheckResult_Type_BothWay"
        );
    }
}
