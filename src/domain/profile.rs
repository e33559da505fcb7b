//! Profile tags (`Tag_Profile_IM_*` and the app's `Tag_Profile_Custom_*`): which exist, what
//! value each takes, and why a value is refused.

use serde_json::Value;

/// Longest string value of a tag, in bytes.
pub const MAX_VALUE_BYTES: usize = 500;
/// Longest `Tag_Profile_IM_Location`, in bytes.
pub const MAX_LOCATION_BYTES: usize = 16;
/// The prefix of an app's own tags.
pub const CUSTOM_PREFIX: &str = "Tag_Profile_Custom_";
/// Longest keyword after [`CUSTOM_PREFIX`] (letters only).
pub const MAX_CUSTOM_KEYWORD: usize = 8;
/// Tencent's tags for what account_import calls `Nick` and `FaceUrl`.
pub const NICK: &str = "Tag_Profile_IM_Nick";
pub const IMAGE: &str = "Tag_Profile_IM_Image";

/// What values a tag takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A string of at most this many bytes.
    Text(usize),
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// An unsigned 32-bit integer.
    Uint32,
}

fn standard(tag: &str) -> Option<Kind> {
    Some(match tag {
        NICK | "Tag_Profile_IM_SelfSignature" | IMAGE => Kind::Text(MAX_VALUE_BYTES),
        "Tag_Profile_IM_Location" => Kind::Text(MAX_LOCATION_BYTES),
        "Tag_Profile_IM_Gender" => Kind::OneOf(&[
            "Gender_Type_Unknown",
            "Gender_Type_Female",
            "Gender_Type_Male",
        ]),
        "Tag_Profile_IM_AllowType" => Kind::OneOf(&[
            "AllowType_Type_NeedConfirm",
            "AllowType_Type_AllowAny",
            "AllowType_Type_DenyAny",
        ]),
        "Tag_Profile_IM_AdminForbidType" => {
            Kind::OneOf(&["AdminForbid_Type_None", "AdminForbid_Type_SendOut"])
        }
        "Tag_Profile_IM_BirthDay"
        | "Tag_Profile_IM_Language"
        | "Tag_Profile_IM_MsgSettings"
        | "Tag_Profile_IM_Level"
        | "Tag_Profile_IM_Role" => Kind::Uint32,
        _ => return None,
    })
}

/// Why a tag or value is refused (`src/error.rs` gives Tencent's numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagError {
    /// Not a standard tag, nor a custom tag the app declared (40009).
    Unknown(String),
    /// Longer than its limit (40601; Location's 16 bytes: 40605).
    TooLong(String),
    /// Outside a standard tag's set of values (40605).
    BadValue(String),
    /// A string for a number or the other way round (40610).
    WrongType(String),
}

/// Whether `tag` is a well-formed custom tag name: the prefix and 1–8 letters.
pub fn is_custom_name(tag: &str) -> bool {
    tag.strip_prefix(CUSTOM_PREFIX).is_some_and(|k| {
        !k.is_empty() && k.len() <= MAX_CUSTOM_KEYWORD && k.bytes().all(|b| b.is_ascii_alphabetic())
    })
}

/// Checks that `tag` exists for an app that declared `custom` tags.
pub fn check_tag(tag: &str, custom: &[String]) -> Result<(), TagError> {
    if standard(tag).is_some() || (is_custom_name(tag) && custom.iter().any(|c| c == tag)) {
        return Ok(());
    }
    Err(TagError::Unknown(format!("the tag {tag} does not exist")))
}

/// Checks a value for `tag` (known to exist) and returns it as it is stored.
pub fn check_value(tag: &str, value: &Value) -> Result<Value, TagError> {
    // Custom tags hold strings (Tencent allows no numbers there).
    let kind = standard(tag).unwrap_or(Kind::Text(MAX_VALUE_BYTES));
    let wrong_type = |want: &str| TagError::WrongType(format!("the value of {tag} must be {want}"));
    match (kind, value) {
        (Kind::Uint32, Value::Number(n)) => match n.as_u64() {
            Some(v) if v <= u64::from(u32::MAX) => Ok(value.clone()),
            _ => Err(wrong_type("an unsigned 32-bit integer")),
        },
        (Kind::Uint32, _) => Err(wrong_type("an unsigned 32-bit integer")),
        (Kind::Text(max), Value::String(s)) if s.len() > max => {
            let msg = format!("the value of {tag} is longer than {max} bytes");
            Err(if max == MAX_VALUE_BYTES {
                TagError::TooLong(msg)
            } else {
                TagError::BadValue(msg)
            })
        }
        (Kind::OneOf(allowed), Value::String(s)) if !allowed.contains(&s.as_str()) => Err(
            TagError::BadValue(format!("{tag} must be one of {}", allowed.join(", "))),
        ),
        (_, Value::String(_)) => Ok(value.clone()),
        _ => Err(wrong_type("a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tags_exist_when_standard_or_declared() {
        let custom = vec!["Tag_Profile_Custom_Test".to_string()];
        assert!(check_tag("Tag_Profile_IM_Gender", &[]).is_ok());
        assert!(check_tag("Tag_Profile_Custom_Test", &custom).is_ok());
        assert!(check_tag("Tag_Profile_Custom_Test", &[]).is_err());
        assert!(check_tag("Tag_Profile_IM_Bogus", &custom).is_err());
        assert!(!is_custom_name("Tag_Profile_Custom_TooLongKw"));
        assert!(!is_custom_name("Tag_Profile_Custom_a1"));
    }

    #[test]
    fn values_follow_their_tag() {
        let gender = "Tag_Profile_IM_Gender";
        assert!(check_value(gender, &json!("Gender_Type_Male")).is_ok());
        assert!(matches!(
            check_value(gender, &json!("x")),
            Err(TagError::BadValue(_))
        ));
        assert!(matches!(
            check_value(gender, &json!(1)),
            Err(TagError::WrongType(_))
        ));
        let level = "Tag_Profile_IM_Level";
        assert!(check_value(level, &json!(4294967295u64)).is_ok());
        assert!(matches!(
            check_value(level, &json!(4294967296u64)),
            Err(TagError::WrongType(_))
        ));
        assert!(matches!(
            check_value(level, &json!(-1)),
            Err(TagError::WrongType(_))
        ));
        assert!(matches!(
            check_value(level, &json!("1")),
            Err(TagError::WrongType(_))
        ));
        let long = "x".repeat(501);
        assert!(matches!(
            check_value(NICK, &json!(long)),
            Err(TagError::TooLong(_))
        ));
        assert!(check_value(NICK, &json!("x".repeat(500))).is_ok());
        let place = "Tag_Profile_IM_Location";
        assert!(matches!(
            check_value(place, &json!("x".repeat(17))),
            Err(TagError::BadValue(_))
        ));
        assert!(matches!(
            check_value("Tag_Profile_Custom_Test", &json!(5)),
            Err(TagError::WrongType(_))
        ));
    }
}
