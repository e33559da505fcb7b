//! Community topics: which groups have them, topic ids (generated and custom), the byte limits
//! of a topic's texts, and the stored profile of a topic.

use serde::{Deserialize, Serialize};

use super::group::GroupType;
use super::refusal::Refusal;

pub use super::ids::TOPIC_MARK;
/// What a generated topic id has after [`TOPIC_MARK`]; custom ids may not use it.
pub const GENERATED_MARK: &str = "@TOPIC#_@TOPIC#";
/// Longest topic id, in bytes.
pub const MAX_TOPIC_ID_BYTES: usize = 96;
pub const MAX_TOPIC_NAME_BYTES: usize = 30;
pub const MAX_CUSTOM_STRING_BYTES: usize = 3000;
pub const MAX_FACE_URL_BYTES: usize = 100;
pub const MAX_NOTIFICATION_BYTES: usize = 300;
pub const MAX_INTRODUCTION_BYTES: usize = 240;
/// Most live topics a Community may have; one more → 10037 (Tencent: "over the purchased
/// limit", a figure its pages do not give). It also bounds what get_topic lists.
pub const MAX_TOPICS: i64 = 1000;
/// Most topic ids one get_topic or destroy_topic call may name.
pub const MAX_TOPIC_IDS_PER_CALL: usize = 100;

/// Whether a Community with `live` live topics may have one more.
pub fn check_topic_count(live: i64) -> Result<(), Refusal> {
    if live >= MAX_TOPICS {
        return Err(Refusal::TooManyTopics(MAX_TOPICS));
    }
    Ok(())
}

/// Whether a group of `t` created with `support_topic` has topics: a Community only.
pub fn has_topics(t: GroupType, support_topic: bool) -> bool {
    t == GroupType::Community && support_topic
}

/// A fresh topic id of the form Tencent generates: the GroupId, `@TOPIC#_@TOPIC#c` and eleven
/// upper-case alphanumerics.
pub fn generate_topic_id(group_id: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let bytes: [u8; 11] = rand::random();
    let tail: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("{group_id}{GENERATED_MARK}c{tail}")
}

/// Checks a custom topic id chosen by the caller: the GroupId, `@TOPIC#_` and a non-empty part
/// of printable ASCII without `@TGS#_` or the generated ids' mark; ≤ 96 bytes in all.
pub fn check_custom_topic_id(group_id: &str, id: &str) -> Result<(), String> {
    let prefix = format!("{group_id}{TOPIC_MARK}");
    let Some(custom) = id.strip_prefix(&prefix) else {
        return Err(format!("a custom TopicId must start with {prefix}"));
    };
    if custom.is_empty() {
        return Err("a custom TopicId needs a part after @TOPIC#_".into());
    }
    if id.len() > MAX_TOPIC_ID_BYTES {
        return Err(format!("TopicId is longer than {MAX_TOPIC_ID_BYTES} bytes"));
    }
    if !custom.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err("TopicId must be printable ASCII".into());
    }
    if custom.contains("@TGS#_") || id.contains(GENERATED_MARK) {
        return Err("a custom TopicId must not contain @TGS#_ or @TOPIC#_@TOPIC#".into());
    }
    Ok(())
}

/// The editable profile of a topic, stored as one JSON document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TopicProfile {
    pub name: String,
    pub face_url: String,
    pub notification: String,
    pub introduction: String,
    pub custom_string: String,
    /// MuteAllMember: only the owner, admins and app admins may speak in the topic.
    pub mute_all: bool,
    /// The member who created the topic (`From_Account`), empty when none was named.
    pub creator: String,
}

/// Texts of a topic as a request gives them (absent = not given).
#[derive(Debug, Default, Clone, Copy)]
pub struct TopicTexts<'a> {
    pub name: Option<&'a str>,
    pub face_url: Option<&'a str>,
    pub notification: Option<&'a str>,
    pub introduction: Option<&'a str>,
    pub custom_string: Option<&'a str>,
}

fn check_len(field: &str, v: Option<&str>, max: usize) -> Result<(), String> {
    match v {
        Some(s) if s.len() > max => Err(format!("{field} is longer than {max} bytes")),
        Some(s) if s.contains('\0') => Err(format!("{field} must not contain NUL")),
        _ => Ok(()),
    }
}

impl TopicTexts<'_> {
    /// Checks each text against its byte limit (UTF-8 bytes), in the documented order.
    pub fn check(&self) -> Result<(), String> {
        if self.name.is_some_and(str::is_empty) {
            return Err("TopicName must not be empty".into());
        }
        check_len("TopicName", self.name, MAX_TOPIC_NAME_BYTES)?;
        check_len("CustomString", self.custom_string, MAX_CUSTOM_STRING_BYTES)?;
        check_len("FaceUrl", self.face_url, MAX_FACE_URL_BYTES)?;
        check_len("Notification", self.notification, MAX_NOTIFICATION_BYTES)?;
        check_len("Introduction", self.introduction, MAX_INTRODUCTION_BYTES)
    }

    /// Writes the texts given into `p`, leaving the others.
    pub fn apply(&self, p: &mut TopicProfile) {
        let set = |dst: &mut String, v: Option<&str>| {
            if let Some(v) = v {
                *dst = v.to_string();
            }
        };
        set(&mut p.name, self.name);
        set(&mut p.face_url, self.face_url);
        set(&mut p.notification, self.notification);
        set(&mut p.introduction, self.introduction);
        set(&mut p.custom_string, self.custom_string);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: &str = "@TGS#_g1";

    #[test]
    fn generated_ids_are_valid_and_reserved() {
        let id = generate_topic_id(G);
        assert!(id.starts_with("@TGS#_g1@TOPIC#_@TOPIC#c"));
        assert_eq!(id.len(), G.len() + GENERATED_MARK.len() + 12);
        assert!(check_custom_topic_id(G, &id).is_err());
    }

    #[test]
    fn custom_ids() {
        assert!(check_custom_topic_id(G, "@TGS#_g1@TOPIC#_news").is_ok());
        assert!(check_custom_topic_id(G, "@TGS#_g2@TOPIC#_news").is_err());
        assert!(check_custom_topic_id(G, "@TGS#_g1@TOPIC#_").is_err());
        assert!(check_custom_topic_id(G, "@TGS#_g1@TOPIC#_a@TGS#_b").is_err());
        assert!(check_custom_topic_id(G, "@TGS#_g1@TOPIC#_é").is_err());
        let long = format!("{G}{TOPIC_MARK}{}", "x".repeat(96));
        assert!(check_custom_topic_id(G, &long).is_err());
        let fits = format!("{G}{TOPIC_MARK}{}", "x".repeat(96 - G.len() - 8));
        assert!(check_custom_topic_id(G, &fits).is_ok());
    }

    #[test]
    fn topics_per_community_are_capped_with_10037() {
        use crate::error::{ApiError, Family};
        assert!(check_topic_count(0).is_ok());
        assert!(check_topic_count(MAX_TOPICS - 1).is_ok());
        let refused = check_topic_count(MAX_TOPICS).unwrap_err();
        assert_eq!(refused, Refusal::TooManyTopics(1000));
        assert!(check_topic_count(MAX_TOPICS + 5).is_err());
        let api = ApiError::from(refused);
        assert_eq!(api.code(Family::Group), 10037);
        assert_eq!(
            api.to_string(),
            "the Community already has 1000 topics, the most it may have"
        );
    }

    #[test]
    fn texts_are_limited_in_bytes() {
        let name = "é".repeat(15);
        let ok = TopicTexts {
            name: Some(&name),
            ..Default::default()
        };
        assert!(ok.check().is_ok());
        let name = "é".repeat(16);
        let long = TopicTexts {
            name: Some(&name),
            ..Default::default()
        };
        assert!(long.check().is_err());
    }
}
